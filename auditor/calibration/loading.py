"""Reading what `auditor calibrate` compares: judge verdicts and human labels.

Verdicts (`--verdicts`), JSONL, one of these per line (both kinds may be mixed):

- an `AuditRecord` as `auditor run` writes it to `RUN_DIR/records.jsonl` (a run
  directory may be given instead of the file); the record's `metadata` is the item's
  metadata used for slicing;
- a verdict from another tool: `{"item_id", "criterion", "judge", "score" or "label",
  "confidence" (optional, 0..1), "passed" (optional), "unscored_reason" (optional),
  "metadata" (optional object)}`.

A verdict with `unscored_reason` set is unscored: it is left out of every statistic and
counted in the report.

Human labels (`--human`), `HumanLabel`s as JSONL lines `{"item_id", "criterion",
"annotator", "score" or "label", "note" (optional)}` or a CSV file (`.csv`) with the
columns item_id, annotator, criterion, score, label, note (empty cells are absent).

Pairwise comparisons (`--pairwise`, or recognised on the verdicts' first line): verdicts
`{"item_id", "judge", "winner": "A"|"B"|"tie", "swapped": bool}`, where `swapped` means
the two outputs were shown in reverse order and `winner` names the output as labelled
in the data, not as shown; human labels `{"item_id", "annotator", "winner"}` (JSONL or CSV).

Any bad line stops the load with an `InputError` naming the file, the line and the field:
a calibration computed on part of a file would silently describe a different sample.
Unknown fields, a duplicate (the same item, criterion and judge or annotator twice) and a
score that is not a finite number are bad lines.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError, model_validator

from auditor.errors import InputError, UserError
from auditor.io import BadLine, jsonl_objects, validation_problem
from auditor.rundir import choose_target
from auditor.types import AuditRecord, HumanLabel, JudgeIdentity, StrictModel, Verdict

M = TypeVar("M", bound=BaseModel)
RECORDS = "records.jsonl"
Winner = Literal["A", "B", "tie"]


class ExternalVerdict(StrictModel):
    """A verdict from another tool: one line per item, criterion and judge."""

    item_id: str = Field(min_length=1)
    criterion: str = Field(min_length=1)
    judge: str = Field(min_length=1)
    score: float | None = None
    label: str | None = None
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    passed: bool | None = None
    unscored_reason: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _has_a_value(self) -> ExternalVerdict:
        if self.score is None and self.label is None and self.unscored_reason is None:
            raise ValueError("needs a 'score', a 'label' or an 'unscored_reason'")
        return self


class PairwiseVerdict(StrictModel):
    item_id: str = Field(min_length=1)
    judge: str = Field(min_length=1)
    winner: Winner
    swapped: bool


class PairwiseLabel(StrictModel):
    item_id: str = Field(min_length=1)
    annotator: str = Field(min_length=1)
    winner: Winner


@dataclass(frozen=True)
class JudgeVerdict:
    """One judge's verdict on one item and criterion, whatever file it came from."""

    item_id: str
    criterion: str
    judge: str
    score: float | None
    label: str | None
    confidence: float | None = None
    passed: bool | None = None
    unscored_reason: str | None = None
    identity: JudgeIdentity | None = None

    @classmethod
    def of(cls, item_id: str, v: Verdict | ExternalVerdict) -> JudgeVerdict:
        """From a run's verdict or another tool's: the fields the two have in common."""
        identity = (
            JudgeIdentity.of(v.judge, v.provenance)
            if isinstance(v, Verdict)
            else JudgeIdentity(judge=v.judge)
        )
        return cls(
            item_id,
            v.criterion,
            v.judge,
            v.score,
            v.label,
            v.confidence,
            v.passed,
            v.unscored_reason,
            identity,
        )


@dataclass
class VerdictSet:
    """Every verdict of a file and each item's metadata (for slicing)."""

    path: Path
    verdicts: list[JudgeVerdict] = field(default_factory=list)
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    target: str | None = None  # the system under test whose answers were judged (runs with targets)


def verdicts_path(path: Path) -> Path:
    """A run directory's records.jsonl, or the file itself."""
    target = path / RECORDS if path.is_dir() else path
    if not target.is_file():
        where = f"{path}: no {RECORDS} in this directory" if path.is_dir() else f"{path}: file not found"
        raise UserError(f"{where} (run `auditor run` first, or pass a verdicts file)")
    return target


def is_pairwise(path: Path) -> bool:
    """Do the verdicts look pairwise (`winner` and `swapped`, no criterion) on their first line?

    A first line that cannot be read says no: the regular load then names its problem.
    """
    for _, obj in jsonl_objects(verdicts_path(path)):
        return not isinstance(obj, BadLine) and {"winner", "swapped"} <= obj.keys() and "criterion" not in obj
    return False


