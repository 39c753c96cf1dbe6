"""Masking the personal data a run found, for exports that leave the audit team.

A mask keeps the length of what it hides (one block character per character), so every
offset into the response stays valid: the PII regions of an export line up with the
masked text, and the spans annotators mark come back with offsets into the original
response. Only what the PII judge found is masked: its spans in the response, and the
same strings wherever else they occur in the item (the prompt that the user typed them
into, the context, the judges' reasoning). Personal data no judge found stays visible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from auditor.types import AuditRecord

MASK = "█"  # in the Basic Multilingual Plane: one UTF-16 unit, so offsets agree everywhere


@dataclass(frozen=True)
class Redactor:
    """Masks one item's personal data; `Redactor()` masks nothing."""

    spans: tuple[tuple[int, int], ...] = ()
    secrets: tuple[str, ...] = ()

    @classmethod
    def for_record(cls, record: AuditRecord) -> Redactor:
        """The PII spans every verdict of the record found in the response."""
        found = [s for v in record.verdicts for s in v.pii_spans]
        secrets = sorted({s.text for s in found if s.text.strip()}, key=len, reverse=True)
        return cls(spans=tuple((s.start, s.end) for s in found), secrets=tuple(secrets))

    @property
    def active(self) -> bool:
        return bool(self.spans or self.secrets)

    def response(self, text: str) -> str:
        """The response with every found span and every other occurrence of its text masked."""
        chars = list(text)
        for start, end in self.spans:
            chars[start:end] = MASK * (end - start)
        return self.text("".join(chars))

    def text(self, text: str) -> str:
        """Any other text with every found string masked where it stands as a whole word."""
        for secret in self.secrets:
            # Whole words only: a found first name "Li" must not mask the middle of "Lisbon".
            pattern = rf"(?<!\w){re.escape(secret)}(?!\w)"
            text = re.sub(pattern, MASK * len(secret), text)
        return text

    def json(self, value: Any) -> Any:
        """A copy of a JSON-like value with `text` applied to every string in it."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items()}
        return value
