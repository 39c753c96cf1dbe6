"""Regulatory assessments as one line of text, for the report, the review queue and exports.

Names laws, articles and entity types only, never the leaked values.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.types import AuditRecord, LawTouch, Regulatory


def touches_text(touches: Sequence[LawTouch]) -> str:
    """`GDPR Art. 87 (CN_RESIDENT_ID, sensitive); PIPL Art. 4 (PERSON, PHONE_NUMBER)`.

    Kinds cited under the same article, alike in sensitivity and basis, share one entry;
    "the id's country" marks a law that applies only through the leaked id's country.
    """
    groups: dict[tuple[str, bool, bool], list[str]] = {}
    for t in touches:
        cited = t.citation or f"{t.law} (no article in the file)"
        groups.setdefault((cited, t.sensitive, "marketplace" not in t.basis), []).append(t.entity_type)
    parts = []
    for (cited, sensitive, by_country), kinds in groups.items():
        marks = [
            *dict.fromkeys(kinds),
            *(["sensitive"] if sensitive else []),
            *(["the id's country"] if by_country else []),
        ]
        parts.append(f"{cited} ({', '.join(marks)})")
    return "; ".join(parts)


def strongest(record: AuditRecord) -> Regulatory | None:
    """The record's assessment that escalates most (several PII judges may assess one item)."""
    assessed = [v.regulatory for v in record.verdicts if v.regulatory is not None and v.regulatory.touches]
    return max(assessed, key=lambda r: r.priority or 0.0, default=None)


def escalation_text(record: AuditRecord) -> str | None:
    """`privacy-legal: GDPR Art. 87 (...); PIPL Art. 4 (...)`; None when no leak touches a law."""
    regulatory = strongest(record)
    if regulatory is None:
        return None
    return f"{regulatory.escalation or 'not escalated'}: {touches_text(regulatory.touches)}"
