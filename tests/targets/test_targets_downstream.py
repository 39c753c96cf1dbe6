"""Export, calibrate and report on a run with two targets: records are keyed by item and target.

The targets' "models" are the local fake OpenAI-compatible server with scripted replies.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from auditor.calibration.command import run_calibration
from auditor.config import load_config
from auditor.errors import UserError
from auditor.labelstudio import export_run
from auditor.report import write_report
from auditor.run import RunOptions, run_audit
from auditor.testing import FakeOpenAI
from tests.targets.test_targets import BAD, GOOD, ITEMS, by_model, write_config, write_items


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("two-targets")
    write_items(root / "items.jsonl")
    with FakeOpenAI(models=["model-a", "model-b"]) as server:
        server.respond_with(by_model)
        targets = (
            f"  - {{name: good, model: model-a, base_url: '{server.base_url}', api_key_env: null}}\n"
            f"  - {{name: bad, model: model-b, base_url: '{server.base_url}', api_key_env: null}}\n"
        )
        config = load_config(write_config(root / "bench.yaml", targets))
        asyncio.run(run_audit(config, RunOptions(root / "items.jsonl", root / "run", progress=False)))
    return root / "run"


def test_export_takes_one_targets_answers_and_says_which(run: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"answers of 2 targets \(good, bad\); choose one with --system"):
        export_run(run, tmp_path / "x", "jsonl", include_all=True)
    with pytest.raises(UserError, match="no target 'other'"):
        export_run(run, tmp_path / "x", "jsonl", include_all=True, system="other")
    result = export_run(run, tmp_path / "out", "jsonl", include_all=True, system="bad")
    rows = [json.loads(line) for line in (tmp_path / "out" / "review.jsonl").read_text().splitlines()]
    assert sorted(r["item"]["id"] for r in rows) == [i["id"] for i in ITEMS]
    assert {r["record"]["target"] for r in rows} == {"bad"}
    assert {r["item"]["response"] for r in rows} == {BAD}  # the target's answer, not the input's "-"
    assert "of target 'bad'" in result.describe()


def test_calibrate_measures_one_targets_verdicts_and_names_it(run: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        "".join(
            json.dumps({"item_id": i["id"], "annotator": a, "criterion": "accuracy", "score": 1}) + "\n"
            for i in ITEMS
            for a in ("ann-1", "ann-2")
        )
    )
    with pytest.raises(UserError, match="choose one with --system"):
        run_calibration(run, labels, tmp_path / "cal-x", n_boot=200)
    result = run_calibration(run, labels, tmp_path / "cal", n_boot=200, system="bad")
    assert result.settings["system"] == "bad"
    assert "answers of target 'bad' were calibrated" in " ".join(result.notes)
    accuracy = result.criteria["accuracy"].judges["accuracy_baseline"].vs_reference
    # The bad target's answers fail, as the humans say: the judge agrees on every item.
    assert accuracy.n_items == 3 and accuracy.statistics["agreement"].value == 1.0


def test_the_report_gives_results_and_findings_per_target(run: Path, tmp_path: Path) -> None:
    report = write_report(run, tmp_path / "report")
    text = report.markdown.read_text(encoding="utf-8")
    assert "6 answers of 2 targets (good, bad)" in text
    assert "| accuracy (good) | 3 | 3 | 0 |" in text and "| accuracy (bad) | 3 | 0 | 3 |" in text
    accuracy = [f for f in report.findings if f.criterion == "accuracy"]
    assert accuracy and all(f.target == "bad" and f.title.startswith("bad: ") for f in accuracy)
    quotes = {e.quote for f in accuracy for e in f.evidence}
    assert quotes and all(BAD in q for q in quotes)  # evidence quotes the target's answer
    assert GOOD not in " ".join(quotes)
