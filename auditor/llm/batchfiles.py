"""Batch files: the request files a batch engine reads and the output files it writes.

Request lines are OpenAI Batch input (`{"custom_id", "method": "POST", "url":
"/v1/chat/completions", "body"}`); the `custom_id` is the request's cache key, so an
answer lands where the gateway looks for it. Files are split at the Batch API's limits
(50,000 requests, 200 MB). Output lines from the OpenAI Batch API and from `vllm
run-batch` share one shape, `{"id", "custom_id", "response": {"status_code", "body"},
"error"}`, in any order. Everything streams: one line in memory at a time, and of the
requests only their ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from auditor.errors import InputError, UserError
from auditor.llm.wire import parse_body

CHAT_URL = "/v1/chat/completions"


class RequestWriter:
    """Writes request lines to `requests-001.jsonl`, `-002`, ... under `directory`, within the limits."""

    def __init__(self, directory: Path, max_requests: int, max_bytes: int) -> None:
        self.directory = directory
        self.max_requests, self.max_bytes = max_requests, max_bytes
        self.files: list[Path] = []
        self.count = 0
        self._seen: set[str] = set()
        self._handle: IO[bytes] | None = None
        self._lines = self._bytes = 0

    def add(self, custom_id: str, body: dict[str, Any]) -> bool:
        """Write one request line; False when this id is already written (one request per answer)."""
        if custom_id in self._seen:
            return False
        self._seen.add(custom_id)
        line = json.dumps(
            {"custom_id": custom_id, "method": "POST", "url": CHAT_URL, "body": body},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        line += b"\n"
        if len(line) > self.max_bytes:
            raise UserError(
                f"one batch request is {len(line):,} bytes, above the file limit {self.max_bytes:,}"
            )
        if (
            self._handle is None
            or self._lines >= self.max_requests
            or self._bytes + len(line) > self.max_bytes
        ):
            self._next_file()
        assert self._handle is not None
        self._handle.write(line)
        self._lines += 1
        self._bytes += len(line)
        self.count += 1
        return True

    def _next_file(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"requests-{len(self.files) + 1:03d}.jsonl"
        self.files.append(path)
        self._handle = path.open("wb")
        self._lines = self._bytes = 0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def request_ids(paths: Iterable[Path]) -> set[str]:
    """The custom_ids of request files (what a round asked for)."""
    ids: set[str] = set()
    for path in paths:
        with path.open("rb") as handle:
            for line_no, raw in enumerate(handle, start=1):
                if raw.strip():
                    ids.add(_field(_json(raw, path, line_no), "custom_id", path, line_no))
    return ids


@dataclass(frozen=True)
class OutputLine:
    """One line of a batch output or error file: an answer, or why there is none."""

    custom_id: str
    response: dict[str, Any] | None  # a chat-completion body when answered
    error: str | None  # the reason when not


def read_output(path: Path) -> Iterator[OutputLine]:
    """The lines of one output or error file (OpenAI Batch API or `vllm run-batch`), streamed."""
    if not path.is_file():
        raise UserError(f"{path}: batch output file not found")
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if raw.strip():
                yield _output_line(_json(raw, path, line_no), path, line_no)


def _output_line(data: dict[str, Any], path: Path, line_no: int) -> OutputLine:
    custom_id = _field(data, "custom_id", path, line_no)
    error, response = data.get("error"), data.get("response")
    if error:
        message = error.get("message") or error.get("code") if isinstance(error, dict) else error
        return OutputLine(custom_id, None, f"batch error: {message}")
    if not isinstance(response, dict):
        raise InputError(path, line_no, "response", "expected an object with status_code and body")
    status, body = response.get("status_code"), response.get("body")
    if status != 200:
        detail = body.get("error", body) if isinstance(body, dict) else body
        message = detail.get("message") if isinstance(detail, dict) else detail
        return OutputLine(custom_id, None, f"batch error: status {status}: {message}")
    try:
        parse_body(body)
    except ValueError as exc:
        return OutputLine(custom_id, None, f"batch answer is {exc}")
    assert isinstance(body, dict)
    return OutputLine(custom_id, body, None)


def _json(raw: bytes, path: Path, line_no: int) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise InputError(path, line_no, None, f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(path, line_no, None, "expected a JSON object")
    return data


def _field(data: dict[str, Any], name: str, path: Path, line_no: int) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise InputError(path, line_no, name, "missing or not a string")
    return value


@dataclass
class IngestReport:
    """What one round's output files held, against what the round asked for."""

    answered: int = 0
    failed: int = 0
    missing: int = 0
    unknown: int = 0
    duplicates: int = 0
    unknown_examples: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set, repr=False)  # the custom_ids read so far

    def summary(self) -> str:
        parts = [f"{self.answered} answered", f"{self.failed} failed", f"{self.missing} missing"]
        if self.unknown:
            parts.append(
                f"{self.unknown} unknown custom_ids ignored (e.g. {', '.join(self.unknown_examples)})"
            )
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicate lines ignored")
        return ", ".join(parts)
