"""The run as the report sees it, and everything the report shows, computed once.

`load_run` reads what a report is made of (the run's manifest, its records and the judged
items); `build_scope` states the audit's scope; `ReportView` holds every section, and the
Markdown and HTML templates only lay it out.

Scope: which data, which judges on which models, what it cost. Versions, tokens and cost
are summed from the records' provenance (what actually ran), not copied from the config
(what was meant to run); the manifest supplies the input's path and hash, the counts of
unreadable lines and the run's timings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.errors import UserError
from auditor.manifest import Manifest
from auditor.report.failures import RULES, SEVERITIES, Severity
from auditor.report.robustness_section import headline
from auditor.rundir import RunDir, judged_item, latest_per_item, read_records, read_run_items
from auditor.summary import JudgeStats, RunStats
from auditor.types import AuditItem, AuditRecord

if TYPE_CHECKING:  # the sections import RunData from here; the view only holds them
    from auditor.report.benchmark import ComparisonSection, GoNoGo
    from auditor.report.calibration_section import Calibration
    from auditor.report.findings import Finding, Recommendation
    from auditor.report.plots import Plot
    from auditor.report.regulatory_section import RegulatorySection
    from auditor.report.results import CriterionResult
    from auditor.report.robustness_section import RobustnessSection
    from auditor.report.slices import SliceRate


@dataclass(frozen=True)
class RunData:
    """One run directory, joined with its input: records are lean, responses live in the input."""

    path: Path
    manifest: Manifest
    records: list[AuditRecord]  # the input's items; a suite's derived items are in `derived`
    items: dict[str, AuditItem]
    derived: list[AuditRecord] = field(default_factory=list)  # shown in the robustness section only

    def response(self, record: AuditRecord) -> str | None:
        """The answer a record judged: its target's, else the input's response."""
        item = self.items.get(record.item_id)
        if item is None:
            return record.answer.text if record.answer is not None else None
        return judged_item(item, record).response

    @property
    def pass_score(self) -> float:
        return self.manifest.config.routing.pass_score


def load_run(run_dir: Path) -> RunData:
    """The run in `run_dir`; a missing manifest, records or input is a `UserError`."""
    if not run_dir.is_dir():
        raise UserError(f"{run_dir}: not a run directory (it does not exist)")
    manifest = RunDir(run_dir).read_manifest()
    every = latest_per_item(read_records(run_dir))
    records = [r for r in every if r.parent_id is None]
    if not records:
        raise UserError(f"{run_dir}: the run has no records yet; nothing to report")
    derived = [r for r in every if r.parent_id is not None]
    return RunData(
        path=run_dir, manifest=manifest, records=records, items=read_run_items(run_dir), derived=derived
    )


@dataclass
class JudgeScope:
    """One judge: the counts `auditor run` keeps (`JudgeStats`), and every version it ran with."""

    name: str
    criterion: str
    stats: JudgeStats
    backends: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    prompt_versions: set[str] = field(default_factory=set)
    rubric_versions: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Scope:
    run_name: str
    run_dir: str
    status: str
    auditor_version: str
    config_file: str | None
    input_path: str
    input_sha256: str
    input_lines: int | None
    items: int
    bad_lines: int
    auto_accepted: int
    human_review: int
    started_at: str | None
    finished_at: str | None
    elapsed_s: float | None
    judges: list[JudgeScope]
    tokens: dict[str, float]  # prompt_tokens, completion_tokens, cost_usd
    targets: list[str] = field(default_factory=list)  # systems under test, in a run with targets


def build_scope(run_dir: str, manifest: Manifest, records: Sequence[AuditRecord]) -> Scope:
    """The scope section's facts; a missing manifest field shows as unknown, never as a guess."""
    stats = RunStats()
    judges: dict[str, JudgeScope] = {}
    for record in records:
        stats.add(record)
        for v in record.verdicts:
            js = judges.setdefault(v.judge, JudgeScope(v.judge, v.criterion, stats.judges[v.judge]))
            # Every version seen, not the first: a resumed run may have changed a prompt midway.
            p = v.provenance
            js.backends.add(p.backend)
            for values, value in (
                (js.models, p.model),
                (js.prompt_versions, p.prompt_version),
                (js.rubric_versions, p.rubric_version),
            ):
                if value:
                    values.add(value)
    return Scope(
        run_name=manifest.config.name,
        run_dir=run_dir,
        status=manifest.status,
        auditor_version=manifest.auditor_version,
        config_file=manifest.config_file,
        input_path=manifest.input.path,
        input_sha256=manifest.input.sha256,
        input_lines=manifest.input.lines,
        items=stats.items,
        bad_lines=int(manifest.counts.get("bad_lines") or len(manifest.bad_lines)),
        auto_accepted=stats.auto_accepted,
        human_review=stats.review,
        started_at=manifest.started_at,
        finished_at=manifest.finished_at,
        elapsed_s=manifest.elapsed_s,
        judges=list(judges.values()),
        targets=list(dict.fromkeys(r.target for r in records if r.target is not None)),
        tokens=stats.tokens,
    )


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
    regulatory: RegulatorySection | None = None  # the run judged PII leakage: the laws its leaks touch
    robustness: RobustnessSection | None = None  # the run has suites: robustness.json
    rules: tuple[tuple[Severity, str], ...] = RULES
    max_ids: int = MAX_APPENDIX_IDS

    @property
    def summary(self) -> list[str]:
        """The opening bullets: what was audited and what stands out."""
        s = self.scope
        lines = [f"{s.items} items audited by {len(s.judges)} judges; {s.auto_accepted} auto-accepted, "
                 f"{s.human_review} routed to human review."]  # fmt: skip
        if s.targets:
            lines[0] = (f"{s.items} answers of {len(s.targets)} targets ({', '.join(s.targets)}) audited "
                        f"by {len(s.judges)} judges; {s.auto_accepted} auto-accepted, {s.human_review} "
                        "routed to human review. Results and findings are per target.")  # fmt: skip
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
                    f"{r.label}: no item was passed or failed "
                    f"({r.unscored_items} without a verdict, of {r.items})."
                )
                continue
            lines.append(
                f"{r.label}: {r.pass_rate:.0%} of decided items pass ({r.failed_items} fail, "
                f"{r.unscored_items} without a verdict, of {r.items})."
            )
        if self.regulatory is not None and self.regulatory.leaked_items:
            lines.append(self.regulatory.summary)
        if self.robustness is not None:
            lines += headline(self.robustness.result)
        if s.status != "complete":
            lines.append(f"The run is {s.status}: this report covers only the items judged so far.")
        return lines

    def plot(self, name: str) -> Plot | None:
        return self.plots.get(name)
