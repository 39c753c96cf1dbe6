"""The review queue: which items a person should look at first.

Order (each key breaks the ties of the one before):

1. items routed to `human_review` before auto-accepted ones (the latter only with `--all`);
2. higher `route.priority` first (routing sets it from the worst reason: a leak's
   regulatory escalation, which by default outranks the rest, then injection, unscored
   verdicts, disagreement, failures, PII severity, low confidence);
3. lower confidence first: the least confident scored verdict of the item, a verdict
   without a confidence counting as 0 (routing also treats it as not confident);
4. worse PII first: the most severe span the response added (source "new");
5. the input file's order, so an export is the same from one run to the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.errors import UserError
from auditor.pii.severity import RANK
from auditor.rundir import judged_item
from auditor.types import AuditItem, AuditRecord


@dataclass(frozen=True)
class QueueEntry:
    """One item in the review queue; `rank` starts at 1."""

    rank: int
    item: AuditItem
    record: AuditRecord


def lowest_confidence(record: AuditRecord) -> float:
    """The least confident scored verdict (no confidence counts as 0); 1.0 when none is scored."""
    return min((v.confidence or 0.0 for v in record.verdicts if v.scored), default=1.0)


def worst_new_pii(record: AuditRecord) -> int:
    """Severity rank (4 = critical) of the worst PII span the response added; 0 when none."""
    return max(
        (RANK[s.severity] + 1 for v in record.verdicts for s in v.pii_spans if s.source == "new"),
        default=0,
    )


def review_queue(
    records: Iterable[AuditRecord], items: dict[str, AuditItem], *, include_all: bool = False
) -> list[QueueEntry]:
    """Records in the order a reviewer should see them (see the module docstring).

    `items` is the run's input by id, in input order. Auto-accepted items are left out
    unless `include_all`.
    """
    position = {item_id: i for i, item_id in enumerate(items)}
    chosen = [r for r in records if include_all or r.route.decision == "human_review"]
    if missing := [r.item_id for r in chosen if r.item_id not in items]:
        raise UserError(f"{len(missing)} record(s) have no item in the run's input, e.g. '{missing[0]}'")
    chosen.sort(
        key=lambda r: (
            r.route.decision != "human_review",
            -r.route.priority,
            lowest_confidence(r),
            -worst_new_pii(r),
            position[r.item_id],
        )
    )
    return [QueueEntry(rank, judged_item(items[r.item_id], r), r) for rank, r in enumerate(chosen, start=1)]
