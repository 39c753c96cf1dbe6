"""One `AsyncOpenAI` client per endpoint, and one HTTP attempt through it.

The key is read from the environment variable named in settings, handed to the client
and kept nowhere else: `Endpoint` hides it from repr, and server messages are scrubbed
of it before they reach an error or a log line.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2
import openai

from auditor.errors import UserError
from auditor.llm.errors import EndpointError, ItemRejected, TransientError
from auditor.llm.retry import parse_retry_after
from auditor.llm.settings import LLMSettings
from auditor.llm.wire import WireCompletion, parse_body

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Sent to endpoints that need no key; the openai client insists on some string.
NO_KEY_PLACEHOLDER = "no-key-required"


@dataclass(frozen=True)
class Endpoint:
    """Where requests go and the key they carry (never printed)."""

    base_url: str
    api_key: str = field(repr=False)
    key_env: str | None  # the variable the key came from; None for a keyless endpoint

    @property
    def display_url(self) -> str:
        """The base URL without credentials or query, safe for messages and cassettes."""
        return display_url(self.base_url)

    def scrub(self, text: str) -> str:
        """`text` with the key masked, in case a server echoes it back."""
        if self.api_key and self.api_key != NO_KEY_PLACEHOLDER:
            text = text.replace(self.api_key, "***")
        return text


def display_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def resolve_endpoint(
    settings: LLMSettings, environ: Mapping[str, str] | None = None, *, require_key: bool = True
) -> Endpoint:
    """Base URL from settings, then $OPENAI_BASE_URL, then OpenAI's; the key from settings.api_key_env.

    A missing key is a UserError naming the variable, except for an endpoint on this
    machine (a local vLLM, Ollama or llama.cpp server), which gets a placeholder, and
    unless `require_key` is off (batch files for another engine: nothing is sent).
    """
    env = os.environ if environ is None else environ
    base_url = (settings.base_url or env.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).hostname:
        raise UserError(f"llm.base_url: expected an http:// or https:// URL, got {display_url(base_url)!r}")
    if settings.api_key_env is None:
        return Endpoint(base_url, NO_KEY_PLACEHOLDER, None)
    key = env.get(settings.api_key_env, "").strip()
    if key:
        return Endpoint(base_url, key, settings.api_key_env)
    if is_local(base_url) or not require_key:
        return Endpoint(base_url, NO_KEY_PLACEHOLDER, None)
    raise UserError(
        f"no API key for {display_url(base_url)}: set the environment variable {settings.api_key_env} "
        "(or set llm.api_key_env to the variable that holds it, or to null for an endpoint without keys)"
    )


def is_local(base_url: str) -> bool:
    """Whether the endpoint runs on this machine (loopback), where servers rarely check keys."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_client(endpoint: Endpoint, settings: LLMSettings) -> openai.AsyncOpenAI:
    """The run's client: its own retries off, one connection pool sized for the concurrency."""
    timeout = httpx2.Timeout(settings.timeout_s, connect=min(settings.timeout_s, 10.0))
    pool = httpx2.Limits(
        max_connections=settings.max_in_flight, max_keepalive_connections=settings.max_in_flight
    )
    return openai.AsyncOpenAI(
        api_key=endpoint.api_key,
        base_url=endpoint.base_url,
        max_retries=0,
        timeout=timeout,
        default_headers=settings.extra_headers or None,
        http_client=openai.DefaultAsyncHttpxClient(limits=pool, timeout=timeout),
    )


async def post_chat(
    client: openai.AsyncOpenAI, endpoint: Endpoint, body: dict[str, Any]
) -> tuple[dict[str, Any], WireCompletion]:
    """One attempt: the response body and its completion, or a classified error.

    The body is already the wire request, so it goes out through the client's plain
    `post` (its connection pool, headers and error classes) rather than `create`, whose
    parameter transform walked every message and schema again: ~7% of the run
    process's CPU on an LLM run.
    """
    try:
        raw = await client.post("/chat/completions", body=body, cast_to=httpx2.Response)
    except openai.APIStatusError as exc:
        raise classify_status(exc, endpoint, str(body.get("model"))) from None
    except openai.APITimeoutError:
        raise TransientError("the request timed out") from None
    except openai.APIConnectionError as exc:
        cause = exc.__cause__ or exc
        raise TransientError(
            f"connection failed: {endpoint.scrub(str(cause)) or type(cause).__name__}"
        ) from None
    text = raw.text
    try:
        data = json.loads(text)
    except ValueError:
        raise TransientError(f"the endpoint sent a body that is not JSON: {_clip(text, 80)!r}") from None
    try:
        completion = parse_body(data)
    except ValueError as exc:
        raise TransientError(f"the endpoint sent a body that is {exc}") from None
    return data, completion


def classify_status(exc: openai.APIStatusError, endpoint: Endpoint, model: str) -> Exception:
    """Map an HTTP error to what the gateway does with it: retry, stop the run, or unscore the call."""
    status = exc.status_code
    message = endpoint.scrub(_clip(_server_message(exc), 300))
    retry_after = parse_retry_after(exc.response.headers)
    where = f"{endpoint.display_url} (model '{model}')"
    if status == 429 and getattr(exc, "code", None) == "insufficient_quota":
        return EndpointError(f"429 from {where}: out of quota: {message}")
    if status == 429 or status in (408, 409) or status >= 500:
        wait = f" (Retry-After {retry_after:g}s)" if retry_after is not None else ""
        return TransientError(
            f"{status}{wait}: {message}", retry_after=retry_after, rate_limited=status == 429
        )
    if status in (401, 403):
        key = f"${endpoint.key_env}" if endpoint.key_env else "no key was sent"
        return EndpointError(f"{status} from {where}: {message} (key: {key})")
    if status == 404:
        return EndpointError(f"404 from {where}: {message} (check llm.model and llm.base_url)")
    return ItemRejected(status, message)


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
    return exc.response.text or exc.response.reason_phrase or "no message"


def _clip(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
