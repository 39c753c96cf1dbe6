"""A fake OpenAI-compatible HTTP server for tests: scripted replies, injected faults.

It listens on 127.0.0.1 (an ephemeral port) in a background thread and serves
`POST /v1/chat/completions`, `GET /v1/models`, and the Files and Batches API
(`fake_batches.py`: a batch's lines are answered like chat requests), so code under test
uses the real openai client over real HTTP. Its replies are scripted, never a model's: nothing it
says may be presented as a real model's output.

    with FakeOpenAI() as server:
        server.script("item-1", '{"score": 4}')          # when a user turn contains "item-1"
        server.fail_next(Fault.rate_limited(retry_after=0.2), Fault.drop())
        settings = LLMSettings(model="fake-model", base_url=server.base_url, ...)

A fault is served instead of a reply and does not use up the script, so a retried
request gets the scripted answer. The server records every request it received (path,
headers, body) and every reply it served, for assertions.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

from auditor.testing.fake_batches import FakeBatches

FAKE_MODEL = "fake-model"
_TOKEN_RE = re.compile(r"\w+|[^\w\s]|\s+")
_FILE = re.compile(r"/files/([^/]+)$")
_FILE_CONTENT = re.compile(r"/files/([^/]+)/content$")
_BATCH = re.compile(r"/batches/([^/]+)$")
_BATCH_CANCEL = re.compile(r"/batches/([^/]+)/cancel$")


@dataclass(frozen=True)
class Reply:
    """A scripted answer: one content per choice (repeated to fill `n`).

    `alternatives` scripts logprobs: for a generated token equal to a key, the top
    logprobs at that position are the mapped candidates (token -> logprob).
    """

    content: str | Sequence[str]
    alternatives: dict[str, dict[str, float]] = field(default_factory=dict)
    finish_reason: str = "stop"
    refusal: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    delay_s: float = 0.0

    @property
    def contents(self) -> list[str]:
        return [self.content] if isinstance(self.content, str) else list(self.content)


@dataclass(frozen=True)
class Fault:
    """Something other than a good reply."""

    kind: Literal["status", "drop", "invalid_body", "slow"]
    status: int = 500
    message: str = "fault injected by the fake server"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    code: str | None = None

    @classmethod
    def rate_limited(
        cls, retry_after: float | str | None = None, *, retry_after_ms: float | None = None
    ) -> Fault:
        headers = {}
        if retry_after is not None:
            headers["retry-after"] = str(retry_after)
        if retry_after_ms is not None:
            headers["retry-after-ms"] = str(retry_after_ms)
        return cls("status", 429, "Rate limit reached for requests", headers, code="rate_limit_exceeded")

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls("status", status, "The server had an error while processing your request")

    @classmethod
    def status_error(cls, status: int, message: str, code: str | None = None) -> Fault:
        return cls("status", status, message, code=code)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without a response."""
        return cls("drop")

    @classmethod
    def invalid_body(cls) -> Fault:
        """A 200 whose body is not JSON."""
        return cls("invalid_body")

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Wait, then answer normally (a client with a shorter timeout gives up first)."""
        return cls("slow", delay_s=seconds)


@dataclass(frozen=True)
class ChatRequest:
    """A chat-completion request as the server received it."""

    body: dict[str, Any]
    headers: dict[str, str]  # names lower-cased
    client_port: int

    @property
    def user_turns(self) -> list[str]:
        return [str(m.get("content") or "") for m in self.body.get("messages", []) if m.get("role") == "user"]

    @property
    def user_text(self) -> str:
        return "\n".join(self.user_turns)

    @property
    def last_user(self) -> str:
        return self.user_turns[-1] if self.user_turns else ""


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # names lower-cased
    body: dict[str, Any] | None
    client_port: int


Responder = Callable[[ChatRequest], "str | Reply | Fault"]


class FakeOpenAI:
    """The server; start with `with FakeOpenAI() as server` or `start()` / `stop()`."""

    def __init__(
        self,
        *,
        models: Sequence[str] = (FAKE_MODEL,),
        expected_key: str | None = None,
        honour_n: bool = True,
        served_model: str | None = None,
    ) -> None:
        self.models = list(models)
        # The `model` every reply names; None echoes the request's (a proxy may serve another).
        self.served_model = served_model
        self.expected_key = expected_key
        self.honour_n = honour_n
        self.received: list[Received] = []
        self.answered: list[ChatRequest] = []  # requests that got a 200 completion
        self.max_concurrency = 0
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[str | Reply | Fault]] = {}
        self._responder: Responder | None = None
        self._faults: deque[Fault] = deque()
        self._fault_rate = 0.0
        self._fault_pool: list[Fault] = []
        self._rng = random.Random(0)
        self._active = 0
        self._ids = 0
        self._server: ThreadingHTTPServer | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        # `batches.behaviour` injects batch faults; `batches.created` counts batch creations.
        self.batches = FakeBatches(self._batch_answer)

    # ----- lifecycle -------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._port = server.server_address[1]
        # A short poll interval makes stop() quick (shutdown waits for the next poll).
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The `/v1` URL (still known after stop(), for tests that replay without the server)."""
        assert self._port is not None, "the fake server was never started"
        return f"http://127.0.0.1:{self._port}/v1"

    # ----- scripting -------------------------------------------------------------------

    def script(self, marker: str, *replies: str | Reply | Fault) -> None:
        """Answer requests whose user turns contain `marker` with `replies` in order; the
        last one repeats. The longest matching marker wins. A Fault in a script is the
        item's own answer (e.g. a 400 for a prompt that is too long), unlike fail_next."""
        if not replies:
            raise ValueError("script() needs at least one reply")
        with self._lock:
            self._scripts[marker] = deque(replies)

    def respond_with(self, responder: Responder) -> None:
        """Answer every request not matched by a script with `responder(request)`."""
        self._responder = responder

    def fail_next(self, *faults: Fault) -> None:
        """Serve these faults, in order, to the next requests."""
        with self._lock:
            self._faults.extend(faults)

    def fault_rate(self, rate: float, faults: Sequence[Fault], *, seed: int = 0) -> None:
        """Serve a random one of `faults` to a `rate` share of requests (seeded, reproducible)."""
        with self._lock:
            self._fault_rate = rate
            self._fault_pool = list(faults)
            self._rng = random.Random(seed)

    @property
    def chat_requests(self) -> list[Received]:
        return [r for r in self.received if r.path.endswith("/chat/completions")]

    # ----- serving (called from the handler threads) ------------------------------------

    def _enter(self) -> None:
        with self._lock:
            self._active += 1
            self.max_concurrency = max(self.max_concurrency, self._active)

    def _leave(self) -> None:
        with self._lock:
            self._active -= 1

    def _next_fault(self) -> Fault | None:
        with self._lock:
            if self._faults:
                return self._faults.popleft()
            if self._fault_pool and self._rng.random() < self._fault_rate:
                return self._rng.choice(self._fault_pool)
            return None

    def _answer(self, request: ChatRequest) -> str | Reply | Fault:
        with self._lock:
            text = request.user_text
            matches = [m for m in self._scripts if m in text]
            if matches:
                queue = self._scripts[max(matches, key=len)]
                return queue.popleft() if len(queue) > 1 else queue[0]
        if self._responder is not None:
            return self._responder(request)
        last = request.last_user[:80]
        return Fault.status_error(400, f"fake server: no scripted reply for a request ending {last!r}")

    def _batch_answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """One batch line's (status, body), answered as the chat route answers (no HTTP faults)."""
        model = str(body.get("model"))
        if self.models and model not in self.models:
            return 404, error_body(f"The model `{model}` does not exist", 404, "model_not_found")
        request = ChatRequest(body, {}, 0)
        answer = self._answer(request)
        if isinstance(answer, Fault):
            return answer.status, error_body(answer.message, answer.status, answer.code)
        completion = self._completion(request, answer if isinstance(answer, Reply) else Reply(answer))
        self.answered.append(request)
        return 200, completion

    def _completion(self, request: ChatRequest, reply: Reply) -> dict[str, Any]:
        body = request.body
        n = int(body.get("n") or 1) if self.honour_n else 1
        contents = reply.contents
        choices = []
        generated = 0
        for i in range(n):
            content = contents[i % len(contents)]
            tokens = _TOKEN_RE.findall(content)
            generated += len(tokens)
            choice: dict[str, Any] = {
                "index": i,
                "message": {"role": "assistant", "content": content, "refusal": reply.refusal},
                "finish_reason": reply.finish_reason,
                "logprobs": None,
            }
            if body.get("logprobs"):
                top = int(body.get("top_logprobs") or 0)
                choice["logprobs"] = {"content": [_token_logprob(t, reply.alternatives, top) for t in tokens]}
            choices.append(choice)
        prompt = reply.prompt_tokens
        if prompt is None:
            words = sum(len(str(m.get("content") or "").split()) for m in body.get("messages", []))
            prompt = words + 4 * len(body.get("messages", []))
        completion = reply.completion_tokens if reply.completion_tokens is not None else generated
        with self._lock:
            self._ids += 1
            number = self._ids
        return {
            "id": f"chatcmpl-fake-{number}",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": self.served_model or str(body.get("model")),
            "system_fingerprint": "fake-openai",
            "choices": choices,
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }


