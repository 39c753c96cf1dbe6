"""The judge-quality benchmark: its word-overlap floor and its correlations over a run."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from auditor.config import AuditConfig, BaselineJudgeConfig
from auditor.types import AuditItem, AuditRecord, Evidence, Provenance, Route, Verdict
from benchmarks._common import llm_call_figures
from benchmarks.judge_quality import (
    correlations,
    figures_on_shared_items,
    human_scores,
    judge_records,
    judge_scores,
    judges_for,
    scored_items,
    word_overlap,
)

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
    chosen = scored_items(items, humans, limit=None)
    scores = judge_scores(asyncio.run(judge_records(judges_for(config, criterion), chosen, None)))
    assert set(scores) == {"acc"}
    assert scores["acc"]["good"] > scores["acc"]["bad"]


def _write_items(path: Path, ids: list[str]) -> None:
    path.write_text(
        "".join(json.dumps({"id": i, "prompt": "p", "response": "r", "context": "c"}) + "\n" for i in ids),
        encoding="utf-8",
    )


def test_limit_takes_the_first_human_scored_items_in_file_order(tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    _write_items(items, ["a", "unlabelled", "b", "c", "d"])
    humans = {"d": 1.0, "c": 0.0, "b": 0.5, "a": 1.0}
    assert [i.id for i in scored_items(items, humans, limit=3)] == ["a", "b", "c"]
    assert [i.id for i in scored_items(items, humans, limit=None)] == ["a", "b", "c", "d"]


def test_correlations_match_scipy_and_carry_a_reproducible_interval() -> None:
    rng = np.random.default_rng(3)
    humans = rng.random(40).round(2).tolist()
    judge = [round(h * 4 + rng.normal(0, 1.2)) for h in humans]  # a noisy 1-5-like judge with ties
    got = correlations(judge, humans, "judge")
    assert got["spearman"].value == pytest.approx(stats.spearmanr(judge, humans).statistic)
    assert got["kendall"].value == pytest.approx(stats.kendalltau(judge, humans).statistic)
    assert got["pearson"].value == pytest.approx(stats.pearsonr(judge, humans).statistic)
    for estimate in got.values():
        assert estimate.ci95 is not None and estimate.value is not None
        assert estimate.ci95[0] < estimate.value < estimate.ci95[1]
    assert correlations(judge, humans, "judge") == got


def test_every_rater_is_measured_on_the_items_all_of_them_scored() -> None:
    humans = {"a": 0.0, "b": 0.5, "c": 1.0, "d": 0.2}
    scores = {"floor": {"a": 0.1, "b": 0.4, "c": 0.9, "d": 0.3}, "llm": {"a": 1.0, "b": 3.0, "c": 5.0}}
    shared, figures = figures_on_shared_items(scores, humans)
    assert shared == ["a", "b", "c"]
    assert figures["floor"]["spearman"].value == pytest.approx(1.0)
    assert figures["llm"]["pearson"].value == pytest.approx(stats.pearsonr([1, 3, 5], [0, 0.5, 1]).statistic)


def _llm_verdict(quotes: list[tuple[str, int | None]], cached: bool, latency_ms: float) -> Verdict:
    return Verdict(
        judge="accuracy_llm",
        criterion="accuracy",
        score=4,
        evidence=[
            Evidence(quote=q, start=s, end=None if s is None else s + len(q), kind="quote") for q, s in quotes
        ],
        provenance=Provenance(backend="llm", cached=cached, latency_ms=latency_ms, reasks=int(not cached)),
    )


def test_llm_figures_count_located_quotes_and_time_only_calls_the_model_answered() -> None:
    route = Route(decision="auto_accept")
    records = [
        AuditRecord(
            item_id="a",
            verdicts=[_llm_verdict([("found", 0), ("made up", None)], False, 30_000)],
            route=route,
        ),
        AuditRecord(item_id="b", verdicts=[_llm_verdict([("also found", 3)], True, 5)], route=route),
        AuditRecord(item_id="c", verdicts=[_llm_verdict([], False, 10_000)], route=route),
    ]
    got = llm_call_figures(records)
    assert (got["quotes"], got["located_quotes"], got["located_share"]) == (3, 2, 0.667)
    assert got["verdicts_with_a_quote"] == 2
    assert (got["calls_answered_by_the_model"], got["seconds_per_call"]) == (2, 20.0)
    assert got["reasks"] == 2
