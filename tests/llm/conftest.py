"""Fixtures for the gateway tests: a fake OpenAI-compatible server and settings pointing at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from auditor.llm import Gateway, LLMSettings
from auditor.testing import FAKE_MODEL, FakeOpenAI, assert_cassette_fully_played
from tests.llm.llm_helpers import FAKE_KEY, KEY_ENV


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A running fake server on 127.0.0.1 (ephemeral port), stopped after the test."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def llm_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A distinctive fake key in the environment, so a grep can prove it is stored nowhere."""
    monkeypatch.setenv(KEY_ENV, FAKE_KEY)
    return FAKE_KEY


@pytest.fixture
def settings(fake_openai: FakeOpenAI, llm_key: str, tmp_path: Path) -> LLMSettings:
    """Settings for the fake server: a private cache under tmp_path, retries that wait milliseconds."""
    return LLMSettings(
        model=FAKE_MODEL,
        base_url=fake_openai.base_url,
        api_key_env=KEY_ENV,
        cache_dir=str(tmp_path / "cache"),
        retry_initial_wait_s=0.01,
        max_retry_wait_s=10.0,
        timeout_s=5.0,
    )


@pytest.fixture
def replay_gateway() -> Iterator[Callable[[Path, LLMSettings], Gateway]]:
    """Make replaying gateways; the test fails if any left part of its cassette unplayed."""
    made: list[Gateway] = []

    def make(directory: Path, settings: LLMSettings) -> Gateway:
        gateway = Gateway(settings, replay_dir=directory)
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        assert_cassette_fully_played(gateway)
