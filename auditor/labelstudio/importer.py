"""`auditor import-labels`: annotations back as `HumanLabel` lines for `auditor calibrate`.

Reads a Label Studio "JSON" export (`.json`) or the export's CSV filled in (`.csv`) and
writes one `HumanLabel` per line (JSONL): item_id, annotator, criterion, score or label,
spans, note.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import UserError
from auditor.labelstudio.import_ls import read_labelstudio
from auditor.labelstudio.import_sheet import read_sheet
from auditor.labelstudio.labels import LabelBatch

DEFAULT_ANNOTATOR_FIELD = "email"


@dataclass(frozen=True)
class ImportResult:
    """What an import read and wrote, for the CLI to print."""

    out: Path
    labels: int  # HumanLabel lines written
    annotations: int  # annotations (or CSV rows) that gave labels
    cancelled: int  # skipped: cancelled in Label Studio
    empty: int  # skipped: submitted with no score and no choice
    unannotated: int  # tasks (or rows) nobody has labelled yet
    annotators: list[str]
    per_criterion: dict[str, int]
    ignored_controls: dict[str, int]  # results of controls auditor does not read

    def describe(self) -> str:
        """A short summary of what was read and skipped."""
        per = ", ".join(f"{c} {n}" for c, n in self.per_criterion.items()) or "none"
        lines = [
            f"wrote {self.labels} labels ({per}) from {self.annotations} annotations "
            f"by {len(self.annotators)} annotators to {self.out}"
        ]
        skipped = [
            (self.cancelled, "cancelled"),
            (self.empty, "empty"),
            (self.unannotated, "not annotated yet"),
        ]
        if any(n for n, _ in skipped):
            lines.append("  skipped: " + ", ".join(f"{n} {why}" for n, why in skipped if n))
        if self.ignored_controls:
            names = ", ".join(f"{name} ({n})" for name, n in self.ignored_controls.items())
            lines.append(f"  ignored results of controls auditor does not read: {names}")
        return "\n".join(lines)


def import_labels(path: Path, out: Path, annotator_field: str = DEFAULT_ANNOTATOR_FIELD) -> ImportResult:
    """Read annotations from `path` (.json: Label Studio export, .csv: filled-in export) into `out`.

    `annotator_field` is the key of Label Studio's `completed_by` object that names the
    annotator (email by default; a bare user id becomes `ls-user-<id>`). CSV rows name
    their annotator in the `annotator` column.
    """
    if not path.is_file():
        raise UserError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix == ".json":
        batch = read_labelstudio(path, annotator_field)
    elif suffix == ".csv":
        batch = read_sheet(path)
    else:
        raise UserError(
            f"{path}: unsupported format '{suffix}' (a Label Studio .json export or the .csv export)"
        )
    _write(out, batch)
    return ImportResult(
        out=out,
        labels=len(batch.labels),
        annotations=batch.annotations,
        cancelled=batch.cancelled,
        empty=batch.empty,
        unannotated=batch.unannotated,
        annotators=sorted({label.annotator for label in batch.labels}),
        per_criterion=dict(Counter(label.criterion for label in batch.labels)),
        ignored_controls=dict(batch.ignored_controls),
    )


def _write(out: Path, batch: LabelBatch) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for label in batch.labels:
            handle.write(label.model_dump_json(exclude_none=True) + "\n")
    tmp.replace(out)
