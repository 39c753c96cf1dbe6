"""What each system under test scored on each item: runs read back as targets.

A run without targets is one target named after the run; a record that names its
`target` belongs to that target, so one run may hold several. Each (target, item,
criterion) keeps the consensus outcome: passed or failed (None: undecided) and the
mean score (None: no score). A suite's derived item (`record.parent_id`) is kept apart,
in `Target.derived`: comparisons and acceptance criteria count the input's items, and
`auditor.suites.metrics` sets each derived item against its parent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import UserError
from auditor.rundir import RunDir, latest_per_item, read_records
from auditor.types import AuditRecord, SuiteMark


@dataclass(frozen=True)
class Outcome:
    passed: bool | None
    score: float | None


@dataclass(frozen=True)
class Derived:
    """A suite's variant of an item, as a target answered it."""

    parent_id: str
    suite: SuiteMark
    outcomes: dict[str, Outcome]  # criterion -> outcome


@dataclass
class Target:
    """One system under test: its outcomes by item and criterion, and each item's metadata."""

    name: str
    run: Path
    outcomes: dict[str, dict[str, Outcome]] = field(default_factory=dict)  # item -> criterion -> outcome
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)  # item -> metadata
    derived: dict[str, Derived] = field(default_factory=dict)  # derived item -> its parent and outcomes

    @property
    def items(self) -> set[str]:
        return set(self.outcomes)

    def criteria(self) -> list[str]:
        return list(dict.fromkeys(c for by_criterion in self.outcomes.values() for c in by_criterion))


def load_targets(run_dirs: Sequence[Path]) -> list[Target]:
    """Every target in the runs, in the order they first appear; a name used twice is an error."""
    targets: dict[str, Target] = {}
    names = _run_names(run_dirs)
    for run_dir, run_name in zip(run_dirs, names, strict=True):
        for record in latest_per_item(read_records(run_dir)):
            name = record.target or run_name
            target = targets.setdefault(name, Target(name=name, run=run_dir))
            if target.run != run_dir:
                raise UserError(f"{run_dir}: target '{name}' also appears in {target.run}; rename one run")
            _add(target, record)
    return list(targets.values())


def _run_names(run_dirs: Sequence[Path]) -> list[str]:
    """The config name of each run; the directory name when two runs share a config name."""
    if not run_dirs:
        raise UserError("no run directories given")
    configured = []
    for run_dir in run_dirs:
        if not run_dir.is_dir():
            raise UserError(f"{run_dir}: not a run directory (it does not exist)")
        configured.append(RunDir(run_dir).read_manifest().config.name)
    if len(set(configured)) == len(configured):
        return configured
    by_dir = [d.name for d in run_dirs]
    if len(set(by_dir)) == len(by_dir):
        return by_dir
    return [str(d) for d in run_dirs]


def _add(target: Target, record: AuditRecord) -> None:
    # A resumed run may have judged an item twice: the later record counts (as in
    # `rundir.latest_per_item`, here per target, since one run may hold several).
    outcomes = {c.criterion: Outcome(c.passed, c.score) for c in record.consensus}
    if record.parent_id is not None and record.suite is not None:
        target.derived[record.item_id] = Derived(record.parent_id, record.suite, outcomes)
        return
    target.outcomes[record.item_id] = outcomes
    target.metadata[record.item_id] = record.metadata


def common_items(targets: Iterable[Target]) -> tuple[list[str], dict[str, int]]:
    """The items every target has (in first-seen order), and how many of all items each lacks."""
    targets = list(targets)
    union = list(dict.fromkeys(i for t in targets for i in t.outcomes))
    shared = [i for i in union if all(i in t.outcomes for t in targets)]
    return shared, {t.name: len(union) - len(t.outcomes) for t in targets}
