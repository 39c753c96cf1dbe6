"""Evidence from a judge's reply: each quote it gave, found in the response.

A model copies quotes imperfectly: it wraps them in quotation marks, changes the case or
the spacing, or cuts them with an ellipsis. A quote is looked up as written, then with
those differences ignored; found, it becomes the exact span of the response (so
`response[start:end] == quote`); not found, it is kept as the model wrote it, without
offsets and with the note "not found in response".
"""

from __future__ import annotations

import re

from auditor.judges.llm.outputs import Claim
from auditor.types import Evidence

NOT_FOUND = "not found in response"
_WRAPPING = " \t\r\n\"'“”‘’«»「」『』"
_ELLIPSIS = re.compile(r"^(?:\.\.\.|…)\s*|\s*(?:\.\.\.|…)$")
# Claims are listed with the worst first, so a reader (and the report) meets the problem first.
_CLAIM_ORDER = {"contradicted": 0, "unverifiable": 1, "supported": 2}


def locate(response: str, quote: str) -> tuple[int, int] | None:
    """The span of `response` that `quote` copies, or None."""
    at = response.find(quote) if quote else -1
    if at >= 0:
        return at, at + len(quote)
    core = _ELLIPSIS.sub("", quote.strip(_WRAPPING)).strip(_WRAPPING)
    if not core:
        return None
    pattern = r"\s+".join(re.escape(word) for word in core.split())
    match = re.search(pattern, response, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def quote_evidence(response: str, quote: str, kind: str, note: str | None = None) -> Evidence:
    """Evidence for one quote: the exact span when found, the model's words otherwise."""
    span = locate(response, quote)
    if span is None:
        why = f"{note}; {NOT_FOUND}" if note else NOT_FOUND
        return Evidence(quote=quote, kind=kind, note=why)
    start, end = span
    return Evidence(quote=response[start:end], start=start, end=end, kind=kind, note=note)


def claim_evidence(response: str, claims: list[Claim]) -> list[Evidence]:
    """One evidence entry per claim, kind = the claim's verdict, contradicted ones first."""
    ranked = sorted(claims, key=lambda c: _CLAIM_ORDER[c.verdict])
    return [quote_evidence(response, c.claim, c.verdict, f"claim {c.verdict}") for c in ranked]


def claim_tags(claims: list[Claim]) -> list[str]:
    """`contradicted_claim` / `unverifiable_claim` when any claim has that verdict."""
    return [f"{v}_claim" for v in ("contradicted", "unverifiable") if any(c.verdict == v for c in claims)]
