"""`auditor export`: a run's review queue as Label Studio tasks, CSV or JSONL.

The run's records are joined with the input its manifest names (records stay lean) and
ordered as the review queue (`auditor.labelstudio.queue`). By default only the items
routed to human review are written; `include_all` writes every item.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from auditor.errors import UserError
from auditor.labelstudio.config_xml import entity_types, labeling_config
from auditor.labelstudio.queue import QueueEntry, review_queue
from auditor.labelstudio.sheet import to_csv, to_jsonl
from auditor.labelstudio.tasks import build_task, check_spans
from auditor.pii.redact import Redactor
from auditor.rundir import one_target, read_records, read_run_items
from auditor.types import AuditRecord

ExportFormat = Literal["labelstudio", "csv", "jsonl"]
TASKS_FILE = "tasks.json"
CONFIG_FILE = "labeling_config.xml"
CSV_FILE = "review.csv"
JSONL_FILE = "review.jsonl"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote, for the CLI to print."""

    format: ExportFormat
    files: list[Path]
    exported: int  # items written
    total: int  # items in the run
    review: int  # items the run routed to human review
    include_all: bool
    redacted: bool
    target: str | None = None  # the system under test whose answers were exported

    def describe(self) -> str:
        """A short summary: how many items went where."""
        scope = "every item" if self.include_all else "the items routed to review"
        answers = f" of target '{self.target}'" if self.target is not None else ""
        lines = [f"exported {self.exported} of {self.total} items{answers} ({scope}) as {self.format}:"]
        lines += [f"  {path}" for path in self.files]
        if self.redacted:
            lines.append("  personal data is masked (what the judges found, and what the detector finds)")
        return "\n".join(lines)


def export_run(
    run_dir: Path,
    out_dir: Path,
    fmt: ExportFormat,
    include_all: bool = False,
    redact: bool = False,
    system: str | None = None,
) -> ExportResult:
    """Write a run's review queue to `out_dir` as `fmt`; returns the files written.

    labelstudio: `tasks.json` (the judges' verdicts as predictions) and
    `labeling_config.xml`; csv: `review.csv`; jsonl: `review.jsonl`. Existing files of
    the same name are replaced. `redact` masks personal data as the report does (the
    spans the judges recorded anywhere in the run, and the detector's), in the
    length-keeping block style so that offsets into the response stay valid. A run with
    targets exports one target's answers (`system`, needed when it has several): labels
    come back keyed by item id.
    """
    if fmt not in get_args(ExportFormat):
        raise UserError(f"unknown export format '{fmt}' (use one of: {', '.join(get_args(ExportFormat))})")
    # A suite's derived items (docs/robustness.md) are not in the input: the queue holds the input's.
    input_records = [r for r in read_records(run_dir) if r.parent_id is None]
    records, target = one_target(input_records, system, run_dir)
    items = read_run_items(run_dir)
    queue = review_queue(records, items, include_all=include_all)
    for entry in queue:
        check_spans(entry.item, entry.record)
    out_dir.mkdir(parents=True, exist_ok=True)
    redactor = export_redactor(records, redact)
    if fmt == "labelstudio":
        files = _write_labelstudio(queue, out_dir, redactor)
    elif fmt == "csv":
        # A byte-order mark, so spreadsheet programs read the file as UTF-8.
        files = [_write(out_dir / CSV_FILE, to_csv(queue, redactor), encoding="utf-8-sig")]
    else:
        files = [_write(out_dir / JSONL_FILE, to_jsonl(queue, redactor))]
    review = sum(r.route.decision == "human_review" for r in records)
    return ExportResult(fmt, files, len(queue), len(records), review, include_all, redact, target)


def export_redactor(records: list[AuditRecord], redact: bool) -> Redactor:
    """The report's two nets over the whole run, in the offset-keeping block style."""
    spans = [s for r in records for s in r.pii_spans]
    return Redactor(spans, style="block", enabled=redact)


def _write_labelstudio(queue: list[QueueEntry], out_dir: Path, redactor: Redactor) -> list[Path]:
    tasks = [build_task(e, redactor) for e in queue]
    seen = (s.entity_type for e in queue for v in e.record.verdicts for s in v.pii_spans)
    config = labeling_config(entity_types(seen))
    return [
        _write(out_dir / TASKS_FILE, json.dumps(tasks, indent=2, ensure_ascii=False) + "\n"),
        _write(out_dir / CONFIG_FILE, config),
    ]


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write through a temporary file, so a failed export never leaves half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding=encoding)
    tmp.replace(path)
    return path
