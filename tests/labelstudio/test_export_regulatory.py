"""The review queue and its exports show a leak's regulatory escalation, escalated items first."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from auditor.labelstudio import export_run
from auditor.regulatory.assess import Assessor
from auditor.regulatory.policy import RegulatoryConfig
from auditor.types import Verdict
from tests.labelstudio.runs import Case, accuracy, pii, span, write_run
from tests.labelstudio.sdk import interface, task_errors
from tests.synthetic_ids import cn_resident_id

CN_ID = cn_resident_id("110101", "19790911", "052")


def assessed(verdict: Verdict, marketplace: str) -> Verdict:
    leaked = [s for s in verdict.pii_spans if s.source == "new"]
    regulatory = Assessor.from_config(RegulatoryConfig()).assess(marketplace, leaked)
    return verdict.model_copy(update={"regulatory": regulatory})


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cn = f"Die Ausweisnummer lautet {CN_ID}."
    mail = "Write to the buyer at lee.carter@example.com today."
    cases = [
        # an accuracy failure alone: reviewed, not escalated
        Case({"id": "wrong", "prompt": "Fee?", "response": "It is 50%.", "reference": "It is 15%."},
             [accuracy(1, 0.9), pii([])]),
        Case({"id": "mail-us", "prompt": "Buyer?", "response": mail, "metadata": {"marketplace": "US"}},
             [accuracy(4, 0.9),
              assessed(pii([span(mail, "lee.carter@example.com", "EMAIL_ADDRESS", "high")]), "US")]),
        Case({"id": "cn-id-de", "prompt": "Kundin?", "response": cn, "metadata": {"marketplace": "DE"}},
             [accuracy(4, 0.9), assessed(pii([span(cn, CN_ID, "CN_RESIDENT_ID", "critical")]), "DE")]),
    ]  # fmt: skip
    return write_run(tmp_path_factory.mktemp("ls") / "run", cases)


def test_label_studio_tasks_carry_the_escalation_first_in_the_queue(run_dir: Path, tmp_path: Path) -> None:
    export_run(run_dir, tmp_path, "labelstudio", redact=True)
    tasks = json.loads((tmp_path / "tasks.json").read_text("utf-8"))
    assert [t["data"]["item_id"] for t in tasks] == ["cn-id-de", "mail-us", "wrong"]
    top = tasks[0]["data"]
    assert top["escalation"].startswith("privacy-legal: GDPR Art. 87 (CN_RESIDENT_ID, sensitive)")
    assert "PIPL Art. 4 (CN_RESIDENT_ID, the id's country)" in top["escalation"]
    assert "escalate:privacy-legal" in top["route_reasons"]
    email_on_us = "not escalated: CCPA Cal. Civ. Code § 1798.140(v) (EMAIL_ADDRESS)"
    assert tasks[1]["data"]["escalation"] == email_on_us
    assert tasks[2]["data"]["escalation"] == "(none)"
    assert CN_ID not in (tmp_path / "tasks.json").read_text("utf-8")
    li = interface((tmp_path / "labeling_config.xml").read_text("utf-8"))
    assert all(task_errors(li, t) == [] for t in tasks)  # `$escalation` is shown to the annotator


def test_the_csv_queue_has_an_escalation_column(run_dir: Path, tmp_path: Path) -> None:
    export_run(run_dir, tmp_path, "csv")
    raw = (tmp_path / "review.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert [r["item_id"] for r in rows] == ["cn-id-de", "mail-us", "wrong"]
    assert rows[0]["escalation"].startswith("privacy-legal: ")
    assert rows[2]["escalation"] == ""
