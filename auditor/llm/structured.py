"""Getting a pydantic object out of a model: the schema we ask for, and reading the reply.

Three ways to ask (settings.structured_output): `json_schema` sends a strict JSON schema
as `response_format` (OpenAI, vLLM, recent Ollama and llama.cpp); `json_object` asks for
JSON mode and puts the schema in the prompt; `text` only puts the schema in the prompt.
Whatever the mode, the reply is read the same way: the first JSON object in the text,
validated by the output model. A reply that fails is re-asked once with the error
(as instructor's `reask` does); see `reask_turns`.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from auditor.llm.settings import StructuredOutput

T = TypeVar("T", bound=BaseModel)

# These two texts are the gateway's output protocol, not judge prompts: they are the
# same for every judge and only restate the schema the judge's own prompt asked for.
SCHEMA_INSTRUCTION = (
    "Reply with only a JSON object, no other text, that conforms to this JSON schema:\n{schema}"
)
REASK_INSTRUCTION = (
    "Your reply could not be used: {error}\n"
    "Reply again with only a JSON object that conforms to the required schema."
)

_SCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "$defs", "definitions")


class OutputInvalid(ValueError):
    """The reply text does not hold a valid output; the message is what the model is told."""


def strict_schema(output_type: type[BaseModel]) -> dict[str, Any]:
    """The output model's JSON schema in the form OpenAI's strict mode accepts.

    Strict mode wants every object closed (`additionalProperties: false`) and every
    property listed in `required`; defaults mean nothing there, so they are dropped.
    """
    return copy.deepcopy(_strict_schema(output_type))


@functools.lru_cache(maxsize=256)
def _strict_schema(output_type: type[BaseModel]) -> dict[str, Any]:
    # Generating a JSON schema costs about a millisecond: far more than a cache hit.
    schema = copy.deepcopy(output_type.model_json_schema())
    _make_strict(schema)
    return schema


def _make_strict(node: dict[str, Any]) -> None:
    node.pop("default", None)
    if node.get("type") == "object" or "properties" in node:
        node["additionalProperties"] = False
        node["required"] = list(node.get("properties", {}))
    for key in _SCHEMA_MAPS:
        for child in node.get(key, {}).values():
            _make_strict(child)
    for key in _SCHEMA_LISTS:
        for child in node.get(key, []):
            _make_strict(child)
    if isinstance(node.get("items"), dict):
        _make_strict(node["items"])


def response_format(mode: StructuredOutput, output_type: type[BaseModel]) -> dict[str, Any] | None:
    """The `response_format` request field for a mode (None: do not send one)."""
    if mode == "json_schema":
        name = re.sub(r"[^a-zA-Z0-9_-]", "_", output_type.__name__)[:64]
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": strict_schema(output_type)},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def with_schema_instruction(
    messages: list[dict[str, str]], mode: StructuredOutput, output_type: type[BaseModel]
) -> list[dict[str, str]]:
    """The messages to send: in modes without a schema-aware `response_format`, the schema
    is appended to the first system turn (or a system turn is added at the start, since
    several chat templates reject a system turn anywhere else)."""
    if mode == "json_schema":
        return messages
    # Keep the model's field order: reasoning comes before the verdict.
    schema = json.dumps(strict_schema(output_type), ensure_ascii=False)
    instruction = SCHEMA_INSTRUCTION.format(schema=schema)
    out = [dict(m) for m in messages]
    if out and out[0]["role"] == "system":
        out[0]["content"] = f"{out[0]['content']}\n\n{instruction}"
    else:
        out.insert(0, {"role": "system", "content": instruction})
    return out


def json_object_span(text: str) -> tuple[int, int] | None:
    """Where the first complete JSON object in `text` starts and ends (None: there is none).

    Code fences and prose around it are fine, as models write them.
    """
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            value, end = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return match.start(), end
    return None


def extract_json(text: str) -> str:
    """The first complete JSON object in `text` (inside a code fence or prose, as models write)."""
    span = json_object_span(text)
    if span is None:
        raise OutputInvalid("the reply holds no JSON object")
    return text[span[0] : span[1]]


def parse_output(text: str | None, output_type: type[T], context: Mapping[str, Any] | None = None) -> T:
    """Validate a reply against the output model (with `context` for its validators, e.g. the
    text its quotes must come from); OutputInvalid says what is wrong."""
    if not text or not text.strip():
        raise OutputInvalid("the reply was empty")
    candidate = extract_json(text)
    try:
        return output_type.model_validate_json(candidate, context=dict(context) if context else None)
    except ValidationError as exc:
        raise OutputInvalid(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, `field: message`, without pydantic's documentation links.

    A check of the whole object (a model validator's ValueError) is its message alone:
    it is written for the model to read.
    """
    parts = []
    for err in exc.errors(include_url=False):
        if err["type"] == "value_error" and not err["loc"]:
            parts.append(str(err.get("ctx", {}).get("error", err["msg"])))
            continue
        where = ".".join(str(p) for p in err["loc"]) or "(object)"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def reask_turns(raw: str, error: str) -> list[dict[str, str]]:
    """The two turns appended for a re-ask: the model's reply and what was wrong with it."""
    return [
        {"role": "assistant", "content": raw},
        {"role": "user", "content": REASK_INSTRUCTION.format(error=error)},
    ]
