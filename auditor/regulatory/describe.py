"""Regulatory assessments as one line of text, for the report, the review queue and exports.

Names laws, articles and entity types only, never the leaked values.
"""

from __future__ import annotations

from auditor.types import AuditRecord, LawTouch, Regulatory


def touch_text(t: LawTouch) -> str:
    """`GDPR Art. 87 (CN_RESIDENT_ID, sensitive)`; `PIPL Art. 4 (CN_RESIDENT_ID, the id's country)`."""
    marks = [t.entity_type]
    if t.sensitive:
        marks.append("sensitive")
    if "marketplace" not in t.basis:
        marks.append("the id's country")
    return f"{t.citation or f'{t.law} (no article in the file)'} ({', '.join(marks)})"


def strongest(record: AuditRecord) -> Regulatory | None:
    """The record's assessment that escalates most (several PII judges may assess one item)."""
    assessed = [v.regulatory for v in record.verdicts if v.regulatory is not None and v.regulatory.touches]
    return max(assessed, key=lambda r: r.priority or 0.0, default=None)


def escalation_text(record: AuditRecord) -> str | None:
    """`privacy-legal: GDPR Art. 87 (...); PIPL Art. 4 (...)`; None when no leak touches a law."""
    regulatory = strongest(record)
    if regulatory is None:
        return None
    laws = "; ".join(touch_text(t) for t in regulatory.touches)
    return f"{regulatory.escalation or 'not escalated'}: {laws}"
