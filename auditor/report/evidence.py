"""The evidence behind a finding: per item, a short masked quote of the response and the judge's words.

A quote is cut around the spot the judge pointed at and widened so that it never
slices a recorded PII span in half; masking is `auditor.pii.redact`'s, in its "type" style.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ConfigDict

from auditor.pii.redact import Located, Redactor, locate, redact
from auditor.report.failures import RANK, Failure, Severity
from auditor.report.view import RunData
from auditor.types import PIISpan, StrictModel, Verdict

NOTE_CHARS = 240
MISSING_RESPONSE = "(the response is not in the run's input file)"
QUOTE_RADIUS = 80  # characters of context on each side of the quoted spot
ELLIPSIS = "…"


class EvidenceRow(StrictModel):
    """One item's evidence for a finding; every text is already masked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item_id: str
    judge: str
    severity: Severity
    because: str  # the part of the severity rule that applied
    quote: str  # from the response
    note: str  # the judge's reasoning, or why it gave no verdict
    human: str | None = None  # the human reference, for a judge-human disagreement


def evidence_row(failure: Failure, run: RunData, redactor: Redactor) -> EvidenceRow:
    """The masked quote and note for one failure."""
    response = run.response(failure.record)
    spans = failure.record.pii_spans
    if response is None:
        quotes = [e.quote for e in failure.verdict.evidence if e.quote]
        quote = clip(redactor.text(quotes[0])) if quotes else MISSING_RESPONSE
    else:
        quote = quote_response(redactor, response, spans, _focus(failure.verdict, response))
    return EvidenceRow(
        item_id=failure.item_id,
        judge=failure.verdict.judge,
        severity=failure.rating.severity,
        because=failure.rating.because,
        quote=quote,
        note=clip(redactor.text(failure.text)),
        human=failure.human,
    )


def quote_response(
    redactor: Redactor, response: str, spans: Sequence[PIISpan], focus: tuple[int, int] | None
) -> str:
    """A short quote around `focus` (offsets into `response`), masked, on one line."""
    located = locate(response, spans)
    start, end = _widen(*_window(response, focus), located)
    piece = response[start:end]
    if redactor.enabled:
        inside = [Located(s.start - start, s.end - start, s.entity_type) for s in located]
        piece = redact(piece, [s for s in inside if s.start >= 0 and s.end <= len(piece)], redactor.style)
    piece = " ".join(piece.split())
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(response) else ""
    return redactor.text(f"{prefix}{piece}{suffix}")


def _window(response: str, focus: tuple[int, int] | None) -> tuple[int, int]:
    if focus is None:  # nothing to point at: the start of the response
        start = end = 0
        lo, hi = 0, min(len(response), 2 * QUOTE_RADIUS)
    else:
        start = max(0, min(focus[0], len(response)))
        end = max(start, min(focus[1], len(response)))
        lo, hi = max(0, start - QUOTE_RADIUS), min(len(response), end + QUOTE_RADIUS)
    # Cut at word boundaries: a quote that starts mid-word reads as a typo.
    while 0 < lo < start and not response[lo - 1].isspace():
        lo += 1
    while end < hi < len(response) and not response[hi].isspace():
        hi -= 1
    return lo, hi


def _widen(start: int, end: int, spans: Sequence[Located]) -> tuple[int, int]:
    """Grow the window until no span crosses its edges, so no span is ever cut in half."""
    changed = True
    while changed:
        changed = False
        for s in spans:
            if s.start < start < s.end:
                start, changed = s.start, True
            if s.start < end < s.end:
                end, changed = s.end, True
    return start, end


def representatives(failures: Sequence[Failure], limit: int) -> list[Failure]:
    """One failure per item, the most severe and most urgent (routing priority) first."""
    ranked = sorted(
        enumerate(failures),
        key=lambda pair: (RANK[pair[1].rating.severity], -pair[1].record.route.priority, pair[0]),
    )
    seen: set[str] = set()
    out = []
    for _, f in ranked:
        if f.item_id not in seen:
            seen.add(f.item_id)
            out.append(f)
        if len(out) == limit:
            break
    return out


def _focus(verdict: Verdict, response: str) -> tuple[int, int] | None:
    """Where in the response to quote: a new PII span, else conflicting evidence, else the start."""
    spans = [s for s in verdict.pii_spans if s.source == "new"] or verdict.pii_spans
    if spans:
        return spans[0].start, spans[0].end
    for e in sorted(verdict.evidence, key=lambda e: e.kind == "match"):
        if e.start is not None and e.end is not None and 0 <= e.start < e.end <= len(response):
            return e.start, e.end
        at = response.find(e.quote) if e.quote else -1
        if at >= 0:
            return at, at + len(e.quote)
    return None


def clip(text: str, limit: int = NOTE_CHARS) -> str:
    """One line of at most `limit` characters. Clip only masked text: a cut could split a span."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
