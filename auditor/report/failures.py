"""The raw material of findings: every failing verdict, and every judge-human disagreement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from auditor.report.severity import Rating, rate_disagreement, rate_verdict
from auditor.types import LEAK, AuditRecord, Verdict

# failed: passed False or a leak label; unscored: no verdict; missed / false_alarm: the
# judge passes what the human reference fails, or fails what it passes.
Kind = Literal["failed", "unscored", "missed", "false_alarm"]
KINDS: tuple[Kind, ...] = ("failed", "unscored", "missed", "false_alarm")


@dataclass(frozen=True)
class Failure:
    """One verdict that went wrong, on one item."""

    record: AuditRecord
    verdict: Verdict
    kind: Kind
    rating: Rating
    human: str | None = None  # the human reference, for a disagreement

    @property
    def item_id(self) -> str:
        return self.record.item_id

    @property
    def criterion(self) -> str:
        return self.verdict.criterion

    @property
    def text(self) -> str:
        """What the judge said: its reasoning, or why it could not say anything."""
        if self.kind == "unscored":
            return self.verdict.unscored_reason or ""
        return self.verdict.reasoning


@dataclass(frozen=True)
class HumanOutcome:
    """The human reference for one item and criterion, and whether it fails the item."""

    value: str
    failed: bool


def collect_failures(records: Iterable[AuditRecord]) -> list[Failure]:
    """Every failing or unscored verdict, in record order."""
    out = []
    for record in records:
        for verdict in record.verdicts:
            rating = rate_verdict(verdict)
            if rating is not None:
                kind: Kind = "failed" if verdict.scored else "unscored"
                out.append(Failure(record, verdict, kind, rating))
    return out


def collect_disagreements(
    records: Iterable[AuditRecord], human: Mapping[str, Mapping[str, HumanOutcome]]
) -> list[Failure]:
    """Scored verdicts whose pass/fail differs from the human reference's, by criterion and item."""
    out = []
    for record in records:
        for verdict in record.verdicts:
            outcome = human.get(verdict.criterion, {}).get(record.item_id)
            judge_failed = _judge_failed(verdict)
            if outcome is None or judge_failed is None or judge_failed == outcome.failed:
                continue
            kind: Kind = "false_alarm" if judge_failed else "missed"
            out.append(Failure(record, verdict, kind, rate_disagreement(judge_failed), human=outcome.value))
    return out


def _judge_failed(verdict: Verdict) -> bool | None:
    if not verdict.scored:
        return None
    if verdict.passed is not None:
        return not verdict.passed
    if verdict.label is not None:
        return verdict.label == LEAK
    return None
