"""Reading the export's CSV back once annotators have filled in the human columns.

Only `item_id`, `annotator` and the `human.*` columns are read; the judges' columns and
the item's text are there for the annotator and are ignored. A row whose human columns
are all empty is not annotated yet and is counted, not an error.
"""

from __future__ import annotations

import csv
from pathlib import Path

from auditor.errors import InputError, UserError
from auditor.labelstudio.config_xml import MAX_RATING, RATING_CONTROLS
from auditor.labelstudio.labels import LabelBatch
from auditor.labelstudio.sheet import ANNOTATOR, HUMAN_CRITERIA, HUMAN_NOTE, HUMAN_PREFIX, ITEM_ID
from auditor.types import LEAK, NO_LEAK, HumanLabel


def read_sheet(path: Path) -> LabelBatch:
    """Every filled-in row of the export's CSV as `HumanLabel`s (one per criterion scored)."""
    batch = LabelBatch()
    # utf-8-sig: the export writes a byte-order mark and spreadsheet programs keep it.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = [h.strip() for h in next(reader, [])]
            _check_header(path, header)
            for row in reader:
                line = reader.line_num
                if any(cell.strip() for cell in row):
                    labels = _row_labels(path, line, header, row)
                    if labels is None:
                        batch.unannotated += 1
                    else:
                        batch.add(labels, f"{path}:{line}")
        except csv.Error as exc:
            raise UserError(f"{path}:{reader.line_num}: bad CSV: {exc}") from None
        except UnicodeDecodeError as exc:
            raise UserError(
                f"{path}: not UTF-8 text (byte {exc.start}); save the sheet as UTF-8 CSV"
            ) from None
    return batch


def _check_header(path: Path, header: list[str]) -> None:
    needed = [ITEM_ID, ANNOTATOR]
    if missing := [c for c in needed if c not in header]:
        raise UserError(f"{path}:1: missing column(s) {', '.join(missing)}; is this auditor's CSV export?")
    if not any(h.startswith(HUMAN_PREFIX) for h in header):
        columns = ", ".join(HUMAN_PREFIX + c for c in HUMAN_CRITERIA)
        raise UserError(f"{path}:1: no human columns ({columns})")


def _row_labels(path: Path, line: int, header: list[str], row: list[str]) -> list[HumanLabel] | None:
    """The row's labels; None when no human column is filled in."""
    if len(row) != len(header):
        raise InputError(path, line, None, f"has {len(row)} cells, the header has {len(header)}")
    cells = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
    values = {c: cells[HUMAN_PREFIX + c] for c in HUMAN_CRITERIA if cells.get(HUMAN_PREFIX + c)}
    if not values:
        return None if not cells.get(HUMAN_NOTE) else []
    item_id, annotator = cells[ITEM_ID], cells[ANNOTATOR]
    if not item_id:
        raise InputError(path, line, ITEM_ID, "required field is missing")
    if not annotator:
        raise InputError(path, line, ANNOTATOR, "who labelled this row? the column is empty")
    note = cells.get(HUMAN_NOTE) or None
    out = []
    for criterion, cell in values.items():
        field = HUMAN_PREFIX + criterion
        if criterion in RATING_CONTROLS:
            score = _score(path, line, field, cell)
            out.append(
                HumanLabel(item_id=item_id, annotator=annotator, criterion=criterion, score=score, note=note)
            )
        else:
            label = cell.lower()
            if label not in (LEAK, NO_LEAK):
                raise InputError(path, line, field, f"expected '{LEAK}' or '{NO_LEAK}', got {cell!r}")
            out.append(
                HumanLabel(item_id=item_id, annotator=annotator, criterion=criterion, label=label, note=note)
            )
    return out


def _score(path: Path, line: int, field: str, cell: str) -> float:
    try:
        score = float(cell)
    except ValueError:
        score = float("nan")
    if not (score.is_integer() and 1 <= score <= MAX_RATING):
        raise InputError(path, line, field, f"expected a whole number from 1 to {MAX_RATING}, got {cell!r}")
    return score
