"""`auditor` in a child process, for the tests that kill a run and resume it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def start_auditor(*args: str) -> subprocess.Popen[str]:
    """`python -m auditor.cli ARGS` from the checkout, unbuffered, its output piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "auditor.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def wait_until(ready: Callable[[], bool], proc: subprocess.Popen[str], never: str, poll_s: float) -> None:
    """Return once `ready()`; fail if the process exits first, or with `never` after 60 s."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if ready():
            return
        if proc.poll() is not None:
            pytest.fail(f"auditor exited early: {proc.communicate()}")
        time.sleep(poll_s)
    pytest.fail(never)
