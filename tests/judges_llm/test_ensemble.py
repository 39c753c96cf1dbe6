"""An ensemble (configs/ensemble.yaml): baseline and LLM judges on one item; disagreement goes to a human."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.config import load_config
from auditor.llm import LLMSettings
from auditor.run import RunOptions, run_audit
from auditor.rundir import read_records
from auditor.testing import FakeOpenAI
from tests.judges_llm.judge_helpers import ROOT, demo_item


async def test_judges_that_disagree_on_accuracy_send_the_item_to_review(
    server: FakeOpenAI, settings: LLMSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the config names its rubrics and prompts relative to the project
    claims = [{"claim": "an 8% referral fee", "verdict": "contradicted"}]
    server.script(
        "Grade the response's accuracy.", json.dumps({"reasoning": "No.", "score": 2, "evidence": []})
    )
    server.script(
        "Check every factual claim",
        json.dumps({"reasoning": "No.", "claims": claims, "score": 2, "evidence": []}),
    )
    config = load_config(ROOT / "configs" / "ensemble.yaml").model_copy(update={"llm": settings})
    items = tmp_path / "items.jsonl"
    items.write_text(demo_item("ss-001").model_dump_json() + "\n", encoding="utf-8")

    await run_audit(config, RunOptions(items, tmp_path / "run", progress=False))

    (record,) = read_records(tmp_path / "run")
    scores = {v.judge: v.score for v in record.verdicts}
    assert scores == {
        "accuracy_baseline": 5.0,  # the offline judge finds every figure of the reference
        "accuracy_llm": 2.0,
        "accuracy_claims_llm": 2.0,
        "relevance_baseline": 5.0,
        "relevance_llm": 5.0,
    }
    accuracy = next(c for c in record.consensus if c.criterion == "accuracy")
    assert accuracy.disagreement and accuracy.passed is False and accuracy.score == 3.0
    relevance = next(c for c in record.consensus if c.criterion == "relevance")
    assert not relevance.disagreement
    assert record.route.decision == "human_review"
    assert "disagreement:accuracy" in record.route.reasons
    assert "disagreement:relevance" not in record.route.reasons
