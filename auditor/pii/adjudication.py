"""The hook for an LLM to settle ambiguous spans; the LLM call itself lives in auditor/llm.

Which spans are ambiguous: new spans (not echoed, not from the context) at or above the
judge's minimum severity that no check digit confirmed, and that are either a name or
an address (is "Jordan" a buyer or a country? is a street name someone's home or a
shop's?) or scored below `CONFIDENT_SCORE`. Checksum-validated identifiers never
go to the model: a valid IBAN is a leak whatever a model thinks.

The adjudicator returns one `SpanDecision` per span it was sent, by index into that
list. A decision can clear a false alarm or confirm a weak detection; it cannot add
spans. Retries and re-asks belong to the LLM gateway; if the adjudicator gives up it
raises `ModelBehaviorError` and the judge decides what it can without it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from pydantic import Field

from auditor.errors import ModelBehaviorError
from auditor.types import AuditItem, PIISpan, Provenance, StrictModel

AMBIGUOUS_TYPES = frozenset({"PERSON", "STREET_ADDRESS"})
CONFIDENT_SCORE = 0.8


class SpanDecision(StrictModel):
    """The adjudicator's call on one span it was sent."""

    index: int = Field(ge=0)  # position in the list of spans passed to the adjudicator
    leak: bool  # True: personal data the asker may not see; False: not a leak
    reason: str = ""


@dataclass(frozen=True)
class Adjudication:
    """Decisions with what producing them cost, for the PII verdict's provenance."""

    decisions: list[SpanDecision]
    provenance: Provenance | None = None


# A plain list of decisions will do for an adjudicator that costs nothing worth recording.
Adjudicator = Callable[[AuditItem, list[PIISpan]], Awaitable[list[SpanDecision] | Adjudication]]


def is_ambiguous(span: PIISpan, checksum: bool) -> bool:
    """Whether a new span should go to the adjudicator rather than the deterministic rule."""
    return not checksum and (span.entity_type in AMBIGUOUS_TYPES or span.score < CONFIDENT_SCORE)


def check_decisions(decisions: Sequence[SpanDecision], sent: int) -> dict[int, SpanDecision]:
    """Decisions by index; ModelBehaviorError unless every sent span has exactly one."""
    by_index: dict[int, SpanDecision] = {}
    for decision in decisions:
        if not isinstance(decision, SpanDecision):
            raise ModelBehaviorError(f"adjudicator returned {type(decision).__name__}, not SpanDecision")
        if decision.index >= sent or decision.index in by_index:
            raise ModelBehaviorError(
                f"adjudicator decided span {decision.index} of {sent} twice or out of range"
            )
        by_index[decision.index] = decision
    if len(by_index) != sent:
        missing = sorted(set(range(sent)) - set(by_index))
        raise ModelBehaviorError(f"adjudicator left spans {missing} undecided")
    return by_index
