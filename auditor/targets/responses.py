"""A responses file: answers a system under test gave elsewhere, one JSON object a line.

    {"id": "ss-001", "response": "...", "finish_reason": "stop"}

`finish_reason` is optional ("length" tags the answer as cut off). A bad line, a duplicate
id or an id the run's input does not hold is an `InputError` naming the file and line: a
run does not start on answers it cannot attribute.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import Field

from auditor.errors import InputError, UserError
from auditor.io import BadLine, read_numbered
from auditor.types import StrictModel


class ResponseLine(StrictModel):
    id: str = Field(min_length=1)
    response: str
    finish_reason: str | None = None


def read_responses(path: Path, item_ids: Iterable[str]) -> dict[str, ResponseLine]:
    """The answers by item id, checked against the ids of the run's input."""
    if path.suffix.lower() != ".jsonl":
        raise UserError(f"{path}: a responses file must be JSONL (one {{'id', 'response'}} object a line)")
    known = set(item_ids)
    answers: dict[str, ResponseLine] = {}
    first_line: dict[str, int] = {}
    for line_no, entry in read_numbered(path, ResponseLine):
        if isinstance(entry, BadLine):
            raise entry.error
        item_id = entry.id.strip()
        if item_id in first_line:
            raise InputError(
                path, line_no, "id", f"duplicate id '{item_id}' (first on line {first_line[item_id]})"
            )
        if item_id not in known:
            raise InputError(path, line_no, "id", f"unknown id '{item_id}': the run's input has no such item")
        first_line[item_id] = line_no
        answers[item_id] = entry
    return answers
