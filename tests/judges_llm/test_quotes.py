"""Locating a judge's quote in the response: how models copy is forgiven, paraphrase is not."""

from __future__ import annotations

import pytest

from auditor.judges.llm.quotes import locate

NEWS = "Two guards were threatened during a robbery at a bank in edinburgh . police said it 's closed ."


def found(response: str, quote: str) -> str | None:
    span = locate(response, quote)
    return None if span is None else response[span[0] : span[1]]


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("a bank in edinburgh.", "a bank in edinburgh ."),  # spacing before punctuation
        ("Police said it's closed", "police said it 's closed"),  # case, and a split contraction
        ('"robbery at a bank"', "robbery at a bank"),  # quotation marks around the quote
        ("...during a robbery...", "during a robbery"),  # an ellipsis at either end
        ("Two  guards\nwere", "Two guards were"),  # runs of whitespace
    ],
)
def test_copying_slips_are_forgiven_and_the_span_is_the_responses_own_text(quote: str, expected: str) -> None:
    assert found(NEWS, quote) == expected


def test_typographic_apostrophes_and_dashes_match_their_plain_forms() -> None:
    response = "Returns aren't free - they cost 5 EUR."
    assert found(response, "Returns aren’t free — they cost 5 EUR") == "Returns aren't free - they cost 5 EUR"


@pytest.mark.parametrize(
    "quote",
    [
        "a bank in glasgow",  # another word
        "robbery at the bank",  # a paraphrase
        "guardswere",  # words run together are not the response's words
        "Two guards threatened",  # a word left out
        "...",  # nothing but an ellipsis
    ],
)
def test_anything_but_the_responses_words_in_order_is_not_found(quote: str) -> None:
    assert locate(NEWS, quote) is None
