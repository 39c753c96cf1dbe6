"""Joining verdicts with human labels, one criterion at a time.

For each criterion this decides the scale (scores or labels, and the failure label of a
binary one), each item's human reference (the majority label, or the mean score), the
items where the humans disagree, and each judge's usable values and confidences.
Verdicts that are unscored, or that lack the kind of value the humans gave, are counted
here and never reach a statistic.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from auditor.calibration.loading import JudgeVerdict
from auditor.calibration.scale import Scale, Value, format_value, label_scale, score_scale
from auditor.errors import UserError
from auditor.types import HumanLabel, JudgeIdentity


@dataclass
class JudgeData:
    """One judge's usable verdicts on one criterion, and what was left out and why."""

    values: dict[str, Value] = field(default_factory=dict)  # item -> score or label
    confidence: dict[str, float] = field(default_factory=dict)
    n_verdicts: int = 0
    unscored: Counter[str] = field(default_factory=Counter)  # reason -> count
    no_value: int = 0  # scored, but without the kind of value the humans gave
    identities: Counter[JudgeIdentity] = field(default_factory=Counter)  # of the usable verdicts


@dataclass(frozen=True)
class Disagreement:
    """An item the annotators labelled differently."""

    item_id: str
    annotators: dict[str, str]
    reference: str | None  # None: no majority
    judges: dict[str, str]


@dataclass(frozen=True)
class CriterionData:
    name: str
    scale: Scale
    annotators: tuple[str, ...]
    human: dict[str, dict[str, Value]]  # item -> annotator -> value
    reference: dict[str, Value]  # item -> majority label or mean score (items that have one)
    no_majority: tuple[str, ...]  # items whose annotators tie on a label
    judges: dict[str, JudgeData]

    @property
    def reference_rule(self) -> str:
        if self.scale.kind == "score":
            return (
                "the mean of the annotators' scores; agreement, kappa, AC1 and nominal/ordinal alpha "
                "use it rounded half up (2.5 -> 3)"
            )
        return "the annotators' majority label; items where they tie have no reference and are listed"

    def disagreements(self) -> list[Disagreement]:
        """Items whose annotators differ, widest score spread first."""
        out = []
        for item_id, by_annotator in self.human.items():
            if len(set(by_annotator.values())) < 2:
                continue
            reference = self.reference.get(item_id)
            judges = {
                j: format_value(d.values[item_id]) for j, d in self.judges.items() if item_id in d.values
            }
            out.append(
                Disagreement(
                    item_id=item_id,
                    annotators={a: format_value(v) for a, v in sorted(by_annotator.items())},
                    reference=None if reference is None else format_value(reference),
                    judges=judges,
                )
            )
        return sorted(out, key=lambda d: (-_spread(self.human[d.item_id]), d.item_id))


def build_criteria(
    verdicts: Sequence[JudgeVerdict], labels: Sequence[HumanLabel], positive: Mapping[str, str]
) -> dict[str, CriterionData]:
    """One `CriterionData` per criterion that has human labels, in name order."""
    labels_by: dict[str, list[HumanLabel]] = defaultdict(list)
    for label in labels:
        labels_by[label.criterion].append(label)
    verdicts_by: dict[str, list[JudgeVerdict]] = defaultdict(list)
    for v in verdicts:
        verdicts_by[v.criterion].append(v)
    return {
        name: _criterion(name, labels_by[name], verdicts_by.get(name, []), positive.get(name))
        for name in sorted(labels_by)
    }


def _criterion(
    name: str, labels: list[HumanLabel], verdicts: list[JudgeVerdict], positive: str | None
) -> CriterionData:
    kind = _kind(name, labels)
    human: dict[str, dict[str, Value]] = defaultdict(dict)
    for label in labels:
        value: Value | None = label.score if kind == "score" else label.label
        assert value is not None  # _kind checked that every label has one
        human[label.item_id][label.annotator] = value
    reference, no_majority = _references(human, kind)
    judges = _judges(verdicts, kind)
    judge_values = [v for d in judges.values() for v in d.values.values()]
    human_values = [v for by_annotator in human.values() for v in by_annotator.values()]
    if kind == "score":
        scale = score_scale(
            [float(v) for v in judge_values + human_values], [float(v) for v in reference.values()]
        )
    else:
        failed = {v.label for v in verdicts if v.passed is False and v.label is not None}
        scale = label_scale([str(v) for v in judge_values + human_values], positive, failed)
    return CriterionData(
        name=name,
        scale=scale,
        annotators=tuple(sorted({label.annotator for label in labels})),
        human=dict(human),
        reference=reference,
        no_majority=tuple(sorted(no_majority)),
        judges=judges,
    )


def _kind(name: str, labels: list[HumanLabel]) -> str:
    if all(label.score is not None for label in labels):
        return "score"
    if all(label.label is not None for label in labels):
        return "label"
    only_label = next(label for label in labels if label.score is None)
    only_score = next(label for label in labels if label.label is None)
    raise UserError(
        f"criterion '{name}': human labels mix scores and labels (item '{only_score.item_id}' has only a "
        f"score, item '{only_label.item_id}' only a label); give every label of a criterion the same kind"
    )


def _references(human: Mapping[str, Mapping[str, Value]], kind: str) -> tuple[dict[str, Value], list[str]]:
    reference: dict[str, Value] = {}
    no_majority: list[str] = []
    for item_id, by_annotator in human.items():
        values = list(by_annotator.values())
        if kind == "score":
            reference[item_id] = sum(float(v) for v in values) / len(values)
            continue
        counts = Counter(values).most_common()
        if len(counts) > 1 and counts[0][1] == counts[1][1]:
            no_majority.append(item_id)
        else:
            reference[item_id] = counts[0][0]
    return reference, no_majority


def _judges(verdicts: list[JudgeVerdict], kind: str) -> dict[str, JudgeData]:
    judges: dict[str, JudgeData] = {}
    for v in verdicts:
        data = judges.setdefault(v.judge, JudgeData())
        data.n_verdicts += 1
        if v.unscored_reason is not None:
            data.unscored[v.unscored_reason] += 1
            continue
        value: Value | None = v.score if kind == "score" else v.label
        if value is None:
            data.no_value += 1
            continue
        data.values[v.item_id] = value
        if v.identity is not None:
            data.identities[v.identity] += 1
        if v.confidence is not None:
            data.confidence[v.item_id] = v.confidence
    return dict(sorted(judges.items()))


def _spread(values: Mapping[str, Value]) -> float:
    numbers = [v for v in values.values() if isinstance(v, float)]
    return max(numbers) - min(numbers) if numbers else 0.0
