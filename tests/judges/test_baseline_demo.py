"""The baseline judges on the synthetic demo set: the targets a user of the demo sees.

The judges never look at `metadata`; these tests use its `defect` field as ground truth.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import pytest

from auditor.judges.baseline_accuracy import TAGS as ACCURACY_TAGS
from auditor.judges.baseline_accuracy import BaselineAccuracyJudge
from auditor.judges.baseline_relevance import BaselineRelevanceJudge
from auditor.types import AuditItem, Verdict

ITEMS = Path(__file__).resolve().parents[2] / "examples" / "seller_support" / "items.jsonl"
ACCURACY = BaselineAccuracyJudge()
RELEVANCE = BaselineRelevanceJudge()


@cache
def _items() -> tuple[AuditItem, ...]:
    with ITEMS.open(encoding="utf-8") as f:
        return tuple(AuditItem.model_validate_json(line) for line in f if line.strip())


def _with_defect(*defects: str | None) -> list[AuditItem]:
    return [i for i in _items() if i.metadata.get("defect") in defects]


async def _scores(
    judge: BaselineAccuracyJudge | BaselineRelevanceJudge, items: list[AuditItem]
) -> dict[str, float | None]:
    return {i.id: (await judge.judge(i)).score for i in items if judge.applies(i)}


async def test_every_wrong_fact_scores_at_most_two_on_accuracy() -> None:
    scores = await _scores(ACCURACY, _with_defect("wrong_fact"))
    assert len(scores) >= 5
    assert {k: s for k, s in scores.items() if s is None or s > 2} == {}


async def test_most_good_items_score_at_least_four_on_accuracy() -> None:
    scores = await _scores(ACCURACY, _with_defect(None))
    good = [s for s in scores.values() if s is not None and s >= 4]
    assert len(scores) >= 20
    assert len(good) / len(scores) >= 0.85, scores


async def test_every_off_topic_evasive_or_wrong_language_item_scores_at_most_two_on_relevance() -> None:
    scores = await _scores(RELEVANCE, _with_defect("off_topic", "evasive", "wrong_language"))
    assert len(scores) >= 10
    assert {k: s for k, s in scores.items() if s is None or s > 2} == {}


async def test_most_good_items_score_at_least_four_on_relevance() -> None:
    scores = await _scores(RELEVANCE, _with_defect(None))
    good = [s for s in scores.values() if s is not None and s >= 4]
    assert len(good) / len(scores) >= 0.85, scores


async def test_the_tags_name_the_defect() -> None:
    async def tags(judge: BaselineAccuracyJudge | BaselineRelevanceJudge, defect: str) -> list[set[str]]:
        return [set((await judge.judge(i)).tags) for i in _with_defect(defect)]

    mismatch = {t for t in ACCURACY_TAGS if t.endswith("_mismatch")} | {"negation_conflict"}
    assert all(t & mismatch for t in await tags(ACCURACY, "wrong_fact"))
    assert all("wrong_language" in t for t in await tags(RELEVANCE, "wrong_language"))
    assert all(t & {"refusal", "deflection"} for t in await tags(RELEVANCE, "evasive"))
    assert all("off_topic" in t for t in await tags(RELEVANCE, "off_topic"))


@pytest.mark.parametrize("judge", [ACCURACY, RELEVANCE], ids=["accuracy", "relevance"])
async def test_verdicts_do_not_depend_on_metadata(
    judge: BaselineAccuracyJudge | BaselineRelevanceJudge,
) -> None:
    """Metadata holds the answer key (`defect`): reading it would be cheating."""

    def comparable(v: Verdict) -> tuple[object, ...]:
        return (v.score, v.tags, v.reasoning, [e.model_dump() for e in v.evidence], v.unscored_reason)

    for item in _items():
        blind = item.model_copy(update={"metadata": {}})
        assert comparable(await judge.judge(item)) == comparable(await judge.judge(blind)), item.id


def test_judging_is_fast() -> None:
    """Far under the pipeline's budget of ~13 ms per item per core; a loose bound against
    a regex or loop gone quadratic, not a benchmark (the machine is shared)."""
    # Texts the judges have not seen, so no cached analysis is reused.
    items = [
        i.model_copy(
            update={
                "response": f"{i.response} (speed {n})",
                "reference": i.reference and f"{i.reference} (speed {n})",
                "context": i.context and f"{i.context} (speed {n})",
            }
        )
        for n, i in enumerate(_items())
    ]
    started = time.process_time()
    for item in items:
        for judge in (ACCURACY, RELEVANCE):
            if judge.applies(item):
                judge.assess(item)
    per_item_ms = (time.process_time() - started) / len(items) * 1000
    assert per_item_ms < 10, per_item_ms
