"""The judge-quality benchmark: its word-overlap floor and its correlations over a run."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from auditor.config import AuditConfig, BaselineJudgeConfig
from auditor.types import AuditItem
from benchmarks.judge_quality import human_scores, judge_scores, judges_for, word_overlap

ARTICLE = "The council approved a new library in Leeds on Monday. It will open in 2026 with 40 staff."


def test_word_overlap_is_the_share_of_response_words_found_in_the_context() -> None:
    item = AuditItem(id="a", prompt="p", response="The library opens in York", context=ARTICLE)
    # the, library, in are found; opens, york are not
    assert word_overlap(item) == pytest.approx(3 / 5)


def test_only_judges_of_the_labelled_criterion_are_run(tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    labels = tmp_path / "human.jsonl"
    responses = {
        "good": "The council approved a new library in Leeds.",
        "bad": "The council rejected a new stadium in Lisbon with 90 staff.",
    }
    items.write_text(
        "".join(
            json.dumps({"id": k, "prompt": "Summarize.", "response": v, "context": ARTICLE}) + "\n"
            for k, v in responses.items()
        ),
        encoding="utf-8",
    )
    labels.write_text(
        "".join(
            json.dumps({"item_id": k, "criterion": "accuracy", "annotator": "a", "score": s}) + "\n"
            for k, s in (("good", 1.0), ("bad", 0.0))
        ),
        encoding="utf-8",
    )
    criterion, humans = human_scores(labels)
    assert (criterion, humans) == ("accuracy", {"good": 1.0, "bad": 0.0})
    config = AuditConfig(
        judges=[
            BaselineJudgeConfig(name="acc", kind="baseline.accuracy"),
            BaselineJudgeConfig(name="rel", kind="baseline.relevance"),
        ]
    )
    scores = asyncio.run(judge_scores(judges_for(config, criterion), items))
    assert set(scores) == {"acc"}
    assert scores["acc"]["good"] > scores["acc"]["bad"]
