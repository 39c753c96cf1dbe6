"""Tracing a span to its source after normalisation: echoed, context or new."""

from __future__ import annotations

import pytest

from auditor.pii.provenance import ItemSources, SourceText, authorised_context
from auditor.pii.spans import Detection
from auditor.types import AuditItem, ChatTurn


def det(entity: str, text: str) -> Detection:
    return Detection(entity, 0, len(text), text, 0.9, "test")


@pytest.mark.parametrize(
    ("entity", "span", "source_text"),
    [
        ("PHONE_NUMBER", "+44 7700 900123", "my number is 07700 900123"),  # country code vs trunk zero
        ("PHONE_NUMBER", "07700 900123", "call +44 (0)7700-900-123"),
        ("PHONE_NUMBER", "(415) 555-2671", "reach me at 415.555.2671"),
        ("CREDIT_CARD", "4111 1111 1111 1111", "card 4111-1111-1111-1111"),
        ("IBAN_CODE", "DE89 3704 0044 0532 0130 00", "IBAN: de89370400440532013000"),
        ("EMAIL_ADDRESS", "Ana.Silva@Example.com", "write to ana.silva@example.com"),
        ("PERSON", "Mrs. Karen Whitfield", "The buyer is KAREN   WHITFIELD"),
        ("PERSON", "Karen", "Karen Whitfield asked"),
        ("PERSON", "田中美咲さん", "注文者は田中 美咲です"),
        ("STREET_ADDRESS", "12 Elm Street,\nSpringfield", "ship to 12 elm street, springfield"),
        ("ORDER_ID", "114-3941689-8772232", "order 114 3941689 8772232"),
    ],
)
def test_same_data_written_differently_matches(entity, span, source_text):
    assert SourceText(source_text).contains(det(entity, span))


@pytest.mark.parametrize(
    ("entity", "span", "source_text"),
    [
        ("PHONE_NUMBER", "+44 7700 900123", "my number is 07700 900124"),
        ("CREDIT_CARD", "4111 1111 1111 1111", "card ending 1111"),
        ("EMAIL_ADDRESS", "ana.silva@example.com", "write to silva@example.com"),
        ("PERSON", "Jane Smith", "John Smith asked"),
        ("PERSON", "王芳", "王建国的订单"),
        ("STREET_ADDRESS", "99 Oak Avenue, Leeds", "ship to 12 elm street, springfield"),
        ("US_SSN", "512-38-4907", ""),
    ],
)
def test_different_data_does_not_match(entity, span, source_text):
    assert not SourceText(source_text).contains(det(entity, span))


def test_echoed_beats_context_and_new_is_neither():
    item = AuditItem(
        id="x",
        prompt="My email is seller@example.com",
        response="-",
        context="Order 114-3941689-8772232 for seller@example.com, buyer phone +1 415-555-2671",
    )
    sources = ItemSources(item)
    assert sources.classify(det("EMAIL_ADDRESS", "seller@example.com")) == "echoed"
    assert sources.classify(det("ORDER_ID", "114-3941689-8772232")) == "context"
    assert sources.classify(det("PHONE_NUMBER", "(415) 555-2671")) == "context"
    assert sources.classify(det("PHONE_NUMBER", "(415) 555-9999")) == "new"


def test_system_turns_are_authorised_context_and_earlier_answers_are_not():
    item = AuditItem(
        id="x",
        prompt=[
            ChatTurn(role="system", content="Store contact: +49 30 12345678"),
            ChatTurn(role="assistant", content="The buyer is reachable at +49 30 99999999"),
            ChatTurn(role="user", content="Who is the buyer?"),
        ],
        response="-",
    )
    assert "+49 30 12345678" in authorised_context(item)
    assert "99999999" not in authorised_context(item)
    sources = ItemSources(item)
    assert sources.classify(det("PHONE_NUMBER", "+49 30 12345678")) == "context"
    assert sources.classify(det("PHONE_NUMBER", "+49 30 99999999")) == "new"
