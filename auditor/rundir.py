"""The run directory: what a run leaves behind, written so that nothing finished is lost.

- `records.jsonl`: one `AuditRecord` per line, appended and flushed as each item finishes,
  so a killed run keeps every finished record. On resume a torn last line is cut off
  and that item is judged again.
- `errors.jsonl`: the input lines that could not be read (file, line, field, message),
  each once: a resumed run that reads a bad line again does not append it again.
- `manifest.json`: a `Manifest` (settings, judges, input hash, counts, timings, tokens
  and cost); replaced atomically (write to a temporary file, then rename).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from auditor.errors import UserError
from auditor.io import BadLine, file_sha256, read_items, read_json_model, write_json_model
from auditor.manifest import Manifest
from auditor.types import AuditItem, AuditRecord

RECORDS = "records.jsonl"
ERRORS = "errors.jsonl"
MANIFEST = "manifest.json"
BUNDLED_INPUT = "input"  # where an evidence bundle (auditor.bundle) keeps the run's input


# Characters that str.splitlines() (and some JSONL tools) take for a line end. Inside JSON they
# can only stand in strings, where the \u escape means the same text.
_LINE_BREAKING = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"})


def jsonl_safe(line: str) -> str:
    """One JSON document that stays one line for every reader that splits lines."""
    return line.translate(_LINE_BREAKING)


class RunDir:
    """Appends records and errors to one run directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._records: IO[str] | None = None
        self._errors: IO[str] | None = None
        self._errors_written: set[str] = set()

    @property
    def records_path(self) -> Path:
        return self.path / RECORDS

    def open(self, *, append: bool) -> None:
        mode = "a" if append else "w"
        errors = self.path / ERRORS
        if append and errors.exists():
            self._errors_written = set(errors.read_text(encoding="utf-8").splitlines())
        self._records = (self.path / RECORDS).open(mode, encoding="utf-8")
        self._errors = errors.open(mode, encoding="utf-8")

    def write_record(self, record: AuditRecord) -> None:
        assert self._records is not None, "RunDir.open() first"
        # One write call per line, flushed at once: a kill leaves at most one torn line.
        self._records.write(jsonl_safe(record.model_dump_json(exclude_none=True)) + "\n")
        self._records.flush()

    def write_error(self, bad: BadLine) -> None:
        assert self._errors is not None, "RunDir.open() first"
        line = jsonl_safe(json.dumps(bad.as_dict(), ensure_ascii=False))
        if line in self._errors_written:  # a resume reads the same bad lines again
            return
        self._errors_written.add(line)
        self._errors.write(line + "\n")
        self._errors.flush()

    def close(self) -> None:
        for handle in (self._records, self._errors):
            if handle is not None:
                handle.flush()
                os.fsync(handle.fileno())
                handle.close()
        self._records = self._errors = None

    @property
    def has_manifest(self) -> bool:
        return (self.path / MANIFEST).is_file()

    def write_manifest(self, manifest: Manifest) -> None:
        write_json_model(self.path / MANIFEST, manifest)

    def read_manifest(self) -> Manifest:
        """The run's `Manifest`; no manifest or one of another shape: `UserError`."""
        missing = f"not found ({self.path} is not a run directory)"
        return read_json_model(self.path / MANIFEST, Manifest, what="run manifest", missing=missing)


def trim_to_whole_records(records_path: Path) -> set[tuple[str, str | None]]:
    """Cut a torn last line off `records.jsonl` (the file is changed) and return what it keeps:
    (item id, target) per record, the target None in a run without targets.

    A run killed mid-write can leave a partial last line. It is removed here so that
    item is judged again and the file stays valid JSONL.
    """
    if not records_path.exists():
        return set()
    ids: set[tuple[str, str | None]] = set()
    good_bytes = 0
    with records_path.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                break
            try:
                record = json.loads(raw)
                ids.add((record["item_id"], record.get("target")))
            except (ValueError, KeyError, TypeError):
                break
            good_bytes += len(raw)
    if good_bytes < records_path.stat().st_size:
        with records_path.open("r+b") as handle:
            handle.truncate(good_bytes)
    return ids


def read_records(path: Path) -> list[AuditRecord]:
    """All records of a run directory (or a records.jsonl file)."""
    records_path = path / RECORDS if path.is_dir() else path
    if not records_path.exists():
        raise UserError(f"{records_path}: no records found (run `auditor run` first)")
    out = []
    with records_path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    out.append(AuditRecord.model_validate_json(line))
                except ValueError as exc:
                    raise UserError(f"{records_path}:{line_no}: not a valid record: {exc}") from None
    return out


def latest_per_item(records: list[AuditRecord]) -> list[AuditRecord]:
    """One record per item and target: the later one where it was judged twice, kept at its
    first position.

    A healthy run writes each (item, target) once; this is the one policy for reading a run that did not.
    """
    latest: dict[tuple[str, str | None], AuditRecord] = {}
    for record in records:
        latest[record.key] = record
    return list(latest.values())


def one_target(
    records: list[AuditRecord], system: str | None, where: Path
) -> tuple[list[AuditRecord], str | None]:
    """The records of one system under test: `system`, or the run's only target (None: a run
    without targets). Human labels name an item, not a target, so whatever pairs records with
    labels (export, calibrate) works on one target's answers at a time."""
    chosen = choose_target([r.target for r in records if r.target is not None], system, where)
    return [r for r in records if r.target == chosen], chosen


def choose_target(targets: Iterable[str], system: str | None, where: Path) -> str | None:
    """`system` if the run has it, else the run's only target; several and no choice: UserError."""
    names = list(dict.fromkeys(targets))
    if system is None and len(names) > 1:
        raise UserError(
            f"{where}: the run holds the answers of {len(names)} targets ({', '.join(names)}); "
            "choose one with --system NAME"
        )
    if system is not None and system not in names:
        raise UserError(
            f"{where}: no target '{system}' in the run (its targets: {', '.join(names) or 'none'})"
        )
    return system if system is not None else (names[0] if names else None)


def judged_item(item: AuditItem, record: AuditRecord) -> AuditItem:
    """The item as its record judged it: a target's answer in place of the input's response."""
    return item if record.answer is None else item.model_copy(update={"response": record.answer.text})


def read_run_items(run_dir: Path, input_path: Path | None = None) -> dict[str, AuditItem]:
    """The items a run judged, by id, read back from the input its manifest names.

    Records stay lean (no copy of each prompt and response); exports and reports join
    them with the input. A changed input file is an error: its hash no longer matches.
    """
    path = input_path
    expected: str | None = None
    has_manifest = (run_dir / MANIFEST).is_file()
    manifest = RunDir(run_dir).read_manifest() if path is None or has_manifest else None
    if path is None:
        assert manifest is not None
        path, expected = Path(manifest.input.path), manifest.input_sha256
        bundled = run_dir / BUNDLED_INPUT / path.name
        if not path.is_file() and bundled.is_file():  # a run extracted from a bundle elsewhere
            path = bundled
    if not path.is_file():
        raise UserError(f"{run_dir}: the run's input {path} is gone (pass the items file explicitly)")
    if expected is not None and file_sha256(path) != expected:
        raise UserError(f"{path}: changed since the run in {run_dir} (its hash differs from the manifest's)")
    needs_response = manifest is None or not manifest.config.targets  # targets answer prompt-only items
    entries = read_items(path, needs_response=needs_response)
    return {item.id: item for item in entries if isinstance(item, AuditItem)}
