"""The response cache: keyed on what changes the answer, private, never holding the key."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from auditor.llm import Gateway, LLMSettings, cache_clear, cache_stats
from auditor.llm.client import resolve_endpoint
from auditor.llm.request import build_request, cache_key, canonical_json, keyed_request, normalize_messages
from auditor.testing import FakeOpenAI
from tests.llm.llm_helpers import FAKE_KEY, Score, ask, score_json


class Grade(BaseModel):
    """Fields like Score's, but another schema (its title differs)."""

    reasoning: str
    score: int


def files_containing(directory: Path, text: str) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def run_once(settings: LLMSettings, marker: str = "item-1", **kwargs: Any) -> tuple[Any, Gateway]:
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask(marker), kwargs.pop("output_type", Score), **kwargs)
    return result, gateway


async def test_a_second_identical_run_makes_no_http_request(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", score_json(4, "cached answer"))
    first, _ = await run_once(settings, logprobs=True)
    second, gateway = await run_once(settings, logprobs=True)

    assert len(fake_openai.chat_requests) == 1
    assert second.parsed == first.parsed and second.raw == first.raw and second.logprobs == first.logprobs
    assert second.provenance.cached and not first.provenance.cached
    assert second.provenance.completion_tokens == first.provenance.completion_tokens
    assert second.provenance.cost_usd == 0.0
    usage = gateway.usage["judge"]
    assert (usage.cache_hits, usage.requests, usage.prompt_tokens) == (1, 0, 0)


def key_of(settings: LLMSettings, marker: str = "item-1", **call: Any) -> str:
    """The cache key the gateway uses for a call (the same functions, without the HTTP)."""
    output_type = call.pop("output_type", Score)
    body = build_request(settings, normalize_messages(ask(marker)), output_type, **call)
    return cache_key(resolve_endpoint(settings).base_url, settings.cache_namespace, body)


@pytest.mark.parametrize(
    ("change", "call"),
    [
        ({"temperature": 0.5}, {}),
        ({"seed": 7}, {}),
        ({"max_tokens": 100}, {}),
        ({"max_tokens_param": "max_completion_tokens"}, {}),
        ({"model": "fake-model-2"}, {}),
        ({"base_url": "http://127.0.0.1:1/v1"}, {}),
        ({"structured_output": "json_object"}, {}),
        ({"top_logprobs": 3}, {}),
        ({"cache_namespace": "router-b"}, {}),
        ({}, {"n": 2}),
        ({}, {"logprobs": False}),
        ({}, {"output_type": Grade}),
        ({}, {"marker": "item-1 again"}),
    ],
    ids=lambda value: next(iter(value), "-"),
)
def test_what_changes_the_answer_changes_the_key(
    settings: LLMSettings, change: dict[str, Any], call: dict[str, Any]
) -> None:
    changed_call = {"logprobs": True, **call}
    assert key_of(settings, logprobs=True) != key_of(settings.model_copy(update=change), **changed_call)


@pytest.mark.parametrize(
    "change",
    [
        {"timeout_s": 9.0},
        {"max_attempts": 2},
        {"max_retry_wait_s": 3.0},
        {"retry_initial_wait_s": 0.5},
        {"max_in_flight": 1},
        {"requests_per_minute": 6000.0},
        {"tokens_per_minute": 90000.0},
        {"extra_headers": {"X-Trace": "abc"}},
        {"api_key_env": "ANOTHER_KEY_VARIABLE"},
        {"prices": {"fake-model": {"input_per_mtok": 1, "output_per_mtok": 2}}},
        {"logprobs": True},  # only the default: the call below says what it wants
    ],
    ids=lambda change: next(iter(change)),
)
def test_what_does_not_change_the_answer_keeps_the_key(settings: LLMSettings, change: dict[str, Any]) -> None:
    changed = LLMSettings.model_validate({**settings.model_dump(), **change})
    assert key_of(settings, logprobs=False) == key_of(changed, logprobs=False)


async def test_a_changed_sampling_setting_asks_again(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.script("item-1", score_json(4))
    await run_once(settings)
    await run_once(settings.model_copy(update={"temperature": 0.5}))
    assert len(fake_openai.chat_requests) == 2


async def test_a_changed_transport_setting_still_hits(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.script("item-1", score_json(4))
    await run_once(settings)
    transport = {"timeout_s": 9.0, "max_attempts": 2, "extra_headers": {"X-Trace": "abc"}, "max_in_flight": 1}
    result, _ = await run_once(settings.model_copy(update=transport))
    assert len(fake_openai.chat_requests) == 1 and result.provenance.cached


async def test_another_key_value_hits_the_cache(
    fake_openai: FakeOpenAI, settings: LLMSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_openai.script("item-1", score_json(4))
    await run_once(settings)
    monkeypatch.setenv(str(settings.api_key_env), "sk-another-key")
    result, _ = await run_once(settings)
    assert result.provenance.cached


def test_the_key_does_not_depend_on_key_order() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    assert cache_key("http://a/v1", "", body) == cache_key("http://a/v1", "", dict(reversed(body.items())))


async def test_the_cache_is_private_and_never_holds_the_key_or_headers(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", score_json(4, "cached answer"))
    await run_once(settings.model_copy(update={"extra_headers": {"api-key": "hdr-SECRET-5678"}}))

    cache_dir = Path(str(settings.cache_dir))
    assert mode_of(cache_dir) == 0o700
    assert files_containing(cache_dir, '"cached answer"') != []  # the grep below can find things
    assert files_containing(cache_dir, FAKE_KEY) == []
    assert files_containing(cache_dir, "hdr-SECRET-5678") == []


async def test_stats_and_clear_for_the_cli(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.script("a", score_json(1))
    fake_openai.script("b", score_json(2))
    await run_once(settings, "a")
    await run_once(settings, "b")

    stats = cache_stats(str(settings.cache_dir))
    assert stats["exists"] and stats["entries"] == 2 and stats["size_bytes"] > 0
    assert cache_clear(str(settings.cache_dir)) == 2
    assert cache_stats(str(settings.cache_dir))["entries"] == 0
    await run_once(settings, "a")
    assert len(fake_openai.chat_requests) == 3  # cleared: asked again


def test_stats_on_a_directory_that_is_not_a_cache_changes_nothing(tmp_path: Path) -> None:
    assert cache_stats(tmp_path) == {
        "directory": str(tmp_path),
        "exists": False,
        "entries": 0,
        "size_bytes": 0,
    }
    assert cache_clear(tmp_path) == 0
    assert list(tmp_path.iterdir()) == []


async def test_without_a_cache_dir_every_call_goes_to_the_endpoint(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", score_json(4))
    uncached = settings.model_copy(update={"cache_dir": None})
    await run_once(uncached)
    await run_once(uncached)
    assert len(fake_openai.chat_requests) == 2


def test_the_batch_files_key_is_the_cache_key_of_the_same_request() -> None:
    """A batch answer is found by the key the gateway computes: one encoding, the same hash."""
    body = {"model": "m", "messages": [{"role": "user", "content": 'héllo \u2028 "q"'}], "temperature": 0.0}
    key, body_json = keyed_request("http://127.0.0.1:8000/v1", "ns", body)
    material = {"v": 1, "endpoint": "http://127.0.0.1:8000/v1", "namespace": "ns", "request": body}
    assert key == hashlib.sha256(canonical_json(material).encode()).hexdigest()
    assert body_json == canonical_json(body)
