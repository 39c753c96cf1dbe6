"""The scope of an audit: which data, which judges on which models, what it cost.

Versions, tokens and cost are summed from the records' provenance (what actually ran),
not copied from the config (what was meant to run); the manifest supplies the input's
path and hash, the counts of unreadable lines and the run's timings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from auditor.types import AuditRecord


@dataclass
class JudgeScope:
    name: str
    criterion: str
    backends: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    prompt_versions: set[str] = field(default_factory=set)
    rubric_versions: set[str] = field(default_factory=set)
    verdicts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cached: int = 0
    reasks: int = 0


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

    @property
    def prompt_tokens(self) -> int:
        return sum(j.prompt_tokens for j in self.judges)

    @property
    def completion_tokens(self) -> int:
        return sum(j.completion_tokens for j in self.judges)

    @property
    def cost_usd(self) -> float:
        return sum(j.cost_usd for j in self.judges)


def build_scope(run_dir: str, manifest: dict[str, Any], records: Sequence[AuditRecord]) -> Scope:
    """The scope section's facts; a missing manifest field shows as unknown, never as a guess."""
    source = manifest.get("input") or {}
    counts = manifest.get("counts") or {}
    config = manifest.get("config") or {}
    judges: dict[str, JudgeScope] = {}
    for record in records:
        for v in record.verdicts:
            js = judges.setdefault(v.judge, JudgeScope(v.judge, v.criterion))
            p = v.provenance
            js.verdicts += 1
            js.backends.add(p.backend)
            for values, value in (
                (js.models, p.model),
                (js.prompt_versions, p.prompt_version),
                (js.rubric_versions, p.rubric_version),
            ):
                if value:
                    values.add(value)
            js.prompt_tokens += p.prompt_tokens
            js.completion_tokens += p.completion_tokens
            js.cost_usd += p.cost_usd
            js.cached += int(p.cached or p.replayed)
            js.reasks += p.reasks
    auto = sum(r.route.decision == "auto_accept" for r in records)
    return Scope(
        run_name=str(config.get("name") or "audit"),
        run_dir=run_dir,
        status=str(manifest.get("status") or "unknown"),
        auditor_version=str(manifest.get("auditor_version") or "unknown"),
        config_file=manifest.get("config_file"),
        input_path=str(source.get("path") or "unknown"),
        input_sha256=str(source.get("sha256") or "unknown"),
        input_lines=source.get("lines"),
        items=len(records),
        bad_lines=int(counts.get("bad_lines") or len(manifest.get("bad_lines") or [])),
        auto_accepted=auto,
        human_review=len(records) - auto,
        started_at=manifest.get("started_at"),
        finished_at=manifest.get("finished_at"),
        elapsed_s=manifest.get("elapsed_s"),
        judges=list(judges.values()),
    )
