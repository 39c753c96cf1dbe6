"""The LLM gateway: every model call in auditor goes through `Gateway.complete`.

Who owns what (see docs/llm.md):
    gateway.py    the entry point: cassette / cache / endpoint, re-ask, usage per purpose
    settings.py   LLMSettings: endpoint, model, sampling, limits, prices
    request.py    the request body, its hash and cache key
    structured.py response_format, reading JSON out of a reply, the re-ask turns
    client.py     one AsyncOpenAI client per endpoint; one HTTP attempt, errors classified
    retry.py      tenacity policy, Retry-After
    limits.py     requests in flight, requests/tokens per minute, AIMD on 429
    cache.py      diskcache of response bodies; cache_stats / cache_clear for the CLI
    cassette.py   record / replay of exchanges
    tokens.py     tiktoken counts, cost, the pre-flight estimate
    usage.py      totals per purpose, the budget
"""

from auditor.llm.cache import cache_clear, cache_stats
from auditor.llm.completion import Completion, Sample, TokenLogprob, TopLogprob
from auditor.llm.errors import BudgetExceeded, EndpointError
from auditor.llm.gateway import Gateway
from auditor.llm.settings import LLMSettings, Price
from auditor.llm.tokens import Estimate, estimate
from auditor.llm.usage import PurposeUsage

__all__ = [
    "BudgetExceeded",
    "Completion",
    "EndpointError",
    "Estimate",
    "Gateway",
    "LLMSettings",
    "Price",
    "PurposeUsage",
    "Sample",
    "TokenLogprob",
    "TopLogprob",
    "cache_clear",
    "cache_stats",
    "estimate",
]
