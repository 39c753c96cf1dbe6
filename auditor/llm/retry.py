"""The one retry layer: tenacity, exponential backoff with jitter, `Retry-After` honoured.

The openai client's own retries are off (max_retries=0), so every retry happens here
and is counted. Only `TransientError` is retried; attempts and total time are bounded by
settings.max_attempts and settings.max_retry_wait_s, after which the endpoint is
declared unusable (EndpointError) rather than failing items one by one for hours.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)
from tenacity.wait import wait_base

from auditor.llm.errors import EndpointError, TransientError
from auditor.llm.settings import LLMSettings

log = logging.getLogger("auditor.llm")

R = TypeVar("R")

MAX_BACKOFF_S = 60.0


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asked us to wait.

    `retry-after-ms` (OpenAI, Azure) wins over `retry-after`, which is seconds or an HTTP date.
    """
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _BackoffOrRetryAfter(wait_base):
    """Exponential backoff with jitter, but never shorter than the server's Retry-After."""

    def __init__(self, initial: float) -> None:
        self._backoff = wait_exponential_jitter(multiplier=initial, max=MAX_BACKOFF_S, jitter=initial)

    def __call__(self, retry_state: RetryCallState) -> float:
        wait = float(self._backoff(retry_state))
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, TransientError) and exc.retry_after is not None:
            wait = max(wait, exc.retry_after)
        return wait


class RetryLog:
    """One retry warning per interval; the rest go to INFO (shown with -v). One per gateway.

    With 32 requests in flight, an endpoint that is down would otherwise print 32
    warnings per backoff step: a wall of text that hides the one line that matters.
    """

    def __init__(self, interval_s: float = 10.0) -> None:
        self.interval_s = interval_s
        self._last = -math.inf
        self._quieted = 0

    def level(self) -> tuple[int, int]:
        now = time.monotonic()
        if now - self._last >= self.interval_s:
            quieted, self._last, self._quieted = self._quieted, now, 0
            return logging.WARNING, quieted
        self._quieted += 1
        return logging.INFO, 0


async def with_retries(
    attempt: Callable[[], Awaitable[R]],
    settings: LLMSettings,
    *,
    what: str,
    on_retry: Callable[[], None] = lambda: None,
    retry_log: RetryLog | None = None,
) -> R:
    """Run `attempt` until it succeeds, retrying transient failures; EndpointError when the bound is hit."""
    started = time.monotonic()
    retry_log = retry_log or RetryLog()

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        on_retry()
        level, quieted = retry_log.level()
        more = f" ({quieted} more retries since the last such warning)" if quieted else ""
        log.log(
            level,
            "%s: attempt %d failed (%s); retrying in %.2fs%s",
            what,
            state.attempt_number,
            exc,
            state.upcoming_sleep,
            more,
        )

    retrying = AsyncRetrying(
        stop=stop_after_attempt(settings.max_attempts) | stop_before_delay(settings.max_retry_wait_s),
        wait=_BackoffOrRetryAfter(settings.retry_initial_wait_s),
        retry=retry_if_exception_type(TransientError),
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return await retrying(attempt)
    except TransientError as exc:
        attempts = retrying.statistics.get("attempt_number", 1)
        elapsed = time.monotonic() - started
        raise EndpointError(
            f"{what}: gave up after {attempts} attempt(s) in {elapsed:.1f}s "
            f"(llm.max_attempts={settings.max_attempts}, "
            f"llm.max_retry_wait_s={settings.max_retry_wait_s:g}): last error: {exc}"
        ) from None
