"""Masking personal data for reports, logs and exports: "<PHONE_NUMBER>" in place of it."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Protocol

from auditor.pii.severity import PERSONAL_ENTITIES


class SpanLike(Protocol):
    """Anything with offsets and a type: a `PIISpan`, a `Detection`."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def entity_type(self) -> str: ...


def mask(entity_type: str) -> str:
    """The placeholder a span becomes."""
    return f"<{entity_type}>"


def redact(text: str, spans: Iterable[SpanLike]) -> str:
    """`text` with every span replaced by its type.

    Overlapping or touching spans become one mask, named after the longest of them, so
    no fragment of a card number survives between two masks. Offsets outside `text`
    are a bug in the caller and raise ValueError.
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
            cursor = _emit(text, cursor, group, pieces)
            group = []
        group.append(span)
    if group:
        cursor = _emit(text, cursor, group, pieces)
    pieces.append(text[cursor:])
    return "".join(pieces)


def _emit(text: str, cursor: int, group: list[SpanLike], pieces: list[str]) -> int:
    start, end = group[0].start, max(s.end for s in group)
    longest = max(group, key=lambda s: s.end - s.start)
    pieces.append(text[cursor:start])
    pieces.append(mask(longest.entity_type))
    return end


def redact_text(text: str, entities: Collection[str] | None = None) -> str:
    """Detect personal data in `text` with the shared engine, then mask it.

    `entities` defaults to the personal-data types the PII judge looks for, so a log line
    loses "+44 7700 900123" but keeps "Monday" and "Berlin". The first call builds the
    engine (seconds); call it off the event loop from async code.
    """
    if not text.strip():
        return text
    from auditor.pii.engine import get_engine  # the engine is heavy; importing redact is not

    return redact(text, get_engine().analyze(text, entities or PERSONAL_ENTITIES))
