"""Settings for the LLM gateway: which endpoint, which model, what it costs."""

from __future__ import annotations

from pydantic import Field

from auditor.types import StrictModel


class Price(StrictModel):
    """USD per million tokens."""

    input_per_mtok: float = Field(ge=0.0)
    output_per_mtok: float = Field(ge=0.0)


class LLMSettings(StrictModel):
    """One OpenAI-compatible endpoint and how to talk to it.

    The key is never stored here: only the name of the environment variable holding it.
    """

    model: str
    base_url: str | None = None  # default: $OPENAI_BASE_URL, then OpenAI's
    api_key_env: str = "OPENAI_API_KEY"
    extra_headers: dict[str, str] = Field(default_factory=dict)
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 800
    timeout_s: float = 60.0
    max_attempts: int = 6
    max_retry_wait_s: float = 120.0
    max_in_flight: int = 32
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    structured_output: str = "json_schema"  # json_schema | json_object | text
    logprobs: bool = False
    cache_dir: str | None = ".cache/auditor/llm"
    prices: dict[str, Price] = Field(default_factory=dict)
