"""What one gateway call returns: parsed samples, their raw text and logprobs, and provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from auditor.types import Provenance

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class TopLogprob:
    """One candidate for a token position and its log probability."""

    token: str
    logprob: float


@dataclass(frozen=True)
class TokenLogprob:
    """A generated token, its log probability and the most likely alternatives at its position.

    A G-Eval-style judge finds the score token and weights each candidate score by
    `exp(logprob)` of its entry in `top_logprobs`.
    """

    token: str
    logprob: float
    top_logprobs: tuple[TopLogprob, ...]


@dataclass(frozen=True)
class Sample(Generic[T]):
    """One of the `n` answers to a request."""

    parsed: T | None
    raw: str
    logprobs: tuple[TokenLogprob, ...] | None = None  # None unless logprobs were requested
    unscored_reason: str | None = None
    reasked: bool = False
    reask_reason: str | None = None  # what was wrong with the first reply, when it was re-asked
    finish_reason: str | None = None


@dataclass(frozen=True)
class Completion(Generic[T]):
    """The answer to `Gateway.complete`.

    `parsed` is None when no sample could be used; `unscored_reason` then says why
    (a judge turns it into an unscored verdict, keeping `raw`).
    """

    samples: tuple[Sample[T], ...]
    provenance: Provenance
    unscored_reason: str | None = None

    @property
    def parsed(self) -> T | None:
        """The first usable sample's output."""
        return next((s.parsed for s in self.samples if s.parsed is not None), None)

    @property
    def outputs(self) -> list[T]:
        """Every usable sample's output, in order (self-consistency votes)."""
        return [s.parsed for s in self.samples if s.parsed is not None]

    @property
    def raw(self) -> str:
        """The first sample's raw reply text ("" when the endpoint rejected the request)."""
        return self.samples[0].raw if self.samples else ""

    @property
    def logprobs(self) -> tuple[TokenLogprob, ...] | None:
        """The first usable sample's token logprobs (None unless requested)."""
        usable = [s for s in self.samples if s.parsed is not None] or list(self.samples)
        return usable[0].logprobs if usable else None

    @property
    def scored(self) -> bool:
        return self.unscored_reason is None


@dataclass(frozen=True)
class Generation:
    """The answer to `Gateway.generate`: free text, why it ended, and provenance."""

    text: str
    finish_reason: str | None
    provenance: Provenance
