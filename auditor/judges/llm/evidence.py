"""Evidence from a judge's reply: each quote it gave, found in the response.

A model copies quotes imperfectly: it wraps them in quotation marks, changes the case or
the spacing, or cuts them with an ellipsis. A quote is looked up as written, then with
those differences ignored; found, it becomes the exact span of the response (so
`response[start:end] == quote`); not found, it is kept as the model wrote it, without
offsets and with the note "not found in response".
"""

from __future__ import annotations

from auditor.judges.llm.outputs import Claim
from auditor.judges.llm.quotes import NOT_FOUND, locate
from auditor.types import Evidence

# Claims are listed with the worst first, so a reader (and the report) meets the problem first.
_CLAIM_ORDER = {"contradicted": 0, "unverifiable": 1, "supported": 2}


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
