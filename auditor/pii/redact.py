"""Masking personal data for reports, logs and exports: the one implementation.

Two nets, both applied by `Redactor`:

1. what the run recorded: each PII span by its offsets in the response (or, when the
   offsets are stale, wherever its text occurs), and the raw text of every span recorded
   anywhere in the run wherever it stands as a whole word in any other text;
2. detect-then-mask with the shared Presidio engine (`detect`), for data the judges did
   not record (a PII judge may not have been configured at all).

Every span found by either net is merged with the others (overlapping or touching spans
become one mask, named after the longest), so no fragment of a card number survives
between two masks. Two mask styles: `"type"` writes the span's type (`<PHONE_NUMBER>`,
for people reading a report or a log); `"block"` writes one `█` per character, so every
offset into the text stays valid (for exports whose spans annotators mark).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from auditor.pii.severity import PERSONAL_ENTITIES
from auditor.types import PIISpan

Style = Literal["type", "block"]
BLOCK = "█"  # in the Basic Multilingual Plane: one UTF-16 unit, so offsets agree everywhere


class SpanLike(Protocol):
    """Anything with offsets and a type: a `PIISpan`, a `Detection`."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def entity_type(self) -> str: ...


Detector = Callable[[str], Sequence[SpanLike]]


@dataclass(frozen=True)
class Located:
    start: int
    end: int
    entity_type: str


def mask(entity_type: str, length: int = 0, style: Style = "type") -> str:
    """The placeholder a span becomes."""
    return BLOCK * length if style == "block" else f"<{entity_type}>"


def redact(text: str, spans: Iterable[SpanLike], style: Style = "type") -> str:
    """`text` with every span masked; overlapping or touching spans become one mask.

    Offsets outside `text` are a bug in the caller and raise ValueError.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    for span in ordered:
        if not 0 <= span.start <= span.end <= len(text):
            raise ValueError(f"span {span.start}:{span.end} lies outside a text of length {len(text)}")
    pieces: list[str] = []
    cursor = 0
    group: list[SpanLike] = []
    for span in ordered:
        if span.start == span.end:
            continue
        if group and span.start > max(s.end for s in group):
            cursor = _emit(text, cursor, group, pieces, style)
            group = []
        group.append(span)
    if group:
        cursor = _emit(text, cursor, group, pieces, style)
    pieces.append(text[cursor:])
    return "".join(pieces)


def _emit(text: str, cursor: int, group: list[SpanLike], pieces: list[str], style: Style) -> int:
    start, end = group[0].start, max(s.end for s in group)
    longest = max(group, key=lambda s: s.end - s.start)
    pieces.append(text[cursor:start])
    pieces.append(mask(longest.entity_type, end - start, style))
    return end


def detect(text: str, entities: Collection[str] | None = None) -> Sequence[SpanLike]:
    """Personal data in `text`, found by the shared engine.

    `entities` defaults to the personal-data types the PII judge looks for, so a log line
    loses "+44 7700 900123" but keeps "Monday" and "Berlin". The first call builds the
    engine (seconds); call it off the event loop from async code.
    """
    if not text.strip():
        return []
    from auditor.pii.engine import get_engine  # the engine is heavy; importing redact is not

    return get_engine().analyze(text, entities or PERSONAL_ENTITIES)


def redact_text(text: str, entities: Collection[str] | None = None, style: Style = "type") -> str:
    """Detect personal data in `text` with the shared engine, then mask it."""
    return redact(text, detect(text, entities), style)


WITHHELD = "(withheld: it could not be checked for personal data)"


def redact_for_log(text: str) -> str:
    """`text` fit for a log line (an exception can quote the audited text): personal data masked.

    If the detector cannot run, the text is withheld: a log must never carry what was
    not checked. Blocking; call it off the event loop from async code.
    """
    try:
        return redact_text(text)
    except Exception:  # the engine could not be built or failed: say so rather than leak
        return WITHHELD


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


class Redactor:
    """Masks personal data in every text of one run, in one style.

    `spans` are every PII span the run recorded; `detector` is the second net (None: the
    recorded spans only). `enabled=False` shows everything.
    """

    def __init__(
        self,
        spans: Iterable[PIISpan],
        *,
        style: Style = "type",
        enabled: bool = True,
        detector: Detector | None = detect,
    ) -> None:
        self.style: Style = style
        self.enabled = enabled
        self.detector = detector if enabled else None
        types: dict[str, str] = {}
        for span in spans:
            if span.text.strip():
                types.setdefault(span.text, span.entity_type)
        self._types = types
        # Longest first, so a number is masked whole before any shorter span inside it.
        # Whole words only: a found first name "Li" must not mask the middle of "Lisbon".
        alternatives = sorted(types, key=len, reverse=True)
        self._known = (
            re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in alternatives))
            if alternatives
            else None
        )
        self._cache: dict[str, str] = {}

    def text(self, text: str) -> str:
        """Any text with every recorded and every detected span masked."""
        if not self.enabled or not text:
            return text
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = redact(text, self.find(text), self.style)
        return cached

    def response(self, response: str, spans: Sequence[PIISpan]) -> str:
        """A response with its own recorded spans (by offset) and everything `text` masks."""
        if not self.enabled:
            return response
        return redact(response, [*locate(response, spans), *self.find(response)], self.style)

    def json(self, value: Any) -> Any:
        """A copy of a JSON-like value with `text` applied to every string in it."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items()}
        return value

    def find(self, text: str) -> list[SpanLike]:
        """The spans both nets find in `text`."""
        found: list[SpanLike] = []
        if self._known is not None:
            found += [
                Located(m.start(), m.end(), self._types[m.group(0)]) for m in self._known.finditer(text)
            ]
        if self.detector is not None:
            found += self.detector(text)
        return found
