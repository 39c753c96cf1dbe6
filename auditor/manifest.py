"""`manifest.json`: what a run was (config, judges, input) and what it did, as one model.

`Manifest` is written and read with the same class. On `--resume`, `resume_changes`
compares the manifest with the run about to start: a different input (by sha256), other
judges, or another prompt, rubric or model refuses the resume unless it is forced, and a
forced resume is recorded. The input's hash stays the one the run started with; each
resume records the hash it read.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from auditor import __version__
from auditor.config import AuditConfig
from auditor.llm.usage import PurposeUsage
from auditor.types import JudgeIdentity, StrictModel

# "waiting": a batch round's requests were exported; the run goes on with --batch-ingest.
Status = Literal["running", "complete", "interrupted", "budget", "failed", "waiting"]


class InputFile(StrictModel):
    path: str
    sha256: str
    lines: int | None = None


class JudgeEntry(JudgeIdentity):
    """One configured judge: its identity, and the criterion and kind its config gives it."""

    criterion: str
    kind: str | None = None  # None for a judge passed in code rather than configured

    def differences(self, now: JudgeEntry) -> list[str]:
        """One line per field that differs in `now`, e.g. "judge 'acc' prompt: a@1+x -> a@1+y"."""
        fields = {"criterion": "criterion", "kind": "kind", "model": "model"}
        fields |= {"prompt_version": "prompt", "rubric_version": "rubric"}
        return [
            f"judge '{self.judge}' {label}: {getattr(self, name)} -> {getattr(now, name)}"
            for name, label in fields.items()
            if getattr(self, name) != getattr(now, name)
        ]


class Resume(StrictModel):
    """One `--resume`: when, the input hash it read, and what it accepted with --force."""

    at: str
    input_sha256: str
    forced: bool = False
    changed: list[str] = Field(default_factory=list)


class LLMUsage(StrictModel):
    model: str
    total: PurposeUsage
    by_purpose: dict[str, PurposeUsage]


class Manifest(StrictModel):
    """Everything `manifest.json` holds."""

    auditor_version: str = __version__
    config_file: str | None = None
    config: AuditConfig = Field(default_factory=AuditConfig)
    input: InputFile
    judges: list[JudgeEntry] = Field(default_factory=list)
    resumes: list[Resume] = Field(default_factory=list)
    status: Status = "running"
    stop_reason: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    elapsed_s: float | None = None
    items_per_s: float | None = None
    counts: dict[str, Any] = Field(default_factory=dict)
    versions: dict[str, dict[str, str | None]] = Field(default_factory=dict)
    bad_lines: list[dict[str, Any]] = Field(default_factory=list)
    llm: LLMUsage | None = None
    targets: dict[str, LLMUsage] = Field(default_factory=dict)  # usage of each asked target's gateway
    cassette: str | None = None  # the cassette directory the run recorded to or replayed from

    @property
    def input_sha256(self) -> str:
        """The hash of the input as the run last read it (the latest resume's, else the first)."""
        return self.resumes[-1].input_sha256 if self.resumes else self.input.sha256


def resume_changes(before: Manifest, now: Manifest) -> list[str]:
    """What differs between a run's manifest and the run about to resume it."""
    changes = []
    if before.input_sha256 != now.input.sha256:
        changes.append(f"input {now.input.path} sha256 {before.input_sha256[:12]} -> {now.input.sha256[:12]}")
    names_before, names_now = [j.judge for j in before.judges], [j.judge for j in now.judges]
    if names_before != names_now:
        changes.append(f"judges {names_before} -> {names_now}")
    targets_before, targets_now = (
        [t.model_dump(exclude={"api_key_env"}) for t in m.config.targets] for m in (before, now)
    )
    if targets_before != targets_now:
        names = ([t["name"] for t in targets] for targets in (targets_before, targets_now))
        changes.append("targets {} -> {} (or their settings)".format(*names))
    current = {j.judge: j for j in now.judges}
    for judge in before.judges:
        if judge.judge in current:
            changes += judge.differences(current[judge.judge])
    return changes
