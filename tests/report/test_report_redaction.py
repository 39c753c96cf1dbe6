"""Masking inside quotes cut from a response, and in free text, with and without offsets."""

from __future__ import annotations

from report_builders import CARD, IBAN, NAME, span

from auditor.pii.redact import Located, Redactor
from auditor.report.evidence import QUOTE_RADIUS, quote_response


def test_a_quote_whose_edge_falls_inside_a_span_widens_to_mask_all_of_it() -> None:
    lead = "The fee on this order was wrong. "
    # Padded so that 80 characters after "wrong" is 7 characters into the IBAN.
    response = lead + "x" * (QUOTE_RADIUS - 17) + f" account {IBAN} closes the message."
    iban = span(response, IBAN, "IBAN_CODE", "critical")
    focus = (len(lead) - 7, len(lead) - 2)
    assert response[focus[0] : focus[1]] == "wrong"
    assert iban.start < focus[1] + QUOTE_RADIUS < iban.end
    quote = quote_response(Redactor([iban], detector=None), response, [iban], focus)
    assert "<IBAN_CODE>" in quote
    for fragment in IBAN.split():
        assert fragment not in quote
    assert quote.endswith("…") and not quote.startswith("…")


def test_stale_offsets_still_mask_the_span_by_its_text() -> None:
    response = f"Charged to {CARD} yesterday."
    card = span(response, CARD, "CREDIT_CARD", "critical").model_copy(update={"start": 0, "end": 5})
    quote = quote_response(Redactor([card], detector=None), response, [card], None)
    assert quote == "Charged to <CREDIT_CARD> yesterday."


def test_free_text_is_masked_wherever_a_recorded_span_appears_as_a_whole_word() -> None:
    name = span(f"Signed by {NAME}.", NAME, "PERSON", "medium")
    short = name.model_copy(update={"text": "Ann", "start": 0, "end": 3})
    redactor = Redactor([name, short], detector=None)
    assert redactor.text(f"The judge saw {NAME} in the reply.") == "The judge saw <PERSON> in the reply."
    assert redactor.text("Annual fees for Ann rise.") == "Annual fees for <PERSON> rise."


def test_the_detector_is_the_second_net_over_every_text() -> None:
    seen: list[str] = []

    def detector(text: str) -> list[Located]:
        seen.append(text)
        at = text.find("jane@example.org")
        return [Located(at, at + len("jane@example.org"), "EMAIL_ADDRESS")] if at >= 0 else []

    redactor = Redactor([], detector=detector)
    assert redactor.text("write to jane@example.org") == "write to <EMAIL_ADDRESS>"
    assert quote_response(redactor, "Mail jane@example.org now.", [], None) == "Mail <EMAIL_ADDRESS> now."
    redactor.text("write to jane@example.org")
    assert seen.count("write to jane@example.org") == 1  # cached: the engine is not asked twice


def test_turned_off_nothing_is_masked() -> None:
    response = f"Card {CARD}."
    card = span(response, CARD, "CREDIT_CARD", "critical")
    redactor = Redactor([card], enabled=False, detector=lambda t: [Located(0, len(t), "X")])
    assert quote_response(redactor, response, [card], (5, 24)) == response
    assert redactor.text(f"saw {CARD}") == f"saw {CARD}"


def test_a_quote_without_a_focus_is_the_start_of_the_response_cut_at_a_word() -> None:
    response = "word " * 100
    quote = quote_response(Redactor([], detector=None), response, [], None)
    assert quote.startswith("word word") and quote.endswith("word…")
    assert len(quote) <= 2 * QUOTE_RADIUS + 1
