"""Everything the report shows, computed once; the Markdown and HTML templates only lay it out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from auditor.report.benchmark import ComparisonSection, GoNoGo
from auditor.report.calibration import Calibration
from auditor.report.failures import RULES, SEVERITIES, Severity
from auditor.report.findings import Finding, Recommendation
from auditor.report.plots import Plot
from auditor.report.results import CriterionResult
from auditor.report.scope import Scope
from auditor.report.slices import SliceRate

MAX_APPENDIX_IDS = 200  # item ids listed per finding; records.jsonl has the rest


@dataclass(frozen=True)
class ReportView:
    generated_at: str
    scope: Scope
    pass_score: float | None
    results: list[CriterionResult]
    slice_rates: list[SliceRate]
    calibration: Calibration | None
    findings: list[Finding]
    recommendations: list[Recommendation]
    plots: dict[str, Plot]
    notes: list[str]
    redacted: bool
    go_no_go: GoNoGo | None = None  # `auditor gate` left acceptance.json: the report opens with it
    comparison: ComparisonSection | None = None  # `auditor compare` left comparison/comparison.json
    rules: tuple[tuple[Severity, str], ...] = RULES
    max_ids: int = MAX_APPENDIX_IDS

    @property
    def summary(self) -> list[str]:
        """The opening bullets: what was audited and what stands out."""
        s = self.scope
        lines = [f"{s.items} items audited by {len(s.judges)} judges; {s.auto_accepted} auto-accepted, "
                 f"{s.human_review} routed to human review."]  # fmt: skip
        by_severity = Counter(f.severity for f in self.findings)
        if self.findings:
            counts = ", ".join(f"{by_severity[sev]} {sev}" for sev in SEVERITIES if by_severity[sev])
            lines.append(f"{len(self.findings)} findings: {counts}.")
            top = self.findings[0]
            items = "item" if top.count == 1 else "items"
            lines.append(f"Most severe: {top.id}, {top.title} ({top.severity}; {top.count} {items}).")
        else:
            lines.append("No failing, unscored or disputed verdicts: no findings.")
        for r in self.results:
            if r.pass_rate is None:
                lines.append(
                    f"{r.criterion}: no item was passed or failed "
                    f"({r.unscored_items} without a verdict, of {r.items})."
                )
                continue
            lines.append(
                f"{r.criterion}: {r.pass_rate:.0%} of decided items pass ({r.failed_items} fail, "
                f"{r.unscored_items} without a verdict, of {r.items})."
            )
        if s.status != "complete":
            lines.append(f"The run is {s.status}: this report covers only the items judged so far.")
        return lines

    def plot(self, name: str) -> Plot | None:
        return self.plots.get(name)