def _token_logprob(token: str, alternatives: dict[str, dict[str, float]], top: int) -> dict[str, Any]:
    candidates = alternatives.get(token, {token: -0.01})
    logprob = candidates.get(token, -0.01)
    ranked = sorted(candidates.items(), key=lambda kv: -kv[1])[:top]
    return {
        "token": token,
        "logprob": logprob,
        "bytes": list(token.encode()),
        "top_logprobs": [{"token": t, "logprob": lp, "bytes": list(t.encode())} for t, lp in ranked],
    }


def error_body(message: str, status: int, code: str | None = None) -> dict[str, Any]:
    """An error body shaped like OpenAI's."""
    kind = "invalid_request_error" if status < 500 else "server_error"
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the listen backlog: bursts of concurrent connects must not be refused
    fake: FakeOpenAI


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so tests see the client's connection pool at work
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows stderr
        return

    def do_GET(self) -> None:
        fake = self.server.fake
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake.received.append(Received(self.path, headers, None, self.client_address[1]))
        path = self.path.split("?")[0].rstrip("/")
        if path.endswith("/models"):
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in fake.models]
            self._send_json(200, {"object": "list", "data": data})
        elif match := _FILE_CONTENT.search(path):
            content = fake.batches.content(match.group(1))
            if content is None:
                self._send_json(404, error_body(f"no file {match.group(1)}", 404))
            else:
                self._send(200, content, "application/octet-stream")
        elif match := _FILE.search(path):
            self._send_json(*fake.batches.file(match.group(1)))
        elif match := _BATCH.search(path):
            self._send_json(*fake.batches.retrieve(match.group(1)))
        else:
            self._send_json(404, error_body(f"no route {self.path}", 404))

    def do_POST(self) -> None:
        fake = self.server.fake
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake.received.append(Received(self.path, headers, body, self.client_address[1]))
        path = self.path.rstrip("/")
        if path.endswith("/files"):
            self._send_json(*fake.batches.upload(headers.get("content-type", ""), raw))
            return
        if path.endswith("/batches") and isinstance(body, dict):
            self._send_json(*fake.batches.create(body))
            return
        if match := _BATCH_CANCEL.search(path):
            self._send_json(*fake.batches.cancel(match.group(1)))
            return
        if not path.endswith("/chat/completions") or not isinstance(body, dict):
            self._send_json(404 if isinstance(body, dict) else 400, error_body("bad route or body", 404))
            return
        fake._enter()
        try:
            self._chat(fake, ChatRequest(body, headers, self.client_address[1]))
        finally:
            fake._leave()

    def _chat(self, fake: FakeOpenAI, request: ChatRequest) -> None:
        expected = f"Bearer {fake.expected_key}"
        if fake.expected_key is not None and request.headers.get("authorization") != expected:
            self._send_json(401, error_body("Incorrect API key provided.", 401, "invalid_api_key"))
            return
        model = str(request.body.get("model"))
        if fake.models and model not in fake.models:
            self._send_json(404, error_body(f"The model `{model}` does not exist", 404, "model_not_found"))
            return
        fault = fake._next_fault()
        if fault is not None and fault.kind != "slow":
            self._serve_fault(fault)
            return
        if fault is not None:
            time.sleep(fault.delay_s)
        answer = fake._answer(request)
        if isinstance(answer, Fault):
            self._serve_fault(answer)
            return
        reply = answer if isinstance(answer, Reply) else Reply(answer)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        payload = fake._completion(request, reply)
        try:
            self._send_json(200, payload)
        except OSError:  # the client gave up (timeout): nothing was answered
            return
        fake.answered.append(request)

    def _serve_fault(self, fault: Fault) -> None:
        if fault.kind == "drop":
            self.close_connection = True
            return
        if fault.kind == "invalid_body":
            self._send(200, b'{"id": "chatcmpl-broken", "choices": [', "application/json")
            return
        self._send_json(fault.status, error_body(fault.message, fault.status, fault.code), fault.headers)

    def _send_json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", headers)

    def _send(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
