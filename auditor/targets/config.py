"""`targets:` in a config: the systems under test a run asks before judging their answers.

Each target has a `name` and exactly one source of answers:

- `model` (an OpenAI-compatible endpoint: `base_url`, `api_key_env`, generation settings),
- `local` (a GGUF served by llama.cpp in this process, as `llm.local`), or
- `responses` (a JSONL file of answers collected elsewhere, `{"id": ..., "response": ...}`).

`system_prompt` is sent ahead of the item's prompt (its chat turns kept). The key's value is
never stored: only the name of the environment variable holding it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from auditor.llm.settings import USER_CACHE, LLMSettings, LocalSettings, Price
from auditor.types import StrictModel

# Settings that only mean something when the run asks a model.
_GENERATION_KEYS = (
    "base_url",
    "api_key_env",
    "system_prompt",
    "temperature",
    "seed",
    "max_tokens",
    "max_tokens_param",
    "timeout_s",
    "max_attempts",
    "prices",
)


class TargetConfig(StrictModel):
    """One system under test."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@:+-]*$")
    model: str | None = None
    local: LocalSettings | None = None
    responses: str | None = None  # a JSONL file of answers, relative to the config file
    base_url: str | None = None
    api_key_env: str | None = "OPENAI_API_KEY"
    system_prompt: str | None = None
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    seed: int | None = 0
    max_tokens: int = Field(default=512, ge=1)
    max_tokens_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    timeout_s: float = Field(default=120.0, gt=0.0)
    max_attempts: int = Field(default=4, ge=1)
    prices: dict[str, Price] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self) -> TargetConfig:
        sources = [k for k in ("model", "local", "responses") if getattr(self, k) is not None]
        if len(sources) != 1:
            given = ", ".join(sources) if sources else "none"
            raise ValueError(f"needs exactly one of 'model', 'local' or 'responses' (given: {given})")
        if self.responses is not None and (extra := self._generation_settings_given()):
            raise ValueError(f"a 'responses' target asks no model, so {', '.join(extra)} would be ignored")
        if self.local is not None and self.base_url is not None:
            raise ValueError("'base_url' and 'local' exclude each other: local serves on 127.0.0.1 itself")
        return self

    def _generation_settings_given(self) -> list[str]:
        # By value, not by `model_fields_set`: a dump (the manifest's) writes every default out.
        fields = type(self).model_fields
        return [
            k
            for k in _GENERATION_KEYS
            if getattr(self, k) != fields[k].get_default(call_default_factory=True)
        ]

    @property
    def asks_model(self) -> bool:
        return self.responses is None

    def settings(self, cache_dir: str | None = USER_CACHE, max_in_flight: int = 32) -> LLMSettings:
        """The gateway settings for asking this target; answers are free text, not JSON."""
        assert self.asks_model, "a responses target has no endpoint"
        return LLMSettings(
            model=self.model or "",
            base_url=self.base_url,
            api_key_env=None if self.local is not None else self.api_key_env,
            temperature=self.temperature,
            seed=self.seed,
            max_tokens=self.max_tokens,
            max_tokens_param=self.max_tokens_param,
            timeout_s=self.timeout_s,
            max_attempts=self.max_attempts,
            max_in_flight=max_in_flight,
            structured_output="text",
            cache_dir=cache_dir,
            prices=self.prices,
            local=self.local,
        )
