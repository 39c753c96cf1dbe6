"""The fake server's Files and Batches API: uploads, batches, and their output files.

A batch is "processed" when it is first retrieved after `delay_s`: every input line is
answered the way the fake answers `/v1/chat/completions` (scripts, then the responder),
and its output and error files are written in the OpenAI Batch shape
(`{"id", "custom_id", "response": {"status_code", "body"}, "error"}`). `BatchBehaviour`
injects what real batch engines do: failed lines, lines that never come back, output
in any order, and batches that expire before finishing.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# What answers one chat body: (status, response body), as the chat route would serve it.
ChatAnswer = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


@dataclass
class BatchBehaviour:
    """How the fake's batches go wrong, all seeded so a test is reproducible."""

    delay_s: float = 0.0  # a batch stays in_progress this long after its creation
    error_rate: float = 0.0  # share of lines answered with a 500 in the error file
    missing_rate: float = 0.0  # share of lines absent from both files
    shuffle: bool = False  # output lines in a random order
    expire: bool = False  # the batch expires: only half the lines are answered, the rest "batch_expired"
    extra_custom_ids: list[str] = field(default_factory=list)  # unknown ids added to the output
    seed: int = 0


@dataclass
class _File:
    id: str
    filename: str
    purpose: str
    data: bytes
    created_at: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.data),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
        }


@dataclass
class _Batch:
    id: str
    input_file_id: str
    endpoint: str
    completion_window: str
    created_at: float
    metadata: dict[str, str] | None
    status: str = "in_progress"
    output_file_id: str | None = None
    error_file_id: str | None = None
    total: int = 0
    completed: int = 0
    failed: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": self.endpoint,
            "errors": None,
            "input_file_id": self.input_file_id,
            "completion_window": self.completion_window,
            "status": self.status,
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "created_at": int(self.created_at),
            "request_counts": {"total": self.total, "completed": self.completed, "failed": self.failed},
            "metadata": self.metadata,
        }


class FakeBatches:
    """The files and batches one fake server holds; thread-safe (the handler is threaded)."""

    def __init__(self, answer: ChatAnswer) -> None:
        self.behaviour = BatchBehaviour()
        self.created = 0  # batches created: a resumed run must not create one twice
        self.cancelled: list[str] = []
        self._answer = answer
        self._files: dict[str, _File] = {}
        self._batches: dict[str, _Batch] = {}
        self._lock = threading.Lock()
        self._ids = 0

    def _new_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}-fake-{self._ids}"

    # ----- routes -------------------------------------------------------------------------

    def upload(self, content_type: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        """POST /v1/files (multipart: `purpose` and `file`)."""
        parts = _multipart(content_type, raw)
        if "file" not in parts or parts.get("purpose", (b"", ""))[0] != b"batch":
            return 400, _error("a file and purpose=batch are required")
        data, filename = parts["file"]
        with self._lock:
            file = _File(self._new_id("file"), filename, "batch", data, int(time.time()))
            self._files[file.id] = file
        return 200, file.as_json()

    def create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST /v1/batches."""
        with self._lock:
            file = self._files.get(str(body.get("input_file_id")))
            if file is None:
                return 404, _error(f"no file {body.get('input_file_id')}")
            batch = _Batch(
                self._new_id("batch"),
                file.id,
                str(body.get("endpoint")),
                str(body.get("completion_window")),
                time.time(),
                body.get("metadata"),
                total=file.data.count(b"\n"),
            )
            self._batches[batch.id] = batch
            self.created += 1
        return 200, batch.as_json()

    def retrieve(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        """GET /v1/batches/{id}: processes the batch once its delay has passed."""
        with self._lock:
            batch = self._batches.get(batch_id)
            if batch is None:
                return 404, _error(f"no batch {batch_id}")
            if batch.status == "in_progress" and time.time() - batch.created_at >= self.behaviour.delay_s:
                self._process(batch)
            return 200, batch.as_json()

    def cancel(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        """POST /v1/batches/{id}/cancel."""
        with self._lock:
            batch = self._batches.get(batch_id)
            if batch is None:
                return 404, _error(f"no batch {batch_id}")
            if batch.status == "in_progress":
                batch.status = "cancelled"
                self.cancelled.append(batch_id)
            return 200, batch.as_json()

    def file(self, file_id: str) -> tuple[int, dict[str, Any]]:
        """GET /v1/files/{id}."""
        with self._lock:
            file = self._files.get(file_id)
        return (200, file.as_json()) if file else (404, _error(f"no file {file_id}"))

    def content(self, file_id: str) -> bytes | None:
        """GET /v1/files/{id}/content."""
        with self._lock:
            file = self._files.get(file_id)
        return file.data if file else None

    # ----- processing ---------------------------------------------------------------------

    def _process(self, batch: _Batch) -> None:
        b = self.behaviour
        rng = random.Random(f"{b.seed}:{batch.id}")
        lines = [json.loads(line) for line in self._files[batch.input_file_id].data.splitlines() if line]
        answered: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for i, line in enumerate(lines):
            custom_id = str(line["custom_id"])
            if b.expire and i >= len(lines) // 2:
                failed.append(_line(custom_id, None, {"code": "batch_expired", "message": "batch expired"}))
                continue
            roll = rng.random()
            if roll < b.missing_rate:
                continue
            if roll < b.missing_rate + b.error_rate:
                failed.append(_line(custom_id, (500, _error("fault injected by the fake batch")), None))
                continue
            status, body = self._answer(line["body"])
            target = answered if status == 200 else failed
            target.append(_line(custom_id, (status, body), None))
        answered += [
            _line(extra, (200, answered[0]["response"]["body"]), None) for extra in b.extra_custom_ids
        ]
        if b.shuffle:
            rng.shuffle(answered)
            rng.shuffle(failed)
        batch.status = "expired" if b.expire else "completed"
        batch.completed, batch.failed = len(answered), len(failed)
        batch.output_file_id = self._store_output(answered, f"{batch.id}_output.jsonl")
        batch.error_file_id = self._store_output(failed, f"{batch.id}_errors.jsonl")

    def _store_output(self, lines: list[dict[str, Any]], name: str) -> str | None:
        if not lines:
            return None
        data = "".join(json.dumps(line) + "\n" for line in lines).encode()
        file = _File(self._new_id("file"), name, "batch_output", data, int(time.time()))
        self._files[file.id] = file
        return file.id


def _line(
    custom_id: str, response: tuple[int, dict[str, Any]] | None, error: dict[str, str] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": f"batch_req_{custom_id[:12]}", "custom_id": custom_id, "error": error}
    out["response"] = None if response is None else {"status_code": response[0], "body": response[1]}
    return out


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}


def _multipart(content_type: str, raw: bytes) -> dict[str, tuple[bytes, str]]:
    """The form fields of a multipart body: name -> (bytes, filename or "")."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    fields: dict[str, tuple[bytes, str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = (payload, part.get_filename() or "")
    return fields
