"""Masking: spans become their type, overlaps become one mask, nothing leaks between."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from auditor.graph.build import build_graph
from auditor.graph.state import RunContext
from auditor.pii.redact import WITHHELD, redact, redact_for_log, redact_text
from auditor.pii.spans import Detection
from auditor.routing import RoutingPolicy
from auditor.types import AuditItem, PIISpan, Verdict


def span(entity: str, start: int, end: int) -> Detection:
    return Detection(entity, start, end, "", 0.9, "test")


def located(text: str, entity: str, value: str) -> Detection:
    start = text.index(value)
    return span(entity, start, start + len(value))


def test_spans_are_replaced_by_their_type():
    text = "Call +44 20 7946 0958 or mail a@example.com now"
    spans = [
        located(text, "PHONE_NUMBER", "+44 20 7946 0958"),
        located(text, "EMAIL_ADDRESS", "a@example.com"),
    ]
    assert redact(text, spans) == "Call <PHONE_NUMBER> or mail <EMAIL_ADDRESS> now"


def test_overlapping_spans_become_one_mask_named_after_the_longest():
    text = "Ship to 10 Downing Street, London today"
    spans = [
        located(text, "STREET_ADDRESS", "10 Downing Street, Lon"),
        located(text, "LOCATION", "London"),
        located(text, "PERSON", "Downing"),
    ]
    assert redact(text, spans) == "Ship to <STREET_ADDRESS> today"


def test_order_of_spans_does_not_matter_and_empty_spans_are_ignored():
    text = "ab 1234 cd 5678"
    spans = [span("B", 11, 15), span("A", 3, 7), span("C", 9, 9)]
    assert redact(text, spans) == "ab <A> cd <B>"


def test_pii_spans_from_a_verdict_can_be_masked():
    text = "Card 4111 1111 1111 1111."
    s = PIISpan(
        entity_type="CREDIT_CARD",
        start=5,
        end=24,
        text=text[5:24],
        source="new",
        severity="critical",
        score=1.0,
        recognizer="x",
    )
    assert redact(text, [s]) == "Card <CREDIT_CARD>."


def test_offsets_outside_the_text_are_a_bug():
    with pytest.raises(ValueError, match="outside"):
        redact("short", [span("PERSON", 2, 40)])


def test_redact_text_masks_personal_data_and_keeps_the_rest(engine, monkeypatch):
    monkeypatch.setattr("auditor.pii.engine.get_engine", lambda: engine)
    text = "On Monday in Berlin, call +44 20 7946 0958 or write to ana.silva@example.com."
    assert redact_text(text) == "On Monday in Berlin, call <PHONE_NUMBER> or write to <EMAIL_ADDRESS>."
    assert redact_text("   ") == "   "


def test_importing_redaction_does_not_load_spacy_or_presidio():
    # Reports and logs import `redact`; only a call to `redact_text` may pay for the engine.
    code = "import sys, auditor.pii.redact; print(sorted({'spacy', 'presidio_analyzer'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


class QuotingJudge:
    """A judge whose crash message quotes the audited response, as a parser's error might."""

    name = "quoting"
    criterion = "relevance"
    backend = "llm"

    def applies(self, item: AuditItem) -> bool:
        return True

    async def judge(self, item: AuditItem) -> Verdict:
        raise ValueError(f"could not parse the reply to {item.response!r}")


async def test_a_crashing_judge_logs_its_exception_with_personal_data_masked(engine, monkeypatch, caplog):
    monkeypatch.setattr("auditor.pii.engine.get_engine", lambda: engine)
    response = "Call +44 20 7946 0958 or write to ana.silva@example.com."
    graph = build_graph([QuotingJudge()])
    with caplog.at_level(logging.ERROR, logger="auditor"):
        out = await graph.ainvoke(
            {"item": AuditItem(id="i", prompt="q", response=response)},
            context=RunContext(routing=RoutingPolicy()),
        )
    assert out["verdicts_sorted"][0].unscored_reason.startswith("judge error: ValueError")
    assert "judge quoting crashed on item i" in caplog.text and "ValueError: could not parse" in caplog.text
    assert "<PHONE_NUMBER>" in caplog.text and "<EMAIL_ADDRESS>" in caplog.text
    assert "7946 0958" not in caplog.text and "ana.silva@example.com" not in caplog.text


def test_text_that_cannot_be_checked_is_withheld_from_logs(monkeypatch):
    def broken() -> None:
        raise OSError("no spaCy model")

    monkeypatch.setattr("auditor.pii.engine.get_engine", broken)
    assert redact_for_log("mail ana.silva@example.com") == WITHHELD
