"""How fast the gateway may call: requests in flight, requests and tokens per minute.

The allowed rate adapts to the endpoint (AIMD, as TCP does): a 429 halves the window
of requests in flight, and the configured per-minute rates with it; every success adds
1/window back, so the full rate returns only after a window's worth of successes per
step. A burst of 429s from requests sent before the cut counts once. A `Retry-After`
pauses every new request, not only the one that got it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    """A per-minute allowance that refills continuously and holds one second's worth."""

    def __init__(
        self, per_minute: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._per_second = per_minute / 60.0
        self._capacity = max(1.0, self._per_second)
        self._level = self._capacity
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = asyncio.Lock()  # first come, first served

    async def take(self, amount: float, factor: float = 1.0) -> None:
        """Wait until `amount` is available at `factor` times the configured rate, then spend it.

        An amount larger than the bucket (a long prompt) waits for a full bucket and
        leaves it in debt, so it is paid for by the requests after it.
        """
        async with self._lock:
            while True:
                now = self._clock()
                rate = self._per_second * factor
                self._level = min(self._capacity, self._level + (now - self._last) * rate)
                self._last = now
                need = min(amount, self._capacity)
                if self._level >= need:
                    self._level -= amount
                    return
                await self._sleep((need - self._level) / rate)


class AdaptiveLimiter:
    """Admits requests within the in-flight window and the per-minute rates."""

    def __init__(
        self,
        max_in_flight: int,
        requests_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._max = float(max_in_flight)
        self._window = float(max_in_flight)
        self._in_flight = 0
        self._changed = asyncio.Condition()
        self._clock = clock
        self._sleep = sleep
        self._last_cut = -math.inf
        self._resume_at = -math.inf
        self._requests = (
            TokenBucket(requests_per_minute, clock=clock, sleep=sleep) if requests_per_minute else None
        )
        self._tokens = TokenBucket(tokens_per_minute, clock=clock, sleep=sleep) if tokens_per_minute else None

    @property
    def allowed_in_flight(self) -> int:
        return max(1, int(self._window))

    @property
    def rate_factor(self) -> float:
        """The share of the configured per-minute rates currently allowed."""
        return self._window / self._max

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @asynccontextmanager
    async def slot(self, tokens: int = 0) -> AsyncIterator[float]:
        """Hold one request slot; yields the time the request was admitted."""
        async with self._changed:
            await self._changed.wait_for(lambda: self._in_flight < self.allowed_in_flight)
            self._in_flight += 1
        try:
            while (pause := self._resume_at - self._clock()) > 0:
                await self._sleep(pause)
            if self._requests:
                await self._requests.take(1, self.rate_factor)
            if self._tokens and tokens:
                await self._tokens.take(tokens, self.rate_factor)
            yield self._clock()
        finally:
            async with self._changed:
                self._in_flight -= 1
                self._changed.notify_all()

    def on_success(self) -> None:
        """Additive increase: one more slot per window's worth of successes."""
        self._window = min(self._max, self._window + 1.0 / self._window)

    def on_rate_limited(self, admitted_at: float, retry_after: float | None) -> None:
        """Multiplicative decrease, once per round of requests; pause everyone for Retry-After."""
        now = self._clock()
        if retry_after:
            self._resume_at = max(self._resume_at, now + retry_after)
        if admitted_at >= self._last_cut:
            self._window = max(1.0, self._window / 2)
            self._last_cut = now
