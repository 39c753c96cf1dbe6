"""The LLM gateway: every model call in auditor goes through `Gateway.complete`.

Who owns what (see docs/llm.md):
    gateway.py    the entry point: cassette / cache / endpoint, re-ask, usage per purpose
    settings.py   LLMSettings: endpoint, model, sampling, limits, prices
    request.py    the request body, its hash and cache key
    structured.py response_format, reading JSON out of a reply, the re-ask turns
    client.py     one AsyncOpenAI client per endpoint; one HTTP attempt, errors classified
    retry.py      tenacity policy, Retry-After
    limits.py     requests in flight, requests/tokens per minute, AIMD on 429
    cache.py      diskcache of response bodies; where it lives; cache_stats / cache_clear for the CLI
    cassette.py   record / replay of exchanges
    tokens.py     tiktoken counts, cost, the pre-flight estimate
    usage.py      totals per purpose, the budget

The names below are loaded on first use: `auditor.config` imports `llm.settings`, and an
offline run must not pay for (or depend on) openai, httpx, tiktoken, diskcache and tenacity.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.llm.cache import CacheMode as CacheMode
    from auditor.llm.cache import cache_clear as cache_clear
    from auditor.llm.cache import cache_directory as cache_directory
    from auditor.llm.cache import cache_stats as cache_stats
    from auditor.llm.completion import Completion as Completion
    from auditor.llm.completion import Generation as Generation
    from auditor.llm.completion import Sample as Sample
    from auditor.llm.completion import TokenLogprob as TokenLogprob
    from auditor.llm.completion import TopLogprob as TopLogprob
    from auditor.llm.errors import BudgetExceeded as BudgetExceeded
    from auditor.llm.errors import EndpointError as EndpointError
    from auditor.llm.errors import ItemRejected as ItemRejected
    from auditor.llm.gateway import Gateway as Gateway
    from auditor.llm.settings import LLMSettings as LLMSettings
    from auditor.llm.settings import Price as Price
    from auditor.llm.tokens import Estimate as Estimate
    from auditor.llm.tokens import estimate as estimate
    from auditor.llm.usage import PurposeUsage as PurposeUsage

_HOMES = {
    "CacheMode": "cache",
    "cache_clear": "cache",
    "cache_directory": "cache",
    "cache_stats": "cache",
    "Completion": "completion",
    "Generation": "completion",
    "Sample": "completion",
    "TokenLogprob": "completion",
    "TopLogprob": "completion",
    "BudgetExceeded": "errors",
    "EndpointError": "errors",
    "ItemRejected": "errors",
    "Gateway": "gateway",
    "LLMSettings": "settings",
    "Price": "settings",
    "Estimate": "tokens",
    "estimate": "tokens",
    "PurposeUsage": "usage",
}

__all__ = [
    "BudgetExceeded",
    "CacheMode",
    "Completion",
    "EndpointError",
    "Estimate",
    "Gateway",
    "Generation",
    "ItemRejected",
    "LLMSettings",
    "Price",
    "PurposeUsage",
    "Sample",
    "TokenLogprob",
    "TopLogprob",
    "cache_clear",
    "cache_directory",
    "cache_stats",
    "estimate",
]

if not TYPE_CHECKING:  # hidden from mypy, so a misspelt name stays a type error

    def __getattr__(name: str) -> Any:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
        globals()[name] = value  # later look-ups skip this function
        return value
