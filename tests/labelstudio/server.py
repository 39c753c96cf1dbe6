"""A real Label Studio server for a test: started from `.venv-labelstudio`, stopped after.

Label Studio lives in its own venv (`make` builds it from constraints-labelstudio.txt)
because its pins conflict with ours. The server gets a fresh data directory (its default
SQLite), a free port on 127.0.0.1 and a generated user and API token; it reaches no
network (the version check is off). Missing venv: the test is skipped, or fails under CI.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.needs import missing

LABEL_STUDIO = Path(__file__).resolve().parents[2] / ".venv-labelstudio" / "bin" / "label-studio"
STARTUP_SECONDS = 300  # migrations on a fresh SQLite take 1-2 minutes on a busy 2-core machine
USER = "annotator@audit.example"


@dataclass(frozen=True)
class LabelStudio:
    """A running server and the token of its one user; `call` speaks its REST API."""

    url: str
    token: str

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{method} {path}: HTTP {exc.code}: {exc.read()[:2000]!r}") from None
        return json.loads(raw) if raw else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def label_studio(data_dir: Path) -> Iterator[LabelStudio]:
    """Start Label Studio on a free port, wait until it answers, always stop it."""
    if not LABEL_STUDIO.exists():
        missing(f"Label Studio at {LABEL_STUDIO}", "make .venv-labelstudio/.installed")
    port, token = free_port(), secrets.token_hex(20)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LATEST_VERSION_CHECK": "false",
    }
    command = [str(LABEL_STUDIO), "start", "--no-browser", "--internal-host", "127.0.0.1",
               "--port", str(port), "--username", USER, "--password", "pw" + secrets.token_urlsafe(16),
               "--user-token", token]  # fmt: skip
    log_path = data_dir / "label-studio.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=data_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            server = LabelStudio(f"http://127.0.0.1:{port}", token)
            _wait_until_up(server, process, log_path)
            yield server
        finally:
            _stop(process)


def _wait_until_up(server: LabelStudio, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"label-studio exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"label-studio did not answer within {STARTUP_SECONDS} s:\n{_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever of it is left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break  # the whole group is gone
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            continue


def _tail(log: Path) -> str:
    return "\n".join(log.read_text("utf-8", errors="replace").splitlines()[-30:])
