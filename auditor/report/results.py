"""Results per criterion: score or label distribution, pass rate, unscored count, error ratings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.report.failures import SEVERITIES, Failure, Severity, criterion_label, is_failure, worst
from auditor.types import LEAK, AuditRecord, Verdict

RUBRIC_SCALE = (1.0, 2.0, 3.0, 4.0, 5.0)


@dataclass(frozen=True)
class JudgeResult:
    judge: str
    verdicts: int
    unscored: int
    passed: int
    failed: int
    mean_score: float | None
    distribution: dict[str, int]  # score or label -> verdicts, in scale order

    @property
    def pass_rate(self) -> float | None:
        decided = self.passed + self.failed
        return self.passed / decided if decided else None


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    items: int  # items with at least one verdict on the criterion
    passed_items: int  # every scored judge passed the item (a bare score without pass/fail does not)
    failed_items: int  # some scored judge failed the item
    unscored_items: int  # no judge produced a verdict
    ratings: dict[Severity, int]  # items by their worst error rating
    judges: list[JudgeResult]
    target: str | None = None  # the system under test, in a run with targets

    @property
    def label(self) -> str:
        return criterion_label(self.criterion, self.target)

    @property
    def pass_rate(self) -> float | None:
        decided = self.passed_items + self.failed_items
        return self.passed_items / decided if decided else None


def criterion_results(records: Sequence[AuditRecord], failures: Sequence[Failure]) -> list[CriterionResult]:
    """One result per criterion (and target, in a run with targets), in the order they first
    appear in the records."""
    Key = tuple[str | None, str]
    verdicts: dict[Key, dict[str, list[Verdict]]] = {}  # (target, criterion) -> item -> verdicts
    for record in records:
        for v in record.verdicts:
            verdicts.setdefault((record.target, v.criterion), {}).setdefault(record.item_id, []).append(v)
    severities: dict[Key, dict[str, list[Severity]]] = {}
    for f in failures:
        if f.kind in ("failed", "unscored"):
            by_item = severities.setdefault((f.target, f.criterion), {})
            by_item.setdefault(f.item_id, []).append(f.rating.severity)
    return [_criterion(key, by_item, severities.get(key, {})) for key, by_item in verdicts.items()]


def _criterion(
    key: tuple[str | None, str], by_item: dict[str, list[Verdict]], severities: dict[str, list[Severity]]
) -> CriterionResult:
    target, criterion = key
    passed = failed = unscored = 0
    for item_verdicts in by_item.values():
        scored = [v for v in item_verdicts if v.scored]
        if not scored:
            unscored += 1
        elif any(is_failure(v) for v in scored):
            failed += 1
        elif all(_passes(v) for v in scored):
            passed += 1  # a score without a pass/fail decides nothing: counted in neither
    rated = Counter(worst(s) for s in severities.values())
    by_judge: dict[str, list[Verdict]] = {}
    for item_verdicts in by_item.values():
        for v in item_verdicts:
            by_judge.setdefault(v.judge, []).append(v)
    return CriterionResult(
        criterion=criterion,
        items=len(by_item),
        passed_items=passed,
        failed_items=failed,
        unscored_items=unscored,
        ratings={s: rated[s] for s in SEVERITIES},
        judges=[_judge(name, vs) for name, vs in by_judge.items()],
        target=target,
    )


def _judge(name: str, verdicts: list[Verdict]) -> JudgeResult:
    scored = [v for v in verdicts if v.scored]
    scores = [v.score for v in scored if v.score is not None]
    return JudgeResult(
        judge=name,
        verdicts=len(verdicts),
        unscored=len(verdicts) - len(scored),
        passed=sum(_passes(v) and not is_failure(v) for v in scored),
        failed=sum(is_failure(v) for v in scored),
        mean_score=sum(scores) / len(scores) if scores else None,
        distribution=distribution(scored),
    )


def _passes(verdict: Verdict) -> bool:
    """Passed outright, or labelled something other than a leak without a pass/fail of its own."""
    if verdict.passed is not None:
        return verdict.passed
    return verdict.label is not None and verdict.label != LEAK


def distribution(verdicts: Sequence[Verdict]) -> dict[str, int]:
    """Scores (the 1-5 rubric scale filled in when the scores fit it) or else labels, with counts."""
    scores = Counter(v.score for v in verdicts if v.score is not None)
    if scores:
        values = sorted(set(scores) | (set(RUBRIC_SCALE) if set(scores) <= set(RUBRIC_SCALE) else set()))
        return {_format(s): scores[s] for s in values}
    labels = Counter(v.label for v in verdicts if v.label is not None)
    return dict(sorted(labels.items()))


def _format(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"
