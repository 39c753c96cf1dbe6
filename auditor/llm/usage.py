"""What a run spent, per purpose ("judge:accuracy", "summarizer"), and the budget it may spend."""

from __future__ import annotations

from auditor.llm.errors import BudgetExceeded
from auditor.types import StrictModel


class PurposeUsage(StrictModel):
    """Totals for one purpose over a run, for the run summary."""

    calls: int = 0  # Gateway.complete calls
    requests: int = 0  # exchanges answered by the endpoint (not cache or cassette)
    retries: int = 0  # failed attempts that were tried again
    cache_hits: int = 0  # exchanges answered from the cache
    replayed: int = 0  # exchanges answered from a cassette
    batched: int = 0  # exchanges answered by a batch (`auditor run --batch`), priced at the batch rate
    reasks: int = 0  # follow-up requests after an invalid reply
    unscored: int = 0  # calls that produced no usable output
    rejected: int = 0  # calls the endpoint refused (400 and the like)
    # What this run spent: tokens and cost of cache hits and replays are not counted
    # here (each verdict's provenance still carries the tokens its answer took).
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0  # of the priced requests
    unpriced: int = 0  # requests whose served model has no price: their cost is unknown

    def plus(self, other: PurposeUsage) -> PurposeUsage:
        """The field-by-field sum, for a run total."""
        data = self.model_dump()
        for name, value in other.model_dump().items():
            data[name] += value
        return PurposeUsage.model_validate(data)


class Budget:
    """Refuses to start a call whose estimate, with what is spent and in flight, passes the limit."""

    def __init__(self, limit_usd: float | None) -> None:
        self.limit_usd = limit_usd
        self.spent_usd = 0.0
        self._reserved = 0.0

    def reserve(self, estimate_usd: float) -> float:
        """Hold `estimate_usd` for a call about to start; BudgetExceeded if it does not fit."""
        if self.limit_usd is not None and self.spent_usd + self._reserved + estimate_usd > self.limit_usd:
            raise BudgetExceeded(self.spent_usd, self.limit_usd, estimate_usd)
        self._reserved += estimate_usd
        return estimate_usd

    def settle(self, reserved_usd: float, actual_usd: float) -> None:
        """Replace a call's reservation by what it actually cost (0 if it failed)."""
        self._reserved -= reserved_usd
        self.spent_usd += actual_usd