def load_verdicts(path: Path, system: str | None = None) -> VerdictSet:
    """Read a run directory, a records.jsonl or a JSONL of external verdicts.

    A run with several targets is read for one of them, `system` (see `rundir.one_target`).
    """
    source = verdicts_path(path)
    out = VerdictSet(path=source, target=_chosen_target(source, system))
    first_line: dict[tuple[str, str, str], int] = {}
    for line_no, obj in _json_lines(source):
        if "verdicts" in obj:
            record = _validate(AuditRecord, obj, source, line_no)
            if record.target != out.target:
                continue
            item_id, metadata = record.item_id, record.metadata
            verdicts = [JudgeVerdict.of(record.item_id, v) for v in record.verdicts]
        else:
            ext = _validate(ExternalVerdict, obj, source, line_no)
            item_id, metadata = ext.item_id, ext.metadata
            verdicts = [JudgeVerdict.of(ext.item_id, ext)]
        for v in verdicts:
            _check_finite(v.score, source, line_no)
            key = (v.item_id, v.criterion, v.judge)
            if key in first_line:
                what = f"item '{v.item_id}', criterion '{v.criterion}', judge '{v.judge}'"
                raise InputError(
                    source,
                    line_no,
                    "item_id",
                    f"duplicate verdict for {what} (first on line {first_line[key]})",
                )
            first_line[key] = line_no
        out.verdicts.extend(verdicts)
        out.metadata.setdefault(item_id, {}).update(metadata)
    if not out.verdicts:
        raise UserError(f"{source}: no verdicts in this file")
    return out


def _chosen_target(source: Path, system: str | None) -> str | None:
    """The target to calibrate: `system`, the records' only target, or None (no targets)."""
    targets = [obj["target"] for _, obj in _json_lines(source) if isinstance(obj.get("target"), str)]
    return choose_target(targets, system, source)


def load_human_labels(path: Path) -> list[HumanLabel]:
    """Read human labels (JSONL or CSV); a second label by the same annotator is an error."""
    labels: list[HumanLabel] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for line_no, label in _read_models(path, HumanLabel):
        _check_finite(label.score, path, line_no)
        key = (label.item_id, label.criterion, label.annotator)
        if key in first_line:
            what = f"item '{label.item_id}', criterion '{label.criterion}', annotator '{label.annotator}'"
            raise InputError(
                path, line_no, "item_id", f"duplicate label for {what} (first on line {first_line[key]})"
            )
        first_line[key] = line_no
        labels.append(label)
    if not labels:
        raise UserError(f"{path}: no human labels in this file")
    return labels


def load_pairwise_verdicts(path: Path) -> list[PairwiseVerdict]:
    """Pairwise verdicts: each item once per presentation order and judge."""
    source = verdicts_path(path)
    return _unique(
        _read_models(source, PairwiseVerdict), source, lambda v: (v.item_id, v.judge, str(v.swapped))
    )


def load_pairwise_labels(path: Path) -> list[PairwiseLabel]:
    """Human pairwise labels: each item once per annotator."""
    return _unique(_read_models(path, PairwiseLabel), path, lambda v: (v.item_id, v.annotator))


def _unique(rows: Iterator[tuple[int, M]], path: Path, key_of: Any) -> list[M]:
    out: list[M] = []
    first_line: dict[tuple[str, ...], int] = {}
    for line_no, row in rows:
        key = key_of(row)
        if key in first_line:
            raise InputError(path, line_no, "item_id", f"duplicate of line {first_line[key]}")
        first_line[key] = line_no
        out.append(row)
    if not out:
        raise UserError(f"{path}: no rows in this file")
    return out


def _read_models(path: Path, model: type[M]) -> Iterator[tuple[int, M]]:
    if not path.is_file():
        raise UserError(f"{path}: file not found")
    lines = _csv_rows(path) if path.suffix.lower() == ".csv" else _json_lines(path)
    for line_no, obj in lines:
        yield line_no, _validate(model, obj, path, line_no)


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for line_no, obj in jsonl_objects(path):
        if isinstance(obj, BadLine):
            raise obj.error
        yield line_no, obj


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """CSV rows as objects without their empty cells; the line is where the row starts."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = [h.strip() for h in next(reader, [])]
            start = reader.line_num + 1
            for row in reader:
                if any(cell.strip() for cell in row):
                    if len(row) != len(header):
                        raise InputError(
                            path, start, None, f"has {len(row)} cells, the header has {len(header)}"
                        )
                    yield start, {k: v for k, v in zip(header, row, strict=True) if v.strip() != ""}
                start = reader.line_num + 1
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InputError(path, reader.line_num or 1, None, f"bad CSV: {exc}") from None


def _validate(model: type[M], obj: dict[str, Any], path: Path, line_no: int) -> M:
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        raise validation_problem(path, line_no, exc, model) from None


def _check_finite(score: float | None, path: Path, line_no: int) -> None:
    if score is not None and not math.isfinite(score):
        raise InputError(path, line_no, "score", f"must be a finite number, got {score}")
