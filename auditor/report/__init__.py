"""The audit report: root-cause findings with masked evidence, as Markdown and self-contained HTML.

`write_report(run_dir)` is the `auditor report` command; `Summarizer` is what a model
implements to draft the findings' causes. See docs/report.md.
"""

from auditor.report.command import ReportResult, build_report, write_report
from auditor.report.drafting import Draft, Summarizer
from auditor.report.findings import Finding

__all__ = ["Draft", "Finding", "ReportResult", "Summarizer", "build_report", "write_report"]
