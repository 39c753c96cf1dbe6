"""The chat-completion response body as the gateway reads it.

Parsed leniently (unknown keys ignored, missing usage tolerated) because vLLM, Ollama
and llama.cpp each leave out different optional fields; a body without a single
choice is not a completion at all.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class WireTopLogprob(_Loose):
    token: str
    logprob: float


class WireTokenLogprob(_Loose):
    token: str
    logprob: float
    top_logprobs: list[WireTopLogprob] = Field(default_factory=list)


class WireLogprobs(_Loose):
    content: list[WireTokenLogprob] | None = None


class WireMessage(_Loose):
    content: str | None = None
    refusal: str | None = None


class WireChoice(_Loose):
    index: int = 0
    message: WireMessage
    finish_reason: str | None = None
    logprobs: WireLogprobs | None = None


class WireUsage(_Loose):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class WireCompletion(_Loose):
    model: str | None = None
    choices: list[WireChoice] = Field(min_length=1)
    usage: WireUsage | None = None


def parse_body(body: Any) -> WireCompletion:
    """The completion in a response body; ValueError if the body is not one."""
    try:
        completion = WireCompletion.model_validate(body)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(body)"
        raise ValueError(f"not a chat completion: {where}: {first['msg']}") from None
    completion.choices.sort(key=lambda c: c.index)
    return completion
