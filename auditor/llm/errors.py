"""What can go wrong in an LLM call, sorted by who has to act.

`EndpointError` and `BudgetExceeded` stop the run (the user must act). `ItemRejected`
makes one call unscored (`BatchFailed`: a batch could not answer it, retries spent).
`TransientError` is retried and never leaves the gateway. `BatchPending` never leaves it
either: the call is unscored for now and its item waits for the next batch round.
"""

from __future__ import annotations

from auditor.errors import UserError


class EndpointError(UserError):
    """The endpoint cannot serve this run: wrong key, model or URL, or down for too long."""


class BudgetExceeded(UserError):
    """Starting the next call could pass `max_cost_usd`; nothing more is sent."""

    def __init__(self, spent_usd: float, limit_usd: float, next_call_usd: float) -> None:
        self.spent_usd = spent_usd
        self.limit_usd = limit_usd
        self.next_call_usd = next_call_usd
        super().__init__(
            f"budget reached: spent ${spent_usd:.4f} of max_cost_usd ${limit_usd:.4f}; "
            f"the next call would cost about ${next_call_usd:.4f}"
        )


class ItemRejected(Exception):
    """The endpoint refused this one request (e.g. 400): the call is unscored, the run goes on."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"rejected by the endpoint ({status}): {message}")
        self.status = status


class TransientError(Exception):
    """A failure worth retrying: 429, 408, 409, 5xx, a timeout, a dropped connection, a garbled body."""

    def __init__(self, message: str, *, retry_after: float | None = None, rate_limited: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class BatchFailed(ItemRejected):
    """No batch answered this request (error line, missing line, expired batch), retries spent."""

    def __init__(self, reason: str, attempts: int) -> None:
        Exception.__init__(self, f"no answer from the batch after {attempts} tries: {reason}")
        self.status = 0


class BatchPending(Exception):
    """The request went into the current batch round; its answer comes in a later round."""
