"""The retry layer against injected faults: what is retried, what stops the run, what is unscored."""

from __future__ import annotations

import asyncio
import logging
import time
from email.utils import formatdate

import pytest

from auditor.errors import UserError
from auditor.llm import EndpointError, Gateway, LLMSettings
from auditor.llm.retry import parse_retry_after
from auditor.testing import ChatRequest, FakeOpenAI, Fault
from tests.llm.llm_helpers import FAKE_KEY, KEY_ENV, Score, ask, score_json


def test_retry_after_is_read_in_seconds_milliseconds_and_http_dates() -> None:
    now = time.time()
    assert parse_retry_after({"retry-after": "1.5"}) == 1.5
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    in_two_minutes = formatdate(now + 120, usegmt=True)
    assert parse_retry_after({"retry-after": in_two_minutes}, now=now) == pytest.approx(120, abs=1)
    assert parse_retry_after({"retry-after": formatdate(now - 60, usegmt=True)}, now=now) == 0.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


@pytest.mark.parametrize(
    "fault", [Fault.rate_limited(retry_after=0.2), Fault.rate_limited(retry_after_ms=200)], ids=["s", "ms"]
)
async def test_retry_after_is_honoured(fake_openai: FakeOpenAI, settings: LLMSettings, fault: Fault) -> None:
    fake_openai.script("item-1", score_json(4))
    fake_openai.fail_next(fault)
    async with Gateway(settings) as gateway:
        started = time.perf_counter()
        result = await gateway.complete(ask("item-1"), Score)
        elapsed = time.perf_counter() - started

    assert result.parsed == Score(reasoning="fine", score=4)
    assert elapsed >= 0.2  # the backoff alone would have waited ~0.01 s
    assert gateway.usage["judge"].retries == 1


@pytest.mark.parametrize(
    "fault",
    [
        Fault.server_error(500),
        Fault.server_error(503),
        Fault.status_error(408, "request timeout"),
        Fault.drop(),
        Fault.invalid_body(),
    ],
    ids=["500", "503", "408", "dropped-connection", "invalid-json-body"],
)
async def test_transient_faults_are_retried_and_answered_once(
    fake_openai: FakeOpenAI, settings: LLMSettings, fault: Fault
) -> None:
    fake_openai.script("item-1", score_json(4))
    fake_openai.fail_next(fault)
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask("item-1"), Score)

    assert result.parsed == Score(reasoning="fine", score=4)
    assert len(fake_openai.chat_requests) == 2 and len(fake_openai.answered) == 1


