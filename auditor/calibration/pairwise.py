"""Pairwise judges: which of two outputs is better, asked in both presentation orders.

Per judge:

- accuracy: the share of verdicts that name the human majority's winner, computed in
  each presentation order and averaged over the two (so a judge cannot look good by
  always picking the first-shown output when the data happen to favour A). A tie is an
  answer like any other: it is right only when the humans' majority is a tie; items
  whose annotators split evenly have no majority and are left out (and listed);
- consistency: on items judged in both orders, the share where the verdict (in data
  labels) is the same both times;
- position bias: of the inconsistent items, the share where the first-shown output won
  both times (A when not swapped, B when swapped); the shares where the second-shown
  output won both times, or where one of the two verdicts was a tie, are given too;
- agreement with individual annotators (pooled over annotators), comparable with the
  human-human agreement beside it (the ceiling).

Every figure has a bootstrap 95% CI with items resampled.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from auditor.calibration.bootstrap import Estimate, FloatArray, item_weights, ratio, rng_for, summarize
from auditor.calibration.compare import Settings
from auditor.calibration.loading import PairwiseLabel, PairwiseVerdict


@dataclass(frozen=True)
class PairwiseJudge:
    judge: str
    n_items: int
    n_both_orders: int
    accuracy: Estimate
    accuracy_unswapped: Estimate
    accuracy_swapped: Estimate
    agreement_with_annotators: Estimate
    consistency: Estimate
    position_bias: Estimate  # first-shown output won in both orders, among inconsistent items
    second_shown_bias: Estimate
    tie_involved: Estimate
    tie_rate: Estimate


@dataclass(frozen=True)
class PairwiseResult:
    annotators: tuple[str, ...]
    n_labelled: int
    human_agreement: Estimate  # the ceiling: annotator pairs that name the same winner
    no_majority: tuple[str, ...]
    disagreements: dict[str, dict[str, str]]  # item -> annotator -> winner
    judges: dict[str, PairwiseJudge]


def analyse_pairwise(
    verdicts: Sequence[PairwiseVerdict], labels: Sequence[PairwiseLabel], settings: Settings
) -> PairwiseResult:
    human: dict[str, dict[str, str]] = defaultdict(dict)
    for label in labels:
        human[label.item_id][label.annotator] = label.winner
    majority = {item: _majority(list(by.values())) for item, by in human.items()}
    by_judge: dict[str, dict[tuple[str, bool], str]] = defaultdict(dict)
    for v in verdicts:
        by_judge[v.judge][(v.item_id, v.swapped)] = v.winner
    judges = {
        judge: _judge(judge, orders, human, majority, settings) for judge, orders in sorted(by_judge.items())
    }
    return PairwiseResult(
        annotators=tuple(sorted({label.annotator for label in labels})),
        n_labelled=len(human),
        human_agreement=_human_agreement(human, settings),
        no_majority=tuple(sorted(item for item, m in majority.items() if m is None)),
        disagreements={
            item: dict(sorted(by.items())) for item, by in sorted(human.items()) if len(set(by.values())) > 1
        },
        judges=judges,
    )


def _majority(winners: list[str]) -> str | None:
    counts = Counter(winners).most_common()
    return None if len(counts) > 1 and counts[0][1] == counts[1][1] else counts[0][0]


def _judge(
    judge: str,
    orders: dict[tuple[str, bool], str],
    human: dict[str, dict[str, str]],
    majority: dict[str, str | None],
    settings: Settings,
) -> PairwiseJudge:
    items = sorted({item for item, _ in orders})
    unswapped = [orders.get((i, False)) for i in items]
    swapped = [orders.get((i, True)) for i in items]
    truth = [majority.get(i) for i in items]

    def flags(pred: list[str | None], cond: str | None = None) -> FloatArray:
        return np.array([1.0 if p is not None and (cond is None or p == cond) else 0.0 for p in pred])

    has_u, has_s = flags(unswapped), flags(swapped)
    known = np.array([1.0 if t is not None else 0.0 for t in truth])
    right_u = np.array(
        [1.0 if u is not None and u == t else 0.0 for u, t in zip(unswapped, truth, strict=True)]
    )
    right_s = np.array(
        [1.0 if s is not None and s == t else 0.0 for s, t in zip(swapped, truth, strict=True)]
    )
    both = has_u * has_s
    inconsistent = both * np.array([1.0 if u != s else 0.0 for u, s in zip(unswapped, swapped, strict=True)])
    first = both * flags(unswapped, "A") * flags(swapped, "B")
    second = both * flags(unswapped, "B") * flags(swapped, "A")
    matches, votes = _annotator_matches(items, unswapped, swapped, human)
    ties = flags(unswapped, "tie") + flags(swapped, "tie")

    w = item_weights(len(items), settings.n_boot, rng_for(settings.seed, f"pairwise|{judge}"))
    acc_u = ratio(w @ right_u, w @ (has_u * known))
    acc_s = ratio(w @ right_s, w @ (has_s * known))
    # The mean of the two orders; with one order missing entirely, that order's figure alone.
    accuracy = np.where(np.isnan(acc_u), acc_s, np.where(np.isnan(acc_s), acc_u, (acc_u + acc_s) / 2))
    n = len(items)
    no_truth = "undefined: no item with a human majority"
    return PairwiseJudge(
        judge=judge,
        n_items=n,
        n_both_orders=int(both.sum()),
        accuracy=summarize(accuracy, n, no_truth),
        accuracy_unswapped=summarize(acc_u, n, no_truth + " judged in the original order"),
        accuracy_swapped=summarize(acc_s, n, no_truth + " judged in the swapped order"),
        agreement_with_annotators=summarize(ratio(w @ matches, w @ votes), n, "undefined: no labelled item"),
        consistency=summarize(
            ratio(w @ (both - inconsistent), w @ both), n, "undefined: no item in both orders"
        ),
        position_bias=summarize(ratio(w @ first, w @ inconsistent), n, "undefined: no inconsistent item"),
        second_shown_bias=summarize(
            ratio(w @ second, w @ inconsistent), n, "undefined: no inconsistent item"
        ),
        tie_involved=summarize(
            ratio(w @ (inconsistent - first - second), w @ inconsistent), n, "undefined: no inconsistent item"
        ),
        tie_rate=summarize(ratio(w @ ties, w @ (has_u + has_s)), n, "undefined: no verdicts"),
    )


def _annotator_matches(
    items: list[str], unswapped: list[str | None], swapped: list[str | None], human: dict[str, dict[str, str]]
) -> tuple[FloatArray, FloatArray]:
    """Per item: how many (verdict, annotator) pairs name the same winner, out of how many."""
    matches, votes = [], []
    for item, u, s in zip(items, unswapped, swapped, strict=True):
        winners = list(human.get(item, {}).values())
        given = [v for v in (u, s) if v is not None]
        matches.append(float(sum(v == h for v in given for h in winners)))
        votes.append(float(len(given) * len(winners)))
    return np.array(matches), np.array(votes)


def _human_agreement(human: dict[str, dict[str, str]], settings: Settings) -> Estimate:
    items = sorted(i for i, by in human.items() if len(by) >= 2)
    if not items:
        return Estimate(None, None, "undefined: no item has two annotators")
    agree = np.array([float(sum(a == b for a, b in combinations(human[i].values(), 2))) for i in items])
    pairs = np.array([float(len(human[i]) * (len(human[i]) - 1) // 2) for i in items])
    w = item_weights(len(items), settings.n_boot, rng_for(settings.seed, "pairwise|humans"))
    return summarize(ratio(w @ agree, w @ pairs), len(items), "undefined: no annotator pairs")
