"""Fixtures for the LLM judge tests: the fake server answering with the scripted judge model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.llm import LLMSettings
from auditor.testing import FAKE_MODEL, FakeOpenAI
from tests.judges_llm.scripted_model import scripted_reply


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server whose unscripted requests get the scripted judge model."""
    with FakeOpenAI() as fake:
        fake.respond_with(scripted_reply)
        yield fake


@pytest.fixture
def settings(server: FakeOpenAI, tmp_path: Path) -> LLMSettings:
    """Settings for the fake server: no key, a private cache, logprobs on, quick retries."""
    return LLMSettings(
        model=FAKE_MODEL,
        base_url=server.base_url,
        api_key_env=None,
        cache_dir=str(tmp_path / "cache"),
        logprobs=True,
        retry_initial_wait_s=0.01,
        timeout_s=5.0,
    )
