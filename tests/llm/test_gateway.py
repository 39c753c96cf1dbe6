"""Gateway.complete end to end: real openai client, real HTTP, the fake server's scripted replies."""

from __future__ import annotations

import math

from auditor.llm import Gateway, LLMSettings, Price
from auditor.testing import ChatRequest, FakeOpenAI, Reply
from tests.llm.llm_helpers import FAKE_KEY, Score, ask, score_json


async def test_parses_the_reply_and_reports_provenance(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", Reply(score_json(4, "matches the reference"), prompt_tokens=120))
    priced = settings.model_copy(
        update={"prices": {settings.model: Price(input_per_mtok=2.5, output_per_mtok=10)}}
    )
    async with Gateway(priced) as gateway:
        result = await gateway.complete(ask("item-1"), Score, purpose="judge:accuracy")

    assert result.parsed == Score(reasoning="matches the reference", score=4)
    assert result.scored and result.unscored_reason is None
    assert result.raw == score_json(4, "matches the reference")
    p = result.provenance
    assert (p.backend, p.model, p.cached, p.replayed, p.reasks) == ("llm", "fake-model", False, False, 0)
    assert p.prompt_tokens == 120 and p.completion_tokens > 0
    assert math.isclose(p.cost_usd, (120 * 2.5 + p.completion_tokens * 10) / 1e6)
    assert p.latency_ms > 0 and p.request_hash is not None and len(p.request_hash) == 64
    usage = gateway.usage["judge:accuracy"]
    assert (usage.calls, usage.requests, usage.unscored) == (1, 1, 0)
    assert math.isclose(usage.cost_usd, p.cost_usd)


async def test_sends_the_key_as_a_bearer_token_and_json_schema_strict(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", score_json(3))
    async with Gateway(settings.model_copy(update={"extra_headers": {"X-Team": "audit"}})) as gateway:
        await gateway.complete(ask("item-1"), Score)

    (request,) = fake_openai.chat_requests
    assert request.headers["authorization"] == f"Bearer {FAKE_KEY}"
    assert request.headers["x-team"] == "audit"
    assert request.body is not None
    fmt = request.body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["required"] == ["reasoning", "score"]
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False
    assert request.body["temperature"] == 0.0 and request.body["max_tokens"] == 800


async def test_n_samples_come_from_one_request(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.script("item-1", Reply([score_json(4), score_json(5), score_json(4)]))
    async with Gateway(settings.model_copy(update={"temperature": 0.7})) as gateway:
        result = await gateway.complete(ask("item-1"), Score, n=3)

    assert [o.score for o in result.outputs] == [4, 5, 4]
    (request,) = fake_openai.chat_requests
    assert request.body is not None and request.body["n"] == 3


async def test_samples_are_topped_up_with_distinct_seeds_when_the_endpoint_ignores_n(
    settings: LLMSettings, llm_key: str
) -> None:
    with FakeOpenAI(honour_n=False) as server:
        seeds_seen: list[int] = []

        def by_seed(request: ChatRequest) -> str:
            seed = int(request.body["seed"])
            seeds_seen.append(seed)
            return score_json(seed + 1)

        server.respond_with(by_seed)
        async with Gateway(settings.model_copy(update={"base_url": server.base_url})) as gateway:
            result = await gateway.complete(ask("item-1"), Score, n=3)

    assert [o.score for o in result.outputs] == [1, 2, 3]
    assert seeds_seen == [0, 1, 2]


async def test_logprobs_expose_the_top_alternatives_of_each_token(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", Reply(score_json(4), alternatives={"4": {"4": -0.3, "5": -1.4, "3": -2.5}}))
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask("item-1"), Score, logprobs=True)

    assert result.logprobs is not None
    (score_token,) = [t for t in result.logprobs if t.token == "4"]
    assert score_token.logprob == -0.3
    assert [(a.token, a.logprob) for a in score_token.top_logprobs] == [("4", -0.3), ("5", -1.4), ("3", -2.5)]
    body = fake_openai.chat_requests[0].body
    assert body is not None and body["logprobs"] is True and body["top_logprobs"] == 5


async def test_logprobs_are_not_requested_unless_asked(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", score_json(4))
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask("item-1"), Score)

    assert result.logprobs is None
    body = fake_openai.chat_requests[0].body
    assert body is not None and "logprobs" not in body and "top_logprobs" not in body


async def test_one_client_serves_the_whole_run_over_reused_connections(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.respond_with(lambda request: score_json(len(request.last_user) % 5 + 1))
    async with Gateway(settings.model_copy(update={"max_in_flight": 2, "cache_dir": None})) as gateway:
        for i in range(12):
            await gateway.complete(ask(f"item-{i}"), Score)

    ports = {r.client_port for r in fake_openai.chat_requests}
    assert len(fake_openai.chat_requests) == 12
    assert len(ports) <= 2  # a new client per call would open a new connection each time


async def test_usage_is_kept_per_purpose(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.script("a", score_json(4))
    fake_openai.script("b", score_json(2))
    async with Gateway(settings) as gateway:
        await gateway.complete(ask("a"), Score, purpose="judge:accuracy")
        await gateway.complete(ask("b"), Score, purpose="judge:relevance")
        await gateway.complete(ask("b"), Score, purpose="judge:relevance")

    assert gateway.usage["judge:accuracy"].calls == 1
    relevance = gateway.usage["judge:relevance"]
    assert (relevance.calls, relevance.requests, relevance.cache_hits) == (2, 1, 1)
    total = gateway.total_usage()
    assert (total.calls, total.requests) == (3, 2)
