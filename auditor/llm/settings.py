"""Settings for the LLM gateway: which endpoint, which model, what it costs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_serializer, model_validator

from auditor.types import StrictModel

# What a dump shows in place of a header value.
HIDDEN = "<not stored>"
# The default `cache_dir`: the `llm` folder of auditor's user cache (see `auditor.userdirs`).
USER_CACHE = "<user cache>"

StructuredOutput = Literal["json_schema", "json_object", "text"]


class Price(StrictModel):
    """USD per million tokens; a batch (the Batch API, `auditor run --batch`) costs `batch_discount` less."""

    input_per_mtok: float = Field(ge=0.0)
    output_per_mtok: float = Field(ge=0.0)
    batch_discount: float = Field(default=0.5, ge=0.0, le=1.0)  # 0.5: half price, as OpenAI's Batch API


class BatchSettings(StrictModel):
    """Batch inference (`auditor run --batch`, `--batch-export`/`--batch-ingest`; docs/llm.md)."""

    # What becomes of a request the batch failed, lost or let expire: asked once more in the
    # next round's batch, once online, or not at all; after that it is unscored with the reason.
    retry: Literal["batch", "online", "none"] = "batch"
    poll_interval_s: float = Field(default=30.0, gt=0.0)
    completion_window: str = "24h"
    # The Batch API's limits per input file.
    max_requests_per_file: int = Field(default=50_000, ge=1)
    max_bytes_per_file: int = Field(default=200_000_000, ge=1024)


class LocalSettings(StrictModel):
    """A GGUF model served by llama.cpp inside this process (`pip install 'auditor[local]'`)."""

    model_path: str = Field(min_length=1)
    threads: int = Field(default=2, ge=1)  # CPU threads for generation and prompt processing
    context: int = Field(default=4096, ge=256)  # tokens per slot
    parallel: int = Field(default=1, ge=1)  # requests served at once (slots)


class LLMSettings(StrictModel):
    """One OpenAI-compatible endpoint and how to talk to it.

    The key is never stored here: only the name of the environment variable holding it.
    `api_key_env: null` declares an endpoint that needs no key (a local vLLM or Ollama).
    `local:` serves a GGUF file with llama.cpp in this process instead (docs/llm.md); the
    model is then named by the file and its sha256, and `model` may be left out.
    """

    model: str = ""
    base_url: str | None = None  # default: $OPENAI_BASE_URL, then OpenAI's
    api_key_env: str | None = "OPENAI_API_KEY"
    # Sent with every request, never stored: they may hold credentials (Azure's `api-key`).
    extra_headers: dict[str, str] = Field(default_factory=dict, repr=False)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    seed: int | None = 0
    max_tokens: int = Field(default=800, ge=1)
    # Newer OpenAI models accept only `max_completion_tokens`; most local servers only `max_tokens`.
    max_tokens_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    timeout_s: float = Field(default=60.0, gt=0.0)
    max_attempts: int = Field(default=6, ge=1)
    max_retry_wait_s: float = Field(default=120.0, ge=0.0)
    retry_initial_wait_s: float = Field(default=1.0, ge=0.0)
    max_in_flight: int = Field(default=32, ge=1)
    requests_per_minute: float | None = Field(default=None, gt=0.0)
    tokens_per_minute: float | None = Field(default=None, gt=0.0)
    structured_output: StructuredOutput = "json_schema"
    logprobs: bool = False
    top_logprobs: int = Field(default=5, ge=0, le=20)
    # USER_CACHE (the default), a directory, or None: no cache at all.
    cache_dir: str | None = USER_CACHE
    # Part of the cache key: change it to keep answers apart that the key cannot see,
    # e.g. an extra header that routes a proxy to another deployment.
    cache_namespace: str = ""
    prices: dict[str, Price] = Field(default_factory=dict)
    local: LocalSettings | None = None
    batch: BatchSettings = Field(default_factory=BatchSettings)

    @model_validator(mode="after")
    def _model_or_local(self) -> LLMSettings:
        if not self.model and self.local is None:
            raise ValueError("'model' is required (or 'local' with a model_path)")
        if self.local is not None and self.base_url is not None:
            raise ValueError("'base_url' and 'local' exclude each other: local serves on 127.0.0.1 itself")
        return self

    @field_serializer("extra_headers")
    def _header_names_only(self, headers: dict[str, str]) -> dict[str, str]:
        # Every dump (the manifest, a log line) keeps which headers were sent, never their values.
        return dict.fromkeys(headers, HIDDEN)
