"""What the two baseline judges share: provenance, score bands, confidence, evidence spans."""

from __future__ import annotations

from auditor.judges.text import trim_span
from auditor.types import Evidence, Provenance


def provenance(rubric_version: str) -> Provenance:
    """Provenance of a baseline verdict: no model, a heuristic confidence."""
    return Provenance(
        backend="baseline", model=None, rubric_version=rubric_version, confidence_method="heuristic"
    )


def band(value: float, floors: tuple[float, float, float, float]) -> int:
    """A 1-5 score from a value in [0, 1]: floors are the lowest values for 5, 4, 3 and 2."""
    for score, floor in zip((5, 4, 3, 2), floors, strict=True):
        if value >= floor:
            return score
    return 1


def margin_confidence(value: float, floors: tuple[float, ...], base: float = 0.55) -> float:
    """Confidence from how far a value sits from the nearest score boundary.

    A value right at a boundary could as well have had the neighbouring score (0.55);
    one 0.15 or more away from every boundary is as clear as this heuristic gets (0.9).
    """
    distance = min(abs(value - floor) for floor in floors)
    return round(min(0.9, base + 0.35 * min(1.0, distance / 0.15)), 3)


def span_evidence(text: str, start: int, end: int, kind: str, note: str) -> Evidence:
    """Evidence quoting text[start:end], trimmed of surrounding spaces and punctuation."""
    start, end = trim_span(text, start, end)
    return Evidence(quote=text[start:end], start=start, end=end, kind=kind, note=note)


def quote(text: str, limit: int = 80) -> str:
    """A short single-line rendering of a text for reasoning strings."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
