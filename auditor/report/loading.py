"""Reading what a report is made of: the run's manifest, its records and the judged items."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.errors import UserError
from auditor.manifest import Manifest
from auditor.rundir import RunDir, latest_per_item, read_records, read_run_items
from auditor.types import AuditItem, AuditRecord


@dataclass(frozen=True)
class RunData:
    """One run directory, joined with its input: records are lean, responses live in the input."""

    path: Path
    manifest: Manifest
    records: list[AuditRecord]
    items: dict[str, AuditItem]

    def response(self, item_id: str) -> str | None:
        item = self.items.get(item_id)
        return item.response if item is not None else None

    @property
    def pass_score(self) -> float:
        return self.manifest.config.routing.pass_score


def load_run(run_dir: Path) -> RunData:
    """The run in `run_dir`; a missing manifest, records or input is a `UserError`."""
    if not run_dir.is_dir():
        raise UserError(f"{run_dir}: not a run directory (it does not exist)")
    manifest = RunDir(run_dir).read_manifest()
    records = latest_per_item(read_records(run_dir))
    if not records:
        raise UserError(f"{run_dir}: the run has no records yet; nothing to report")
    return RunData(path=run_dir, manifest=manifest, records=records, items=read_run_items(run_dir))
