"""Per annotator: agreement with each other annotator and with the consensus, gold accuracy, offset.

The consensus an annotator is compared with leaves that annotator out (the other
annotators' mean score, or their majority label), so that nobody agrees with themselves.
A mean score is put in the nearest allowed score (ties go up) for kappa; the offset uses
the mean itself. An item whose other annotators tie on a label has no consensus.

Statistics are the calibration package's (`estimate_all`), with its bootstrap CIs:
quadratic-weighted kappa and ordinal alpha for scores, Cohen's kappa and nominal alpha
for labels, and exact agreement for both. An annotator whose kappa with the consensus
is below the guidelines' `agreement_threshold` is flagged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from auditor.calibration.bootstrap import Estimate, rng_for
from auditor.calibration.scale import Scale, label_scale
from auditor.calibration.statistics import Paired, estimate_all
from auditor.labelqa.guidelines import CriterionRules, Guidelines
from auditor.types import HumanLabel

Value = float | str
SCORE_STATS = ("agreement", "kappa_quadratic", "alpha_ordinal")
LABEL_STATS = ("agreement", "cohen_kappa", "alpha_nominal")


@dataclass
class AnnotatorReport:
    annotator: str
    n_items: int
    with_consensus: dict[str, Estimate]
    with_others: dict[str, dict[str, Estimate]]
    offset: float | None = None  # mean score minus the consensus mean (scores only)
    gold_accuracy: float | None = None
    gold_items: int = 0
    flagged: bool = False
    flag_reason: str | None = None


@dataclass
class CriterionAgreement:
    criterion: str
    kind: str
    key_statistic: str
    annotators: dict[str, AnnotatorReport] = field(default_factory=dict)
    adjudicate: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    n_boot: int = 1000
    seed: int = 0


def analyse(
    labels: list[HumanLabel], gold: list[HumanLabel], guidelines: Guidelines, options: Options
) -> dict[str, CriterionAgreement]:
    out = {}
    for criterion, rules in guidelines.criteria.items():
        ratings = _ratings(labels, criterion)
        if ratings:
            gold_values = _consensus_of(_ratings(gold, criterion), rules)
            out[criterion] = _criterion(criterion, rules, ratings, gold_values, guidelines, options)
    return out


def _ratings(labels: list[HumanLabel], criterion: str) -> dict[str, dict[str, Value]]:
    """item -> annotator -> score or label."""
    out: dict[str, dict[str, Value]] = defaultdict(dict)
    for label in labels:
        if label.criterion == criterion:
            value = label.score if label.score is not None else label.label
            assert value is not None, "a HumanLabel has a score or a label"
            out[label.item_id][label.annotator] = value
    return dict(out)


def _scale(rules: CriterionRules) -> Scale:
    if rules.kind == "score":
        return Scale(kind="score", categories=tuple(sorted(float(s) for s in rules.scores)))
    return label_scale(rules.labels, None, [])


def _consensus(values: list[Value], rules: CriterionRules) -> Value | None:
    """Mean score, or the majority label (None on a tie or without values)."""
    if not values:
        return None
    if rules.kind == "score":
        return float(np.mean([float(v) for v in values]))
    (top, n), *rest = Counter(values).most_common()
    return None if rest and rest[0][1] == n else top


def _consensus_of(ratings: dict[str, dict[str, Value]], rules: CriterionRules) -> dict[str, Value]:
    out = {}
    for item, by in ratings.items():
        value = _consensus(list(by.values()), rules)
        if value is not None:
            out[item] = value
    return out


def _category(value: Value, scale: Scale) -> int:
    """The scale code of a value: a mean score goes to the nearest score, ties upward."""
    if isinstance(value, str):
        return scale.code(value)
    distance = np.abs(scale.values() - float(value))
    return int(np.flatnonzero(distance == distance.min())[-1])


def _paired(pairs: list[tuple[str, Value, Value]], scale: Scale) -> Paired:
    items = tuple(p[0] for p in pairs)
    x = np.array([_category(p[1], scale) for p in pairs], dtype=np.int64)
    y = np.array([_category(p[2], scale) for p in pairs], dtype=np.int64)
    values: dict[str, np.typing.NDArray[np.float64]] = {}
    if scale.kind == "score":
        values = {
            "x_value": np.array([float(p[1]) for p in pairs]),
            "y_value": np.array([float(p[2]) for p in pairs]),
        }
    return Paired(items, np.arange(len(items), dtype=np.int64), x, y, **values)


def _estimates(
    pairs: list[tuple[str, Value, Value]], scale: Scale, keys: tuple[str, ...], options: Options, key: str
) -> dict[str, Estimate]:
    if not pairs:
        return {k: Estimate(None, None, "no items in common") for k in keys}
    found = estimate_all(_paired(pairs, scale), scale, options.n_boot, rng_for(options.seed, key))
    return {k: found[k] for k in keys}


def _criterion(
    criterion: str,
    rules: CriterionRules,
    ratings: dict[str, dict[str, Value]],
    gold: dict[str, Value],
    guidelines: Guidelines,
    options: Options,
) -> CriterionAgreement:
    scale = _scale(rules)
    keys = SCORE_STATS if rules.kind == "score" else LABEL_STATS
    result = CriterionAgreement(criterion, rules.kind, keys[1])
    names = sorted({a for by in ratings.values() for a in by})
    pairwise = {}
    for a, b in combinations(names, 2):
        pairs = [(i, by[a], by[b]) for i, by in sorted(ratings.items()) if a in by and b in by]
        pairwise[(a, b)] = _estimates(pairs, scale, keys, options, f"{criterion}/{a}/{b}")
    for name in names:
        report = _annotator(name, ratings, rules, scale, keys, options, criterion)
        report.with_others = {
            other: pairwise[(name, other) if name < other else (other, name)]
            for other in names
            if other != name
        }
        _gold(report, name, ratings, gold, scale)
        _flag(report, keys[1], guidelines.agreement_threshold)
        result.annotators[name] = report
    result.adjudicate = _adjudicate(ratings, rules, guidelines)
    return result


def _annotator(
    name: str,
    ratings: dict[str, dict[str, Value]],
    rules: CriterionRules,
    scale: Scale,
    keys: tuple[str, ...],
    options: Options,
    criterion: str,
) -> AnnotatorReport:
    pairs = []
    for item, by in sorted(ratings.items()):
        if name in by:
            others = _consensus([v for a, v in by.items() if a != name], rules)
            if others is not None:
                pairs.append((item, by[name], others))
    estimates = _estimates(pairs, scale, keys, options, f"{criterion}/{name}/consensus")
    offset = None
    if rules.kind == "score" and pairs:
        offset = float(np.mean([float(own) - float(cons) for _, own, cons in pairs]))
    n_items = sum(1 for by in ratings.values() if name in by)
    return AnnotatorReport(name, n_items, estimates, {}, offset)


def _gold(
    report: AnnotatorReport,
    name: str,
    ratings: dict[str, dict[str, Value]],
    gold: dict[str, Value],
    scale: Scale,
) -> None:
    hits = [
        _category(by[name], scale) == _category(gold[item], scale)
        for item, by in ratings.items()
        if name in by and item in gold
    ]
    report.gold_items = len(hits)
    report.gold_accuracy = float(np.mean(hits)) if hits else None


def _flag(report: AnnotatorReport, key: str, threshold: float) -> None:
    value = report.with_consensus[key].value
    if value is not None and value < threshold:
        report.flagged = True
        report.flag_reason = f"{key} with the consensus {value:.2f} < {threshold:g}"


def _adjudicate(
    ratings: dict[str, dict[str, Value]], rules: CriterionRules, guidelines: Guidelines
) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for item, by in sorted(ratings.items()):
        if len(by) < 2:
            continue
        values = dict(sorted(by.items()))
        if rules.kind == "score":
            spread = max(float(v) for v in values.values()) - min(float(v) for v in values.values())
            if spread >= guidelines.adjudicate_spread:
                out.append({"item_id": item, "values": values, "why": f"scores {spread:g} apart"})
        else:
            share = Counter(values.values()).most_common(1)[0][1] / len(values)
            if share < guidelines.adjudicate_agreement:
                out.append({"item_id": item, "values": values, "why": f"top label held by {share:.0%}"})
    return out
