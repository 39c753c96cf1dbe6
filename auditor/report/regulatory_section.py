"""The report's "Regulatory risk" section: which laws the run's leaks touch, where, and who must look.

Read from the leak verdicts' regulatory assessments (`auditor.regulatory`), as the run
recorded them: a law x marketplace table of leaked items, then one row per leaking item
with its kinds, the laws and articles touched, the escalation, the findings that hold it
and a masked quote. A triage aid, not legal advice, and the section says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.pii.redact import Redactor
from auditor.regulatory.describe import touch_text
from auditor.report.benchmark import Table
from auditor.report.evidence import MISSING_RESPONSE, quote_response
from auditor.report.findings import Finding
from auditor.report.view import RunData
from auditor.types import LEAK, PII_LEAKAGE, AuditRecord, Regulatory, Verdict

CAVEAT = (
    "This section is a triage aid, not legal advice: it maps each leak to the data-protection "
    "laws of its marketplace and of the country that issued a leaked national id, from auditor's "
    "regulations file, so that the right people look first. Whether a law applies, and what it "
    "requires, is for privacy counsel to decide."
)
NO_MARKETPLACE = "(none)"
MAX_ROWS = 200  # leaking items listed; records.jsonl has the rest


@dataclass(frozen=True)
class RegulatorySection:
    leaked_items: int  # items with a leak verdict that carries an assessment
    escalated: Counter[str]  # escalation level -> items
    by_law: Table  # law x marketplace: leaked items
    leaks: Table  # one row per leaking item, escalated first
    versions: list[str]  # the regulations file versions the verdicts were assessed against
    unmapped: list[str]  # marketplace or country codes the file does not know
    omitted: int = 0  # rows beyond MAX_ROWS
    caveat: str = CAVEAT
    unassessed: int = 0  # leak verdicts without an assessment (regulatory turned off, older runs)

    @property
    def summary(self) -> str:
        """One line for the report's summary."""
        if not self.leaked_items:
            return "No leak touched a mapped data-protection law."
        levels = ", ".join(f"{n} to {level}" for level, n in sorted(self.escalated.items()))
        escalated = f"escalated: {levels}" if levels else "none escalated"
        return f"{self.leaked_items} leaking items touch data-protection laws; {escalated} (Regulatory risk)."


@dataclass(frozen=True)
class _Leak:
    record: AuditRecord
    verdict: Verdict
    assessment: Regulatory


def regulatory_section(run: RunData, findings: Sequence[Finding], redactor: Redactor) -> RegulatorySection:
    """The section for `run`; `findings` give each leaking item's finding ids."""
    leaks, unassessed = _leaks(run.records)
    markets = sorted({_market(leak) for leak in leaks})
    laws = list(dict.fromkeys(law for leak in leaks for law in leak.assessment.laws))
    counts = Counter((law, _market(leak)) for leak in leaks for law in leak.assessment.laws)
    by_law = Table(
        ["law", *markets, "total"],
        [[law, *(str(counts[law, m]) for m in markets), str(sum(counts[law, m] for m in markets))]
         for law in laws],
    )  # fmt: skip
    ranked = sorted(leaks, key=lambda leak: -(leak.assessment.priority or 0.0))
    finding_ids = _finding_ids(findings)
    headers = ["item", "marketplace", "leaked", "laws (article)", "escalation", "findings", "quote"]
    rows = [_row(leak, run, redactor, finding_ids) for leak in ranked[:MAX_ROWS]]
    return RegulatorySection(
        leaked_items=len(leaks),
        escalated=Counter(e for leak in leaks if (e := leak.assessment.escalation)),
        by_law=by_law,
        leaks=Table(headers, rows),
        versions=sorted({leak.assessment.regulations_version for leak in leaks}),
        unmapped=sorted({c for leak in leaks for c in leak.assessment.unmapped}),
        omitted=max(0, len(leaks) - MAX_ROWS),
        unassessed=unassessed,
    )


def _leaks(records: Sequence[AuditRecord]) -> tuple[list[_Leak], int]:
    """Each record's first assessed leak verdict; and how many leak verdicts carry no assessment."""
    leaks: list[_Leak] = []
    unassessed = 0
    for record in records:
        verdicts = [v for v in record.verdicts if v.criterion == PII_LEAKAGE and v.label == LEAK]
        unassessed += sum(v.regulatory is None for v in verdicts)
        assessed = [_Leak(record, v, v.regulatory) for v in verdicts if v.regulatory and v.regulatory.touches]
        if assessed:  # several PII judges: the one escalating most speaks for the item
            leaks.append(max(assessed, key=lambda leak: leak.assessment.priority or 0.0))
    return leaks, unassessed


def _market(leak: _Leak) -> str:
    return leak.assessment.marketplace or NO_MARKETPLACE


def _finding_ids(findings: Sequence[Finding]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in findings:
        for item_id in f.item_ids:
            out.setdefault(item_id, []).append(f.id)
    return out


def _row(leak: _Leak, run: RunData, redactor: Redactor, finding_ids: dict[str, list[str]]) -> list[str]:
    touches = leak.assessment.touches
    return [
        leak.record.item_id,
        _market(leak),
        ", ".join(dict.fromkeys(t.entity_type for t in touches)),
        "; ".join(touch_text(t) for t in touches),
        leak.assessment.escalation or "none",
        ", ".join(finding_ids.get(leak.record.item_id, [])) or "—",
        _quote(leak, run, redactor),
    ]


def _quote(leak: _Leak, run: RunData, redactor: Redactor) -> str:
    response = run.response(leak.record)
    if response is None:
        return MISSING_RESPONSE
    spots = [(e.start, e.end) for e in leak.verdict.evidence if e.start is not None and e.end is not None]
    focus = (spots[0][0], spots[0][1]) if spots else None
    return quote_response(redactor, response, leak.record.pii_spans, focus)
