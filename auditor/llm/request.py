"""The request body sent to `/chat/completions`, and the hashes that name it.

The body holds exactly what changes the answer (model, messages, output schema and
mode, sampling parameters) and nothing else: no key, no header, no timeout. That makes
it safe to store and a sound thing to hash: `request_hash` names a request in
cassettes and provenance, and `cache_key` adds the endpoint it was sent to.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from auditor.llm.settings import LLMSettings
from auditor.llm.structured import response_format, with_schema_instruction
from auditor.types import ChatTurn

Message = Mapping[str, str] | ChatTurn
Body = dict[str, Any]

_ROLES = ("system", "user", "assistant")
_CACHE_KEY_VERSION = 1  # bump when the meaning of a stored entry changes


def normalize_messages(messages: Sequence[Message]) -> list[dict[str, str]]:
    """Plain `{"role", "content"}` dicts; a malformed message is a bug in the caller."""
    out = []
    for i, message in enumerate(messages):
        turn = message.model_dump() if isinstance(message, ChatTurn) else dict(message)
        if set(turn) != {"role", "content"} or turn["role"] not in _ROLES:
            raise ValueError(f"message {i} must be {{'role': one of {_ROLES}, 'content': str}}: {turn!r}")
        if not isinstance(turn["content"], str):
            raise ValueError(f"message {i}: content must be a string")
        out.append(turn)
    if not out:
        raise ValueError("a request needs at least one message")
    return out


def build_request(
    settings: LLMSettings,
    messages: list[dict[str, str]],
    output_type: type[BaseModel] | None,
    *,
    n: int = 1,
    logprobs: bool = False,
) -> Body:
    """The chat-completion body for one call (the schema instruction added when the mode needs it).

    `output_type` None asks for free text (a target's answer): no schema, no response_format.
    """
    mode = settings.structured_output
    body: Body = {
        "model": settings.model,
        "messages": messages if output_type is None else with_schema_instruction(messages, mode, output_type),
        "temperature": settings.temperature,
        settings.max_tokens_param: settings.max_tokens,
    }
    if settings.seed is not None:
        body["seed"] = settings.seed
    if n != 1:
        body["n"] = n
    if logprobs:
        body["logprobs"] = True
        body["top_logprobs"] = settings.top_logprobs
    fmt = None if output_type is None else response_format(mode, output_type)
    if fmt is not None:
        body["response_format"] = fmt
    return body


def follow_up(body: Body, extra_turns: list[dict[str, str]], *, seed_offset: int = 0) -> Body:
    """A single-answer request derived from `body`: a re-ask (extra turns) or one more sample.

    One more sample gets its own seed, so it is a different draw and a different cache
    entry rather than a copy of the first answer.
    """
    out = {k: v for k, v in body.items() if k != "n"}
    out["messages"] = [*body["messages"], *extra_turns]
    if seed_offset:
        out["seed"] = int(body.get("seed") or 0) + seed_offset
    return out


def canonical_json(value: Any) -> str:
    """One spelling per value, so equal requests hash equally."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_hash(body: Body) -> str:
    """Names a request independently of the endpoint (cassettes replay on any port)."""
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def cache_key(base_url: str, namespace: str, body: Body) -> str:
    """The cache key: the request plus the endpoint that answered it and the user's namespace."""
    material = {"v": _CACHE_KEY_VERSION, "endpoint": base_url, "namespace": namespace, "request": body}
    return hashlib.sha256(canonical_json(material).encode()).hexdigest()
