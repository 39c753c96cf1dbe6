"""Everything calibrate reports about one criterion and judge, computed from loaded inputs.

For each criterion with human labels: the human ceiling (annotator against annotator),
the items where the humans disagree and, for each judge, its statistics against the
human reference and against each annotator, per slice of item metadata, the
reliability of its confidence, its bias-corrected failure rate (binary criteria) and its
pre-labelling threshold. Nothing here reads or writes files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditor.calibration.bootstrap import rng_for
from auditor.calibration.compare import Comparison, Settings, compare, compare_annotators
from auditor.calibration.criteria import CriterionData, Disagreement, JudgeData, build_criteria
from auditor.calibration.loading import VerdictSet
from auditor.calibration.prevalence import Prevalence, corrected_prevalence
from auditor.calibration.reliability import Reliability, reliability
from auditor.calibration.thresholds import find_threshold
from auditor.errors import UserError
from auditor.thresholds import DEFAULT_TARGET, Target, Threshold
from auditor.types import HumanLabel

MISSING = "(missing)"
Metadata = Mapping[str, Mapping[str, Any]]  # item -> its metadata


@dataclass(frozen=True)
class VerdictCounts:
    n_verdicts: int
    n_unscored: int
    unscored_reasons: dict[str, int]
    n_without_value: int  # scored, but no score (or label) of the kind the humans gave
    n_without_human_label: int  # usable verdicts on items nobody labelled
    n_without_reference: int  # labelled items whose annotators tie (no majority)
    n_compared: int


@dataclass(frozen=True)
class SliceResult:
    field: str
    value: str
    comparison: Comparison


@dataclass(frozen=True)
class JudgeReport:
    judge: str
    counts: VerdictCounts
    vs_reference: Comparison
    vs_annotators: dict[str, Comparison]
    slices: list[SliceResult]
    reliability: Reliability | None
    threshold: Threshold
    prevalence: Prevalence | None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CriterionReport:
    criterion: str
    kind: str
    categories: list[str]
    positive: str | None
    positive_source: str | None
    notes: list[str]
    annotators: list[str]
    reference_rule: str
    n_labelled_items: int
    ceiling: Comparison | None
    disagreements: list[Disagreement]
    judges: dict[str, JudgeReport]


@dataclass(frozen=True)
class Options:
    settings: Settings
    by: tuple[str, ...] = ()
    target: Target = DEFAULT_TARGET
    positive: Mapping[str, str] = field(default_factory=dict)


def analyse(
    verdicts: VerdictSet, labels: Sequence[HumanLabel], options: Options
) -> dict[str, CriterionReport]:
    """One report per criterion that has human labels."""
    _check_overlap(verdicts, labels)
    _check_slice_fields(verdicts, options.by)
    criteria = build_criteria(verdicts.verdicts, labels, options.positive)
    return {name: _criterion_report(data, verdicts.metadata, options) for name, data in criteria.items()}


def unmatched_notes(verdicts: VerdictSet, labels: Sequence[HumanLabel]) -> list[str]:
    """What could not be compared at all: criteria on one side only."""
    judged = {v.criterion for v in verdicts.verdicts}
    labelled = {label.criterion for label in labels}
    notes = [
        f"criterion '{c}' has verdicts but no human labels: not calibrated" for c in sorted(judged - labelled)
    ]
    notes += [f"criterion '{c}' has human labels but no verdicts" for c in sorted(labelled - judged)]
    return notes


def _criterion_report(data: CriterionData, metadata: Metadata, options: Options) -> CriterionReport:
    scale = data.scale
    notes = [n for n in (scale.binary_reason, scale.categorical_reason) if n]
    if len(data.annotators) < 2:
        notes.append("one annotator only: no human-human agreement (ceiling)")
        ceiling = None
    else:
        ceiling = compare_annotators(data.human, scale, options.settings, key=data.name)
    return CriterionReport(
        criterion=data.name,
        kind=scale.kind,
        categories=scale.names,
        positive=scale.positive,
        positive_source=scale.positive_source,
        notes=notes,
        annotators=list(data.annotators),
        reference_rule=data.reference_rule,
        n_labelled_items=len(data.human),
        ceiling=ceiling,
        disagreements=data.disagreements(),
        judges={j: _judge_report(data, j, jd, metadata, options) for j, jd in data.judges.items()},
    )


def _judge_report(
    data: CriterionData, judge: str, jd: JudgeData, metadata: Metadata, options: Options
) -> JudgeReport:
    settings, scale, key = options.settings, data.scale, f"{data.name}|{judge}"
    is_mean = scale.kind == "score"
    reference_name = "human mean" if is_mean else "human majority"
    vs_reference = compare(
        (judge, jd.values),
        (reference_name, data.reference),
        scale,
        settings,
        reference_is_mean=is_mean,
        key=key,
    )
    vs_annotators = {
        a: compare((judge, jd.values), (a, _annotator_values(data, a)), scale, settings, key=key)
        for a in data.annotators
    }
    correct = {
        item: scale.category_of(data.reference[item]) == value
        for item, value in jd.values.items()
        if item in data.reference
    }
    notes = []
    if not jd.confidence:
        notes.append("no verdict carries a confidence: no reliability table, no threshold")
    elif not set(jd.confidence) & set(correct):
        notes.append("no verdict with a confidence has a human reference: no reliability table")
    return JudgeReport(
        judge=judge,
        counts=_counts(data, jd, vs_reference.n_items),
        vs_reference=vs_reference,
        vs_annotators=vs_annotators,
        slices=_slices(data, judge, jd, metadata, options),
        reliability=reliability(
            jd.confidence, correct, settings.n_boot, rng_for(settings.seed, f"{key}|ece")
        ),
        threshold=_threshold(data, judge, jd, correct, options.target),
        prevalence=_prevalence(data, jd, settings, key, notes),
        notes=notes,
    )


def _annotator_values(data: CriterionData, annotator: str) -> dict[str, Any]:
    return {item: by[annotator] for item, by in data.human.items() if annotator in by}


def _counts(data: CriterionData, jd: JudgeData, n_compared: int) -> VerdictCounts:
    return VerdictCounts(
        n_verdicts=jd.n_verdicts,
        n_unscored=sum(jd.unscored.values()),
        unscored_reasons=dict(jd.unscored.most_common()),
        n_without_value=jd.no_value,
        n_without_human_label=sum(1 for item in jd.values if item not in data.human),
        n_without_reference=sum(1 for item in jd.values if item in data.human and item not in data.reference),
        n_compared=n_compared,
    )


def _slices(
    data: CriterionData, judge: str, jd: JudgeData, metadata: Metadata, options: Options
) -> list[SliceResult]:
    out = []
    is_mean = data.scale.kind == "score"
    for name in options.by:
        groups: dict[str, dict[str, Any]] = {}
        for item, value in jd.values.items():
            groups.setdefault(_slice_value(metadata.get(item, {}), name), {})[item] = value
        for value, members in sorted(groups.items()):
            comparison = compare(
                (judge, members),
                ("human mean" if is_mean else "human majority", data.reference),
                data.scale,
                options.settings,
                reference_is_mean=is_mean,
                key=f"{data.name}|{judge}|{name}={value}",
            )
            out.append(SliceResult(name, value, comparison))
    return out


def _slice_value(metadata: Mapping[str, Any], name: str) -> str:
    value = metadata.get(name)
    return MISSING if value is None or value == "" else str(value)


def _threshold(
    data: CriterionData, judge: str, jd: JudgeData, correct: Mapping[str, bool], target: Target
) -> Threshold:
    items = sorted(set(jd.confidence) & set(correct))
    confidence = np.array([jd.confidence[i] for i in items])
    hits = np.array([1.0 if correct[i] else 0.0 for i in items])
    positive = None
    if data.scale.binary:
        positive = np.array([1.0 if jd.values[i] == data.scale.positive else 0.0 for i in items])
    identity = jd.identities.most_common(1)[0][0] if jd.identities else None
    return find_threshold(judge, target, confidence, hits, positive, identity)


def _prevalence(
    data: CriterionData, jd: JudgeData, settings: Settings, key: str, notes: list[str]
) -> Prevalence | None:
    scale = data.scale
    if not scale.binary or scale.positive is None:
        return None
    labelled = sorted(set(jd.values) & set(data.reference))
    if not jd.values or not labelled:
        notes.append("no labelled item to measure TPR and TNR on: no corrected failure rate")
        return None
    judged = np.array([1.0 if v == scale.positive else 0.0 for v in jd.values.values()])
    labelled_judge = np.array([1.0 if jd.values[i] == scale.positive else 0.0 for i in labelled])
    labelled_human = np.array([1.0 if data.reference[i] == scale.positive else 0.0 for i in labelled])
    rng = rng_for(settings.seed, key + "|prevalence")
    return corrected_prevalence(scale.positive, judged, labelled_judge, labelled_human, settings.n_boot, rng)


def _check_overlap(verdicts: VerdictSet, labels: Sequence[HumanLabel]) -> None:
    judged = {(v.item_id, v.criterion) for v in verdicts.verdicts}
    labelled = {(label.item_id, label.criterion) for label in labels}
    if judged & labelled:
        return
    example_v = min(judged)
    example_l = min(labelled)
    raise UserError(
        f"no (item_id, criterion) has both a verdict in {verdicts.path} and a human label: "
        f"verdicts look like {example_v}, labels like {example_l}; "
        "check that both files describe the same items"
    )


def _check_slice_fields(verdicts: VerdictSet, by: Sequence[str]) -> None:
    available = sorted({k for meta in verdicts.metadata.values() for k in meta})
    for name in by:
        if name not in available:
            known = ", ".join(available) if available else "none (the verdicts carry no metadata)"
            raise UserError(f"--by {name}: no item's metadata has '{name}'; fields available: {known}")
