"""Pairwise judges: accuracy over both orders, consistency, position bias, ties."""

from __future__ import annotations

import pytest

from auditor.calibration.compare import Settings
from auditor.calibration.loading import PairwiseLabel, PairwiseVerdict
from auditor.calibration.pairwise import analyse_pairwise


def test_a_hand_worked_example() -> None:
    humans = {"i1": ("A", "A"), "i2": ("B", "B"), "i3": ("tie", "tie"), "i4": ("A", "B"), "i5": ("B", "B")}
    # (winner when shown A first, winner when shown B first), winners named as in the data.
    judge = {"i1": ("A", "A"), "i2": ("A", "B"), "i3": ("tie", "A"), "i4": ("B", "A"), "i5": ("B", None)}
    labels = [
        PairwiseLabel(item_id=i, annotator=a, winner=w)
        for i, ws in humans.items()
        for a, w in zip(("ann_a", "ann_b"), ws, strict=True)
    ]
    verdicts = [
        PairwiseVerdict(item_id=i, judge="j", winner=w, swapped=swapped)
        for i, ws in judge.items()
        for swapped, w in zip((False, True), ws, strict=True)
        if w is not None
    ]
    result = analyse_pairwise(verdicts, labels, Settings(n_boot=200, seed=0))
    j = result.judges["j"]
    # Original order: i1 right, i2 wrong, i3 right (a tie that humans call a tie), i5 right -> 3/4.
    # Swapped order: i1 right, i2 right, i3 wrong -> 2/3. i4 has no majority and is left out.
    assert j.accuracy_unswapped.value == pytest.approx(3 / 4)
    assert j.accuracy_swapped.value == pytest.approx(2 / 3)
    assert j.accuracy.value == pytest.approx((3 / 4 + 2 / 3) / 2)
    # Both orders on i1-i4; only i1 gives the same winner twice.
    assert (j.n_items, j.n_both_orders) == (5, 4)
    assert j.consistency.value == pytest.approx(1 / 4)
    # Inconsistent: i2 (first-shown won both times), i4 (second-shown both times), i3 (a tie once).
    assert j.position_bias.value == pytest.approx(1 / 3)
    assert j.second_shown_bias.value == pytest.approx(1 / 3)
    assert j.tie_involved.value == pytest.approx(1 / 3)
    assert j.tie_rate.value == pytest.approx(1 / 9)
    # Verdict x annotator matches: i1 4/4, i2 2/4, i3 2/4, i4 2/4, i5 2/2.
    assert j.agreement_with_annotators.value == pytest.approx(12 / 18)
    assert result.human_agreement.value == pytest.approx(4 / 5)
    assert result.no_majority == ("i4",)
    assert result.disagreements == {"i4": {"ann_a": "A", "ann_b": "B"}}


def test_a_judge_that_always_picks_the_first_shown_output_is_caught() -> None:
    items = [f"i{k}" for k in range(30)]
    labels = [
        PairwiseLabel(item_id=i, annotator="ann", winner="A" if k % 2 else "B") for k, i in enumerate(items)
    ]
    verdicts = [PairwiseVerdict(item_id=i, judge="first", winner="A", swapped=False) for i in items]
    verdicts += [PairwiseVerdict(item_id=i, judge="first", winner="B", swapped=True) for i in items]
    j = analyse_pairwise(verdicts, labels, Settings(n_boot=200, seed=0)).judges["first"]
    assert j.accuracy.value == pytest.approx(0.5)
    assert j.consistency.value == 0.0
    assert j.position_bias.value == 1.0
    assert j.position_bias.ci95 == (1.0, 1.0)


def test_a_judge_seen_in_one_order_only_still_gets_an_accuracy_and_no_consistency() -> None:
    labels = [PairwiseLabel(item_id="i1", annotator="ann", winner="A")]
    verdicts = [PairwiseVerdict(item_id="i1", judge="j", winner="A", swapped=False)]
    j = analyse_pairwise(verdicts, labels, Settings(n_boot=200, seed=0)).judges["j"]
    assert j.accuracy.value == 1.0
    assert j.accuracy_swapped.value is None
    assert j.consistency.value is None and j.consistency.reason == "undefined: no item in both orders"
