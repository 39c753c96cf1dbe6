"""The review queue's order: priority, then lowest confidence, then PII severity, then input order."""

from __future__ import annotations

import pytest

from auditor.errors import UserError
from auditor.labelstudio import review_queue
from auditor.types import AuditItem, AuditRecord, Route, Verdict
from tests.labelstudio.runs import pii, relevance, span

RESPONSE = "Mail jo@x.example or call 555 0100."


def record(item_id: str, priority: float, verdicts: list[Verdict], *, review: bool = True) -> AuditRecord:
    if review:
        route = Route(decision="human_review", reasons=["scripted"], priority=priority)
    else:
        route = Route(decision="auto_accept", priority=priority)
    return AuditRecord(item_id=item_id, verdicts=verdicts, route=route)


def items(*ids: str) -> dict[str, AuditItem]:
    return {i: AuditItem(id=i, prompt="q", response=RESPONSE) for i in ids}


def order(records: list[AuditRecord], ids: tuple[str, ...], include_all: bool = False) -> list[str]:
    return [e.item.id for e in review_queue(records, items(*ids), include_all=include_all)]


def test_higher_priority_first_then_lower_confidence() -> None:
    records = [
        record("calm", 0.6, [relevance(2, 0.9)]),
        record("urgent", 0.9, [relevance(5, 0.99)]),
        record("unsure", 0.6, [relevance(2, 0.4)]),
        record("no-confidence", 0.6, [relevance(2, 0.5).model_copy(update={"confidence": None})]),
    ]
    assert order(records, ("calm", "urgent", "unsure", "no-confidence")) == [
        "urgent",
        "no-confidence",  # no confidence counts as none at all, as routing counts it
        "unsure",
        "calm",
    ]


def test_worse_new_pii_breaks_a_tie_then_input_order() -> None:
    email = span(RESPONSE, "jo@x.example", "EMAIL_ADDRESS", "high")
    phone_critical = span(RESPONSE, "555 0100", "PHONE_NUMBER", "critical")
    echoed_critical = span(RESPONSE, "555 0100", "PHONE_NUMBER", "critical", source="echoed")
    records = [
        record("first-plain", 0.8, [pii([], 0.7)]),
        record("echoed", 0.8, [pii([echoed_critical], 0.7)]),
        record("high", 0.8, [pii([email], 0.7)]),
        record("critical", 0.8, [pii([email, phone_critical], 0.7)]),
        record("second-plain", 0.8, [pii([], 0.7)]),
    ]
    ids = ("first-plain", "echoed", "high", "critical", "second-plain")
    # An echoed span is the user's own data: it does not move an item up.
    assert order(records, ids) == ["critical", "high", "first-plain", "echoed", "second-plain"]


def test_auto_accepted_items_only_with_include_all_and_after_review() -> None:
    records = [
        record("auto", 0.0, [relevance(5, 0.1)], review=False),
        record("review", 0.1, [relevance(5, 0.99)]),
    ]
    assert order(records, ("auto", "review")) == ["review"]
    queue = review_queue(records, items("auto", "review"), include_all=True)
    assert [(e.rank, e.item.id) for e in queue] == [(1, "review"), (2, "auto")]


def test_a_record_without_its_item_is_an_error() -> None:
    with pytest.raises(UserError, match=r"no item in the run's input, e\.g\. 'ghost'"):
        review_queue([record("ghost", 0.5, [])], items("other"))
