"""`auditor report RUN_DIR`: from a run directory to report.md and a self-contained report.html.

records + input (+ calibration.json)
  -> failures (failing, unscored; judge-human disagreements with calibration)
  -> groups (criterion and kind; error tag; similar reasoning)
  -> findings (count, share, severity, masked evidence, slices, template cause)
  -> regulatory risk (the laws each leak touches, escalations; a triage aid)
  -> [a summarizer drafts causes: map-reduce graph, ids checked]
  -> results, plots -> report.md, report_plots/*.png, report.html
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from auditor.bundle import bundle_note
from auditor.pii.redact import Redactor
from auditor.report.benchmark import read_comparison, read_go_no_go
from auditor.report.calibration_section import Calibration, human_outcomes, read_calibration
from auditor.report.causes import load_causes
from auditor.report.drafting import Summarizer, draft_findings
from auditor.report.failures import (
    Failure,
    collect_disagreements,
    collect_failures,
    criterion_label,
    group_failures,
)
from auditor.report.findings import Finding, FindingContext, build_findings, recommendations
from auditor.report.plots import Plot, all_plots, robustness_plots
from auditor.report.regulatory_section import RegulatorySection, regulatory_section
from auditor.report.render import PLOTS_DIR, render_html, render_markdown
from auditor.report.results import criterion_results
from auditor.report.robustness_section import robustness_for, robustness_section
from auditor.report.slices import SliceIndex, failure_rates
from auditor.report.view import ReportView, RunData, build_scope, load_run
from auditor.types import PII_LEAKAGE

MARKDOWN, HTML = "report.md", "report.html"


@dataclass(frozen=True)
class ReportResult:
    markdown: Path
    html: Path
    plots: list[Path]
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)


def write_report(
    run_dir: Path,
    out_dir: Path | None = None,
    calibration_dir: Path | None = None,
    summarizer: Summarizer | None = None,
    *,
    redact: bool = True,
) -> ReportResult:
    """Write report.md, report.html and the figures for the run in `run_dir` (to `out_dir`, default the run).

    `calibration_dir` adds the calibration summary and judge-human disagreements;
    `summarizer` lets a model draft each finding's cause and recommendation; `redact=False`
    shows personal data unmasked (the report then says so at the top). From async code,
    await `build_report` instead.
    """
    return asyncio.run(build_report(run_dir, out_dir, calibration_dir, summarizer, redact=redact))


async def build_report(
    run_dir: Path,
    out_dir: Path | None = None,
    calibration_dir: Path | None = None,
    summarizer: Summarizer | None = None,
    *,
    redact: bool = True,
) -> ReportResult:
    """`write_report` for callers already inside an event loop."""
    run = load_run(run_dir)
    notes: list[str] = [note] if (note := bundle_note(run_dir)) else []
    calibration = read_calibration(calibration_dir) if calibration_dir is not None else None
    failures = collect_failures(run.records)
    disputes, labelled = _disagreements(run, calibration, notes)
    results = criterion_results(run.records, failures)
    redactor = Redactor([s for r in run.records for s in r.pii_spans], enabled=redact)
    index = SliceIndex.of(run.records)
    context = FindingContext(
        run=run,
        redactor=redactor,
        causes=load_causes(),
        index=index,
        judged={r.label: r.items for r in results},
        labelled=labelled,
    )
    findings = build_findings(group_failures([*failures, *disputes]), context)
    if summarizer is not None:
        known = [r.item_id for r in run.records]
        findings = await draft_findings(findings, summarizer, known, redactor)
    rates = failure_rates(index, {f.item_id for f in failures})
    if not redact:
        notes.append("written with redaction turned off: quotes and notes show personal data as recorded")
    robustness = robustness_for(run_dir, run.derived)
    plots = all_plots(results, rates, calibration) + (robustness_plots(robustness) if robustness else [])
    view = ReportView(
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        scope=build_scope(str(run_dir), run.manifest, run.records),
        pass_score=run.pass_score,
        results=results,
        slice_rates=rates,
        calibration=calibration,
        findings=findings,
        recommendations=recommendations(findings),
        plots={p.name: p for p in plots},
        notes=notes,
        redacted=redact,
        go_no_go=read_go_no_go(run_dir),
        comparison=read_comparison(run_dir),
        regulatory=_regulatory(run, findings, redactor),
        robustness=robustness_section(robustness, len(run.derived), bool(run.manifest.config.targets))
        if robustness is not None
        else None,
    )
    return _write(view, out_dir or run_dir, findings, notes)


def _disagreements(
    run: RunData, calibration: Calibration | None, notes: list[str]
) -> tuple[list[Failure], dict[str, int]]:
    """Judge-human disagreements and, per criterion, how many of the run's items have a human reference."""
    if calibration is None:
        return [], {}
    system = calibration.system
    records = [r for r in run.records if r.target == system]
    if not records:  # human labels name items, not targets: they hold only for the target calibrated
        notes.append(
            f"the calibration is of {f'target {system!r}' if system else 'a run without targets'}, "
            "which this run does not hold: no judge-human disagreements are listed"
        )
        return [], {}
    outcomes, note = human_outcomes(calibration, run.pass_score)
    notes.append(note)
    ids = {r.item_id for r in records}
    labelled = {criterion_label(c, system): len(ids & set(by_item)) for c, by_item in outcomes.items()}
    return collect_disagreements(records, outcomes), labelled


def _regulatory(run: RunData, findings: list[Finding], redactor: Redactor) -> RegulatorySection | None:
    """The "Regulatory risk" section, when the run judged PII leakage at all."""
    if not any(v.criterion == PII_LEAKAGE for r in run.records for v in r.verdicts):
        return None
    return regulatory_section(run, findings, redactor)


def _write(view: ReportView, out_dir: Path, findings: list[Finding], notes: list[str]) -> ReportResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    plot_paths = _write_plots(out_dir / PLOTS_DIR, list(view.plots.values()))
    markdown = _write_text(out_dir / MARKDOWN, render_markdown(view))
    html = _write_text(out_dir / HTML, render_html(view))
    return ReportResult(markdown=markdown, html=html, plots=plot_paths, findings=findings, notes=notes)


def _write_plots(directory: Path, plots: list[Plot]) -> list[Path]:
    directory.mkdir(exist_ok=True)
    written = []
    for plot in plots:
        path = directory / f"{plot.name}.png"
        path.write_bytes(plot.png)
        written.append(path)
    # A figure an earlier report drew (say, with calibration) must not linger beside this one.
    for stale in set(directory.glob("*.png")) - set(written):
        stale.unlink()
    return written


def _write_text(path: Path, text: str) -> Path:
    # Replaced whole: a reader never opens a half-written report.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
