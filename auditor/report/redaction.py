"""Keeping personal data out of the report: quotes cut from responses, and any free text.

Three nets, each catching what the one before can miss:

1. the recorded PII spans, by offset, when a quote is cut out of a response (the cut is
   widened so that it never slices a span in half and leaves part of a card number);
2. the raw text of every span recorded anywhere in the run, masked wherever it appears
   in a quote, a judge's reasoning or a model's draft;
3. detect-then-mask (`auditor.pii.redact.redact_text`) over every such text, for data
   the judges did not record (a PII judge may not have been configured at all).

`Redactor(enabled=False)` shows everything: the explicit `redact=False` of `write_report`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from auditor.pii.redact import mask, redact, redact_text
from auditor.types import PIISpan

QUOTE_RADIUS = 80  # characters of context on each side of the quoted spot
ELLIPSIS = "…"

Detector = Callable[[str], str]


@dataclass(frozen=True)
class Located:
    start: int
    end: int
    entity_type: str


class Redactor:
    """Masks personal data in everything the report quotes."""

    def __init__(
        self, spans: Iterable[PIISpan], *, enabled: bool = True, detector: Detector | None = redact_text
    ) -> None:
        self.enabled = enabled
        self.detector = detector if enabled else None
        texts: dict[str, str] = {}
        for span in spans:
            if span.text.strip():
                texts.setdefault(span.text, span.entity_type)
        self._types = texts
        # Longest first, so a number is masked whole before any shorter span inside it.
        alternatives = sorted(texts, key=len, reverse=True)
        self._known = (
            re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in alternatives))
            if alternatives
            else None
        )
        self._cache: dict[str, str] = {}

    def text(self, text: str) -> str:
        """Free text (reasoning, a reason, a draft, a quote) with every known and detected span masked."""
        if not self.enabled or not text:
            return text
        cached = self._cache.get(text)
        if cached is None:
            cached = text
            if self._known is not None:
                cached = self._known.sub(lambda m: mask(self._types[m.group(0)]), cached)
            if self.detector is not None:
                cached = self.detector(cached)
            self._cache[text] = cached
        return cached

    def quote(self, response: str, spans: Sequence[PIISpan], focus: tuple[int, int] | None) -> str:
        """A short quote around `focus` (offsets into `response`), spans masked by offset, on one line."""
        located = locate(response, spans)
        start, end = _window(response, focus)
        start, end = _widen(start, end, located)
        piece = response[start:end]
        if self.enabled:
            inside = [Located(s.start - start, s.end - start, s.entity_type) for s in located]
            piece = redact(piece, [s for s in inside if s.start >= 0 and s.end <= len(piece)])
        piece = " ".join(piece.split())
        prefix = ELLIPSIS if start > 0 else ""
        suffix = ELLIPSIS if end < len(response) else ""
        return self.text(f"{prefix}{piece}{suffix}")


def locate(response: str, spans: Sequence[PIISpan]) -> list[Located]:
    """Where each span sits in the response: its offsets when they hold its text, else every occurrence.

    Offsets can be stale (a record judged against an earlier version of a response);
    searching for the text keeps such a span masked rather than trusting wrong numbers.
    """
    out: list[Located] = []
    for span in spans:
        if 0 <= span.start < span.end <= len(response) and response[span.start : span.end] == span.text:
            out.append(Located(span.start, span.end, span.entity_type))
            continue
        if not span.text:
            continue
        at = response.find(span.text)
        while at >= 0:
            out.append(Located(at, at + len(span.text), span.entity_type))
            at = response.find(span.text, at + 1)
    return out


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
