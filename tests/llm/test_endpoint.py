"""Endpoint settings: base URL and key resolution, keyless local servers, keys kept out of messages."""

from __future__ import annotations

import pytest

from auditor.errors import UserError
from auditor.llm import EndpointError, Gateway, LLMSettings
from auditor.llm.client import NO_KEY_PLACEHOLDER, display_url, resolve_endpoint
from auditor.testing import FakeOpenAI, Fault
from tests.llm.llm_helpers import FAKE_KEY, KEY_ENV, Score, ask, score_json


def test_a_remote_endpoint_without_its_key_is_a_user_error_naming_the_variable() -> None:
    settings = LLMSettings(
        model="gpt-4o-mini", base_url="https://api.openai.com/v1", api_key_env="MY_OPENAI_KEY"
    )
    with pytest.raises(UserError, match=r"^no API key for https://api\.openai\.com/v1: set .*MY_OPENAI_KEY"):
        resolve_endpoint(settings, environ={})


def test_base_url_comes_from_settings_then_the_environment_then_openai() -> None:
    settings = LLMSettings(model="m")
    env = {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://vllm.internal:8000/v1/"}
    assert resolve_endpoint(settings, env).base_url == "http://vllm.internal:8000/v1"
    assert resolve_endpoint(settings, {"OPENAI_API_KEY": "k"}).base_url == "https://api.openai.com/v1"
    explicit = settings.model_copy(update={"base_url": "http://localhost:11434/v1"})
    assert resolve_endpoint(explicit, env).base_url == "http://localhost:11434/v1"


def test_a_base_url_that_is_not_http_is_a_user_error() -> None:
    with pytest.raises(UserError, match=r"llm\.base_url: expected an http"):
        resolve_endpoint(LLMSettings(model="m", base_url="localhost:8000/v1"), {"OPENAI_API_KEY": "k"})


def test_the_key_never_shows_in_a_repr_or_a_display_url() -> None:
    endpoint = resolve_endpoint(
        LLMSettings(model="m", base_url="https://x.example/v1"), {"OPENAI_API_KEY": FAKE_KEY}
    )
    assert FAKE_KEY not in repr(endpoint)
    assert display_url("https://user:pw@proxy.example:8443/v1?token=abc") == "https://proxy.example:8443/v1"


@pytest.mark.parametrize("key_env", ["UNSET_VARIABLE_FOR_TEST", None])
async def test_a_local_server_without_a_key_gets_a_placeholder(
    fake_openai: FakeOpenAI, key_env: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UNSET_VARIABLE_FOR_TEST", raising=False)
    fake_openai.script("item-1", score_json(4))
    settings = LLMSettings(
        model="fake-model", base_url=fake_openai.base_url, api_key_env=key_env, cache_dir=None
    )
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask("item-1"), Score)
    assert result.parsed is not None
    assert fake_openai.chat_requests[0].headers["authorization"] == f"Bearer {NO_KEY_PLACEHOLDER}"


async def test_a_server_echoing_the_key_has_it_masked(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.fail_next(Fault.status_error(401, f"Incorrect API key provided: {FAKE_KEY}."))
    async with Gateway(settings) as gateway:
        with pytest.raises(EndpointError) as info:
            await gateway.complete(ask("item-1"), Score)
    assert FAKE_KEY not in str(info.value)
    assert "Incorrect API key provided: ***." in str(info.value) and f"${KEY_ENV}" in str(info.value)


async def test_the_openai_clients_own_retries_are_off(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.fail_next(Fault.server_error(500))
    async with Gateway(settings.model_copy(update={"max_attempts": 1})) as gateway:
        with pytest.raises(EndpointError, match=r"gave up after 1 attempt\(s\)"):
            await gateway.complete(ask("item-1"), Score)
    assert len(fake_openai.chat_requests) == 1
