"""Reading audit inputs (JSONL, CSV) line by line, with errors that say where.

Readers are generators: memory does not grow with the input's size. A bad line does not
stop the stream; it comes out as a `BadLine` naming the file, the line and the field, and
the caller decides (skip and report, or fail fast).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from auditor.errors import InputError, UserError
from auditor.types import AuditItem

M = TypeVar("M", bound=BaseModel)

METADATA_PREFIX = "metadata."


@dataclass(frozen=True)
class BadLine:
    """An input line that could not be read; `error` says where and why."""

    error: InputError

    def as_dict(self) -> dict[str, Any]:
        e = self.error
        return {"file": str(e.path), "line": e.line, "field": e.field, "message": e.message}


class PromptItem(AuditItem):
    """An item of a run with targets: the targets answer it, so it needs no `response`."""

    response: str = ""


def read_items(path: Path, *, needs_response: bool = True) -> Iterator[AuditItem | BadLine]:
    """Stream audit items from a .jsonl or .csv file; duplicate ids are bad lines.

    `needs_response=False` (a run with targets) reads items without a `response` too.
    """
    seen: set[str] = set()
    for line_no, entry in _records(path, AuditItem if needs_response else PromptItem):
        if isinstance(entry, BadLine):
            yield entry
        elif entry.id in seen:
            yield BadLine(InputError(path, line_no, "id", f"duplicate item id '{entry.id}'"))
        else:
            seen.add(entry.id)
            yield entry


def read_models(path: Path, model: type[M]) -> Iterator[M | BadLine]:
    """Stream any strict pydantic model (e.g. `HumanLabel`) from a .jsonl or .csv file."""
    for _, entry in _records(path, model):
        yield entry


def read_numbered(path: Path, model: type[M]) -> Iterator[tuple[int, M | BadLine]]:
    """Like `read_models`, with each entry's line number (for checks that name the line)."""
    return _records(path, model)


def require_input(path: Path) -> None:
    """A `UserError` unless `path` is a file (checked before a run touches its output)."""
    if not path.is_file():
        raise UserError(f"{path}: input file not found")


def _records(path: Path, model: type[M]) -> Iterator[tuple[int, M | BadLine]]:
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise UserError(f"{path}: unsupported input format '{suffix}' (use .jsonl or .csv)")
    require_input(path)
    raw = jsonl_objects(path) if suffix == ".jsonl" else _csv_objects(path)
    for line_no, obj in raw:
        if isinstance(obj, BadLine):
            yield line_no, obj
            continue
        try:
            yield line_no, model.model_validate(obj)
        except ValidationError as exc:
            yield line_no, BadLine(validation_problem(path, line_no, exc, model))


def jsonl_objects(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadLine]]:
    """(line number, JSON object) per non-blank line; a line that is not one is a BadLine."""
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                err = InputError(path, line_no, None, f"not valid UTF-8 (byte {exc.start})")
                yield line_no, BadLine(err)
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                err = InputError(path, line_no, None, f"not valid JSON: {exc.msg} at column {exc.colno}")
                yield line_no, BadLine(err)
                continue
            if not isinstance(obj, dict):
                msg = f"expected a JSON object, got {type(obj).__name__}"
                yield line_no, BadLine(InputError(path, line_no, None, msg))
                continue
            yield line_no, obj


def _csv_objects(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadLine]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader, None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UserError(f"{path}:1: cannot read the CSV header: {exc}") from None
        if header is None:
            return
        header = [h.strip() for h in header]
        while True:
            line_no = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except (UnicodeDecodeError, csv.Error) as exc:
                yield line_no, BadLine(InputError(path, line_no, None, f"bad CSV: {exc}"))
                return  # the reader cannot resynchronise after a broken quote or encoding
            if not any(cell.strip() for cell in row):
                continue
            yield reader.line_num, _csv_row(path, reader.line_num, header, row)


def _csv_row(path: Path, line_no: int, header: list[str], row: list[str]) -> dict[str, Any] | BadLine:
    if len(row) != len(header):
        msg = f"has {len(row)} cells, the header has {len(header)}"
        return BadLine(InputError(path, line_no, None, msg))
    obj: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    for name, cell in zip(header, row, strict=True):
        if name.startswith(METADATA_PREFIX):
            metadata[name.removeprefix(METADATA_PREFIX)] = cell
        elif cell != "" or name in ("id", "response"):
            obj[name] = cell
    if metadata:
        obj["metadata"] = metadata
    return obj


def validation_problem(path: Path, line_no: int, exc: ValidationError, model: type[BaseModel]) -> InputError:
    """The most telling problem of a line: an unknown key first (it is usually a typo)."""
    field, message = _first_problem(exc, model, "on this line")
    return InputError(path, line_no, field, message)


def _first_problem(exc: ValidationError, model: type[BaseModel], where: str) -> tuple[str | None, str]:
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    err = errors[0]
    field = ".".join(str(p) for p in err["loc"]) or None
    if err["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(err["loc"][-1]), list(model.model_fields), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"unknown field{hint}"
    elif err["type"] == "missing":
        message = "required field is missing"
    else:
        message = err["msg"]
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} {where})"
    return field, message


def count_lines(path: Path) -> int:
    """Non-blank lines (JSONL) or rows (CSV, minus the header): for progress and ETA."""
    with path.open("rb") as handle:
        n = sum(1 for raw in handle if raw.strip())
    return max(n - 1, 0) if path.suffix.lower() == ".csv" else n


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_text_file(path: Path, *, what: str, missing: str) -> str:
    """The text of a file a user names (`what` it is); missing: a `UserError` saying `missing`,
    unreadable: one naming the system's reason."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: {missing}") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None


def write_json_model(path: Path, model: BaseModel) -> Path:
    """Write `model` as indented JSON to `path`, replaced whole: a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(model.model_dump_json(indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_json_model(path: Path, model: type[M], *, what: str, missing: str) -> M:
    """A JSON file auditor wrote (`what` it is), read back with the model that wrote it.

    A missing file is a `UserError` saying `missing`; a file that is not valid JSON or
    not of the model's shape is one naming the file and the field.
    """
    text = read_text_file(path, what=what, missing=missing)
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        if exc.errors()[0]["type"] == "json_invalid":
            detail = f"not valid JSON: {exc.errors()[0]['msg']}"
        else:
            field, message = _first_problem(exc, model, "in this file")
            detail = f"field '{field}': {message}" if field else message
        raise UserError(f"{path}: not a readable {what}: {detail}") from None
