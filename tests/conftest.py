"""Fixtures for every test: nothing a test does reaches the user's real cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.pii.workers import WORKERS_ENV
from auditor.userdirs import CACHE_DIR_ENV


@pytest.fixture(autouse=True)
def private_user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's user cache (the LLM response cache's default home) is a fresh temporary directory."""
    root = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv(CACHE_DIR_ENV, str(root))
    return root


@pytest.fixture(autouse=True)
def pii_in_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PII judge analyses in a thread unless a test asks for worker processes.

    Each worker process loads spaCy (seconds); tests of the workers set `workers` themselves.
    """
    monkeypatch.setenv(WORKERS_ENV, "1")
