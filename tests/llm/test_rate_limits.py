"""Concurrency and rate limits: requests in flight, per-minute buckets, AIMD after 429s."""

from __future__ import annotations

import asyncio
import time

from auditor.llm import Gateway, LLMSettings
from auditor.llm.limits import AdaptiveLimiter, TokenBucket
from auditor.testing import FakeOpenAI, Fault, Reply
from tests.llm.llm_helpers import Score, ask, score_json


class FakeTime:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_requests_in_flight_never_exceed_the_limit(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.respond_with(lambda request: Reply(score_json(3), delay_s=0.05))
    async with Gateway(settings.model_copy(update={"max_in_flight": 3})) as gateway:
        await asyncio.gather(*(gateway.complete(ask(f"item-{i}"), Score) for i in range(9)))
    assert fake_openai.max_concurrency == 3


async def test_a_429_halves_the_window_in_the_gateway(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.script("item-1", score_json(3))
    fake_openai.fail_next(Fault.rate_limited())
    async with Gateway(settings.model_copy(update={"max_in_flight": 8})) as gateway:
        assert gateway.allowed_in_flight == 8
        await gateway.complete(ask("item-1"), Score)
        assert gateway.allowed_in_flight == 4


async def test_aimd_cuts_once_per_round_and_recovers_slowly() -> None:
    t = FakeTime()
    limiter = AdaptiveLimiter(8, clock=t.clock, sleep=t.sleep)
    admitted_before_cut = t.now
    t.now += 1
    limiter.on_rate_limited(admitted_before_cut, None)
    assert limiter.allowed_in_flight == 4
    limiter.on_rate_limited(admitted_before_cut, None)  # same burst: already paid for
    assert limiter.allowed_in_flight == 4
    t.now += 1
    limiter.on_rate_limited(t.now, None)  # admitted after the cut: cut again
    assert limiter.allowed_in_flight == 2
    for _ in range(2):
        limiter.on_success()
    assert limiter.allowed_in_flight < 4  # +1/window per success, not +1
    for _ in range(60):
        limiter.on_success()
    assert limiter.allowed_in_flight == 8 and limiter.rate_factor == 1.0


async def test_retry_after_pauses_every_new_request() -> None:
    limiter = AdaptiveLimiter(4)
    limiter.on_rate_limited(time.monotonic(), 0.15)
    started = time.perf_counter()
    async with limiter.slot():
        pass
    assert time.perf_counter() - started >= 0.15


async def test_the_requests_per_minute_bucket_paces_calls() -> None:
    t = FakeTime()
    bucket = TokenBucket(60, clock=t.clock, sleep=t.sleep)  # one a second, a burst of one
    for _ in range(4):
        await bucket.take(1)
    assert sum(t.slept) == 3.0


async def test_a_prompt_larger_than_the_token_bucket_waits_for_a_full_bucket_and_leaves_debt() -> None:
    t = FakeTime()
    bucket = TokenBucket(6000, clock=t.clock, sleep=t.sleep)  # 100 tokens a second
    await bucket.take(500)  # a full bucket is enough to start
    assert t.slept == []
    await bucket.take(50)  # but the next request pays the debt: (400 + 50) / 100 per second
    assert sum(t.slept) == 4.5


async def test_lowered_rate_slows_the_bucket() -> None:
    t = FakeTime()
    bucket = TokenBucket(60, clock=t.clock, sleep=t.sleep)
    await bucket.take(1)
    await bucket.take(1, factor=0.5)
    assert sum(t.slept) == 2.0
