"""Cassettes: every exchange with the endpoint written down, and runs replayed from them.

A cassette is a directory with one pretty-printed JSON file per exchange, named by the
first 16 hex digits of the request hash:

    {"format": "auditor-cassette/1", "request_hash": "...", "endpoint": "http://host/v1",
     "request": {model, messages, temperature, ...}, "response": {the response body}}

The request is the body that was sent: no key, no header. Replay answers from the files
with no network; a request that is not there is a UserError naming the nearest recorded
request and what differs. `Replayer.unplayed()` lists exchanges a test never used.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import UserError
from auditor.llm.request import Body, request_hash

FORMAT = "auditor-cassette/1"
_MISSING = object()
_MAX_DIFFS = 6


def exchange_path(directory: Path, rhash: str) -> Path:
    return directory / f"{rhash[:16]}.json"


class Recorder:
    """Writes each exchange as it happens, so an interrupted run keeps what it recorded."""

    def __init__(self, directory: Path | str, endpoint: str) -> None:
        self.directory = Path(directory)
        self._endpoint = endpoint
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(
                f"{self.directory}: cannot create the cassette directory: {exc.strerror}"
            ) from None

    def write(self, body: Body, response: dict[str, Any]) -> Path:
        rhash = request_hash(body)
        exchange = {
            "format": FORMAT,
            "request_hash": rhash,
            "endpoint": self._endpoint,
            "request": body,
            "response": response,
        }
        path = exchange_path(self.directory, rhash)
        text = json.dumps(exchange, indent=2, ensure_ascii=False) + "\n"
        # Write-then-rename: a reader (or a crash) never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        Path(tmp).replace(path)
        return path


@dataclass(frozen=True)
class _Exchange:
    path: Path
    request: Body
    response: dict[str, Any]


class Replayer:
    """Answers requests from a cassette directory."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._exchanges = _load(self.directory)
        self._played: set[str] = set()

    def __len__(self) -> int:
        return len(self._exchanges)

    def lookup(self, body: Body) -> dict[str, Any]:
        """The recorded response to `body`, or a UserError describing the nearest miss."""
        rhash = request_hash(body)
        exchange = self._exchanges.get(rhash)
        if exchange is None:
            raise UserError(self._miss_message(body, rhash))
        self._played.add(rhash)
        return exchange.response

    def unplayed(self) -> list[Path]:
        """Recorded exchanges that no request has asked for (yet)."""
        return sorted(e.path for h, e in self._exchanges.items() if h not in self._played)

    def _miss_message(self, body: Body, rhash: str) -> str:
        head = (
            f"{self.directory}: no recorded exchange for this request "
            f"(hash {rhash[:16]}, model {body.get('model')!r}); replay never calls the endpoint"
        )
        nearest = min(
            self._exchanges.values(),
            key=lambda e: (len(differences(e.request, body)), e.path.name),
        )
        diffs = differences(nearest.request, body)
        lines = [f"{head}. Nearest recorded request: {nearest.path.name}, which differs in:"]
        for where, recorded, now in diffs[:_MAX_DIFFS]:
            lines.append(f"  {where}: recorded {_show(recorded, now)}, now {_show(now, recorded)}")
        if len(diffs) > _MAX_DIFFS:
            lines.append(f"  ... and {len(diffs) - _MAX_DIFFS} more")
        return "\n".join(lines)


def _load(directory: Path) -> dict[str, _Exchange]:
    if not directory.is_dir():
        raise UserError(f"{directory}: cassette directory not found")
    exchanges = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserError(f"{path}: not a readable cassette file: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise UserError(f'{path}: not an auditor cassette (expected "format": "{FORMAT}")')
        request, response = data.get("request"), data.get("response")
        if not isinstance(request, dict) or not isinstance(response, dict):
            raise UserError(f"{path}: a cassette file needs a 'request' and a 'response' object")
        # Keyed by the hash of the request as it stands, so a hand-edited request still matches.
        exchanges[request_hash(request)] = _Exchange(path, request, response)
    if not exchanges:
        raise UserError(f"{directory}: the cassette directory holds no recorded exchanges (*.json)")
    return exchanges


def differences(recorded: Any, now: Any, where: str = "") -> list[tuple[str, Any, Any]]:
    """Every place two JSON values differ, as (path, recorded value, current value)."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        out = []
        for key in sorted(set(recorded) | set(now)):
            sub = f"{where}.{key}" if where else str(key)
            out += differences(recorded.get(key, _MISSING), now.get(key, _MISSING), sub)
        return out
    if isinstance(recorded, list) and isinstance(now, list):
        out = []
        for i in range(max(len(recorded), len(now))):
            a = recorded[i] if i < len(recorded) else _MISSING
            b = now[i] if i < len(now) else _MISSING
            out += differences(a, b, f"{where}[{i}]")
        return out
    return [] if recorded == now else [(where or "(request)", recorded, now)]


def _show(value: Any, other: Any) -> str:
    """A value short enough for one line; long strings are shown where they start to differ."""
    if value is _MISSING:
        return "(absent)"
    if isinstance(value, str) and isinstance(other, str) and len(value) > 80:
        same = next((i for i, (a, b) in enumerate(zip(value, other, strict=False)) if a != b), len(other))
        start = max(0, same - 30)
        clip = value[start : start + 80]
        return ("..." if start else "") + json.dumps(clip, ensure_ascii=False) + f" ({len(value)} chars)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:100] + f"... ({len(text)} chars)"
