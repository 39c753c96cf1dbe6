"""The scope of an audit: which data, which judges on which models, what it cost.

Versions, tokens and cost are summed from the records' provenance (what actually ran),
not copied from the config (what was meant to run); the manifest supplies the input's
path and hash, the counts of unreadable lines and the run's timings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from auditor.manifest import Manifest
from auditor.summary import JudgeStats, RunStats
from auditor.types import AuditRecord


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
        tokens=stats.tokens,
    )
