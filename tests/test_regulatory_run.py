"""End to end: `auditor run` with the PII judge escalates leaks by law; the bundle keeps the file used."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from auditor.bundle import bundle_run
from auditor.config import load_config
from auditor.errors import UserError
from auditor.regulatory.regulations import DEFAULT_REGULATIONS
from auditor.run import RunOptions, run_audit
from auditor.rundir import read_records
from tests.synthetic_ids import cn_resident_id

CN_ID = cn_resident_id("110101", "19850604", "217")


@pytest.fixture
async def run(tmp_path: Path) -> tuple[Path, Path]:
    items = tmp_path / "items.jsonl"
    rows = [
        {"id": "cn-on-de", "prompt": "Wer ist die Kundin?", "response": f"Ihre Ausweisnummer ist {CN_ID}.",
         "metadata": {"marketplace": "DE"}},
        {"id": "clean", "prompt": "Versand?", "response": "Der Versand dauert zwei Tage.",
         "metadata": {"marketplace": "DE"}},
    ]  # fmt: skip
    items.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    regulations = tmp_path / "regulations.yaml"
    regulations.write_bytes(DEFAULT_REGULATIONS.read_bytes())
    config_path = tmp_path / "audit.yaml"
    config_path.write_text(
        "judges:\n  - {name: pii, kind: pii}\nregulatory:\n  regulations: regulations.yaml\n",
        encoding="utf-8",
    )
    out = tmp_path / "run"
    await run_audit(load_config(config_path), RunOptions(items, out, progress=False, config_path=config_path))
    return out, regulations


async def test_the_run_routes_the_leak_as_an_escalation_and_the_clean_item_without_law(run):
    out, _ = run
    records = {r.item_id: r for r in read_records(out)}
    leak = records["cn-on-de"]
    (verdict,) = leak.verdicts
    assert verdict.regulatory is not None and verdict.regulatory.laws == ["GDPR", "PIPL"]
    assert leak.route.escalation == "privacy-legal" and "escalate:privacy-legal" in leak.route.reasons
    assert leak.route.priority == 2.0
    clean = records["clean"]
    assert clean.verdicts[0].regulatory is None and clean.route.escalation is None


async def test_the_bundle_holds_the_regulations_file_and_refuses_an_edited_one(run, tmp_path):
    out, regulations = run
    bundle_run(out, tmp_path / "evidence.zip")
    with zipfile.ZipFile(tmp_path / "evidence.zip") as zf:
        assert zf.read("rubrics/regulations.yaml") == regulations.read_bytes()
    regulations.write_text(regulations.read_text("utf-8").replace("Art. 87", "Art. 88"), encoding="utf-8")
    with pytest.raises(UserError, match=r"regulations\.yaml: changed since the run"):
        bundle_run(out, tmp_path / "again.zip")