async def test_a_slow_response_times_out_and_is_retried(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", score_json(4))
    fake_openai.fail_next(Fault.slow(0.6))
    async with Gateway(settings.model_copy(update={"timeout_s": 0.2})) as gateway:
        started = time.perf_counter()
        result = await gateway.complete(ask("item-1"), Score)

    assert result.parsed == Score(reasoning="fine", score=4)
    assert time.perf_counter() - started >= 0.2
    assert gateway.usage["judge"].retries == 1


async def test_under_a_20_percent_fault_rate_every_request_gets_its_own_answer_once(
    fake_openai: FakeOpenAI, settings: LLMSettings, caplog: pytest.LogCaptureFixture
) -> None:
    faults = [
        Fault.rate_limited(),
        Fault.server_error(500),
        Fault.server_error(503),
        Fault.drop(),
        Fault.invalid_body(),
    ]
    fake_openai.fault_rate(0.2, faults, seed=7)

    def echo_marker(request: ChatRequest) -> str:
        return score_json(1, reasoning=request.last_user.split()[-1].rstrip("."))

    fake_openai.respond_with(echo_marker)
    markers = [f"item-{i:03d}" for i in range(60)]
    resilient = settings.model_copy(update={"max_attempts": 12, "max_in_flight": 8})
    with caplog.at_level(logging.WARNING, logger="auditor.llm"):
        async with Gateway(resilient) as gateway:
            results = await asyncio.gather(*(gateway.complete(ask(m), Score) for m in markers))

    assert [r.parsed.reasoning if r.parsed else None for r in results] == markers
    answered = sorted(r.last_user.split()[-1].rstrip(".") for r in fake_openai.answered)
    assert answered == markers  # each request answered exactly once: no retry after a success
    assert len(fake_openai.chat_requests) > len(markers)  # faults were really injected
    assert gateway.usage["judge"].retries == len(fake_openai.chat_requests) - len(markers)
    assert "retrying" in caplog.text and FAKE_KEY not in caplog.text


async def test_a_wrong_key_stops_the_run_with_one_clear_line(settings: LLMSettings, llm_key: str) -> None:
    with FakeOpenAI(expected_key="sk-the-right-one") as server:
        gateway = Gateway(settings.model_copy(update={"base_url": server.base_url}))
        with pytest.raises(EndpointError) as info:
            await gateway.complete(ask("item-1"), Score)
        await gateway.aclose()
        requests = len(server.chat_requests)

    message = str(info.value)
    assert isinstance(info.value, UserError) and "\n" not in message
    assert message.startswith(f"401 from {server.base_url} (model 'fake-model'): Incorrect API key provided.")
    assert f"${KEY_ENV}" in message and FAKE_KEY not in message
    assert requests == 1  # not retried


async def test_an_unknown_model_stops_the_run_naming_model_and_url(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    async with Gateway(settings.model_copy(update={"model": "gpt-nope"})) as gateway:
        with pytest.raises(EndpointError, match=r"^404 from http://127\.0\.0\.1:\d+/v1 \(model 'gpt-nope'\)"):
            await gateway.complete(ask("item-1"), Score)
    assert len(fake_openai.chat_requests) == 1


async def test_out_of_quota_is_not_retried(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.fail_next(
        Fault.status_error(429, "You exceeded your current quota", code="insufficient_quota")
    )
    async with Gateway(settings) as gateway:
        with pytest.raises(EndpointError, match="out of quota: You exceeded your current quota"):
            await gateway.complete(ask("item-1"), Score)
    assert len(fake_openai.chat_requests) == 1


async def test_a_400_unscores_that_call_and_the_batch_goes_on(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-ok", score_json(5))
    fake_openai.script(
        "item-huge", Fault.status_error(400, "This model's maximum context length is 8192 tokens.")
    )
    async with Gateway(settings) as gateway:
        ok, huge = await asyncio.gather(
            gateway.complete(ask("item-ok"), Score), gateway.complete(ask("item-huge"), Score)
        )

    assert ok.parsed == Score(reasoning="fine", score=5)
    assert huge.parsed is None and huge.samples == ()
    assert huge.unscored_reason == (
        "rejected by the endpoint (400): This model's maximum context length is 8192 tokens."
    )
    assert (gateway.usage["judge"].rejected, gateway.usage["judge"].unscored) == (1, 1)
    assert len(fake_openai.chat_requests) == 2  # a 400 is not retried


async def test_every_request_refused_from_the_start_is_a_configuration_error(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.respond_with(
        lambda request: Fault.status_error(400, "response_format json_schema unsupported")
    )
    async with Gateway(settings) as gateway:
        for i in range(4):
            assert (await gateway.complete(ask(f"item-{i}"), Score)).unscored_reason
        with pytest.raises(
            EndpointError, match=r"first 5 requests .* were all refused.*llm\.structured_output"
        ):
            await gateway.complete(ask("item-5"), Score)


async def test_retries_are_bounded_by_attempts(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.fail_next(*[Fault.server_error(502)] * 5)
    async with Gateway(settings.model_copy(update={"max_attempts": 3})) as gateway:
        with pytest.raises(EndpointError, match=r"gave up after 3 attempt\(s\) .* last error: 502"):
            await gateway.complete(ask("item-1"), Score)
    assert len(fake_openai.chat_requests) == 3


async def test_a_retry_after_beyond_the_time_bound_gives_up_at_once(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.fail_next(Fault.rate_limited(retry_after=600))
    async with Gateway(settings.model_copy(update={"max_retry_wait_s": 1.0})) as gateway:
        started = time.perf_counter()
        with pytest.raises(EndpointError, match=r"Retry-After 600s"):
            await gateway.complete(ask("item-1"), Score)
    assert time.perf_counter() - started < 1.0


async def test_an_outage_prints_one_retry_warning_not_one_per_request(
    fake_openai: FakeOpenAI, settings: LLMSettings, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.respond_with(lambda request: score_json(4))
    fake_openai.fail_next(*[Fault.server_error(503)] * 20)  # the first 20 requests fail once each
    markers = [f"item-{i:02d}" for i in range(20)]
    with caplog.at_level(logging.INFO, logger="auditor.llm"):
        async with Gateway(settings.model_copy(update={"max_in_flight": 20})) as gateway:
            results = await asyncio.gather(*(gateway.complete(ask(m), Score) for m in markers))
    assert all(r.parsed is not None for r in results)
    retries = [r for r in caplog.records if "retrying in" in r.getMessage()]
    assert gateway.usage["judge"].retries == len(retries) >= 20
    assert len([r for r in retries if r.levelno == logging.WARNING]) == 1  # the rest at INFO (-v)
