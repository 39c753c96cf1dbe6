"""A detected span before provenance, and how overlapping detections are settled."""

from __future__ import annotations

from dataclasses import dataclass, replace

NER_RECOGNIZER = "SpacyRecognizer"  # Presidio's name for the spaCy NER recognizer


@dataclass(frozen=True)
class Detection:
    """One piece of personal data found in a text; offsets are `text[start:end]`."""

    entity_type: str
    start: int
    end: int
    text: str
    score: float
    recognizer: str
    validated: bool = False  # a checksum or a structural rule confirmed it
    checksum: bool = False  # a check digit confirmed it: the strongest evidence there is

    def overlaps(self, other: Detection) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    @property
    def from_ner(self) -> bool:
        """Found by the statistical NER model rather than by a rule or a validator."""
        return self.recognizer == NER_RECOGNIZER

    @property
    def strength(self) -> tuple[bool, bool, int, float]:
        """Sort key for conflicts: a verified check digit, a rule over NER, the longer span, score.

        Rules beat the small NER model's guesses on the same characters ("lautet ABCPR4821K"
        tagged as an organisation, "67626" inside an address tagged as a date); among rules,
        the longer span wins, so an address is kept whole rather than as its house number.
        """
        return (self.checksum, not self.from_ner, self.end - self.start, self.score)


def resolve_overlaps(detections: list[Detection], text: str) -> list[Detection]:
    """Merge overlapping spans of one type, then let the strongest win across types.

    Two recognizers often see the same thing (spaCy's PERSON and the title rule's
    PERSON): merging keeps one span covering both. Across types (a DATE inside an
    address, a card number that is also a 16-digit tracking number) only the strongest
    survives, so a character is never reported twice and redaction has one answer.
    """
    merged = _merge_same_type(detections, text)
    kept: list[Detection] = []
    for det in sorted(merged, key=lambda d: d.strength, reverse=True):
        if not any(det.overlaps(k) for k in kept):
            kept.append(det)
    return sorted(kept, key=lambda d: (d.start, d.end))


def _merge_same_type(detections: list[Detection], text: str) -> list[Detection]:
    by_type: dict[str, list[Detection]] = {}
    for det in detections:
        by_type.setdefault(det.entity_type, []).append(det)
    out: list[Detection] = []
    for group in by_type.values():
        group.sort(key=lambda d: (d.start, -d.end))
        current = group[0]
        for det in group[1:]:
            if det.start < current.end:
                current = _union(current, det, text)
            else:
                out.append(current)
                current = det
        out.append(current)
    return out


def _union(a: Detection, b: Detection, text: str) -> Detection:
    start, end = min(a.start, b.start), max(a.end, b.end)
    best = max(a, b, key=lambda d: d.strength)
    return replace(best, start=start, end=end, text=text[start:end])
