"""The LLM gateway: the one way auditor talks to a model.

`Gateway.complete(messages, OutputModel)` returns a `Completion`: the parsed output (or
why there is none), the raw text, logprobs when asked, and provenance. Behind that one
call, in this order: the request body is built (structured.py, request.py); it is
answered from a cassette (replay), the cache, or the endpoint, the last through the
budget, the rate limiter and the retry layer; the exchange is recorded when recording;
the reply is validated and re-asked once if invalid. Judges never retry, cache or count.
In batch mode (`batchmode.py`) the run's batch answers come first, and a request with no
answer goes into the round's batch instead of to the endpoint.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

import openai
from pydantic import BaseModel

from auditor.errors import UserError
from auditor.llm import local as local_backend
from auditor.llm.batchmode import BatchMode
from auditor.llm.cache import CacheMode, ResponseCache, cache_directory
from auditor.llm.cassette import Recorder, Replayer
from auditor.llm.client import Endpoint, make_client, post_chat, resolve_endpoint
from auditor.llm.completion import Completion, Generation, Sample, TokenLogprob, TopLogprob
from auditor.llm.errors import BatchPending, EndpointError, ItemRejected, TransientError
from auditor.llm.limits import AdaptiveLimiter
from auditor.llm.local import LocalServer
from auditor.llm.request import (
    Body,
    Message,
    build_request,
    cache_key,
    follow_up,
    normalize_messages,
    request_hash,
)
from auditor.llm.retry import RetryLog, with_retries
from auditor.llm.settings import LLMSettings
from auditor.llm.structured import OutputInvalid, parse_output, reask_turns
from auditor.llm.tokens import cost_usd, count_request, price_for, same_model
from auditor.llm.usage import Budget, PurposeUsage
from auditor.llm.wire import WireChoice, WireCompletion, parse_body
from auditor.types import Provenance

log = logging.getLogger("auditor.llm")

T = TypeVar("T", bound=BaseModel)
# "batch": a batch's answer, counted in the usage the first time this process reads it.
Source = Literal["network", "cache", "replay", "batch", "batch_seen"]

# If this many requests in a row are refused before any succeeds, the cause is the
# configuration (an unsupported parameter or response_format), not the items.
REJECTIONS_BEFORE_STOP = 5
REASK_FAILED = "invalid output after re-ask"  # how an unscored reason starts when the re-ask failed too


@dataclass
class _Tally:
    """What one `complete` call used, across its first request, extra samples and re-asks."""

    started: float = field(default_factory=time.perf_counter)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = 0.0  # None once any exchange had no price
    reasks: int = 0
    model: str | None = None
    sources: list[Source] = field(default_factory=list)


class Gateway:
    """One per run: one client and connection pool, one cache, one budget, usage per purpose.

    Use as `async with Gateway(settings) as gateway:` or call `aclose()` at the end.
    `environ` (default os.environ) is where the key and $OPENAI_BASE_URL are looked up.
    `record_dir` writes every exchange to a cassette; `replay_dir` answers only from one
    (no network, no key needed, no cache). `max_cost_usd` stops new calls with
    BudgetExceeded before the estimate of the next one would pass it. `cache_mode` "off"
    neither reads nor writes the cache; "refresh" skips what is cached and stores the new answers.
    `batch` puts the gateway in batch mode (answers from the run's batches, misses into the
    next one); no key is required then unless the batch mode sends (`BatchMode.sends`).
    """

    def __init__(
        self,
        settings: LLMSettings,
        *,
        record_dir: Path | str | None = None,
        replay_dir: Path | str | None = None,
        max_cost_usd: float | None = None,
        environ: Mapping[str, str] | None = None,
        cache_mode: CacheMode = "use",
        batch: BatchMode | None = None,
    ) -> None:
        if record_dir is not None and replay_dir is not None:
            raise UserError("cannot record and replay cassettes in the same run: choose one")
        self._local: LocalServer | None = None
        if settings.local is not None:
            settings = local_backend.resolve(settings)
        self.settings = settings
        self._price = settings.prices.get(settings.model)
        if max_cost_usd is not None and self._price is None and replay_dir is None:
            raise UserError(
                f"max_cost_usd is set but llm.prices has no price for model '{settings.model}': "
                "add one so the budget can be enforced"
            )
        self._budget = Budget(max_cost_usd)
        self._usage: dict[str, PurposeUsage] = {}
        self._completion_tokens_seen: dict[str, tuple[int, int]] = {}
        self._retry_log = RetryLog()
        self._limiter = AdaptiveLimiter(
            settings.max_in_flight, settings.requests_per_minute, settings.tokens_per_minute
        )
        self._rejections_before_success = 0
        self._any_success = False
        self._warned_greedy_samples = False
        self._warned_served: set[str] = set()
        self._replayer = Replayer(replay_dir) if replay_dir is not None else None
        self._endpoint: Endpoint | None = None
        self._client: openai.AsyncOpenAI | None = None
        self._cache: ResponseCache | None = None
        self._read_cache = cache_mode == "use"  # "refresh" writes new answers, reads none
        self._recorder: Recorder | None = None
        self._batch = batch
        if batch is not None and replay_dir is not None:
            raise UserError("cannot replay cassettes in a batch run: choose one")
        if self._replayer is None:
            if settings.local is not None:
                self._local = local_backend.LocalServer.start(settings.local, settings.model)
                settings = self.settings = settings.model_copy(update={"base_url": self._local.base_url})
            require_key = batch is None or batch.sends
            self._endpoint = resolve_endpoint(settings, environ, require_key=require_key)
            self._client = make_client(self._endpoint, settings)
            directory = cache_directory(settings.cache_dir)
            if directory is not None and cache_mode != "off":
                self._cache = ResponseCache(directory)
            if record_dir is not None:
                self._recorder = Recorder(record_dir, self._endpoint.display_url)

    async def __aenter__(self) -> Gateway:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    @property
    def endpoint(self) -> Endpoint | None:
        """The endpoint requests go to (None when replaying)."""
        return self._endpoint

    @property
    def client(self) -> openai.AsyncOpenAI | None:
        """The run's client (for the Batch API; None when replaying)."""
        return self._client

    async def aclose(self) -> None:
        """Close the connection pool and the cache, and stop a local model's server."""
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._local is not None:
            self._local.stop()
            self._local = None
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    @property
    def usage(self) -> dict[str, PurposeUsage]:
        """Totals per purpose so far (copies)."""
        return {purpose: u.model_copy() for purpose, u in sorted(self._usage.items())}

    def total_usage(self) -> PurposeUsage:
        """Totals over every purpose."""
        total = PurposeUsage()
        for u in self._usage.values():
            total = total.plus(u)
        return total

    @property
    def spent_usd(self) -> float:
        return self._budget.spent_usd

    @property
    def allowed_in_flight(self) -> int:
        """Requests currently allowed in flight: max_in_flight, lowered after 429s (for progress output)."""
        return self._limiter.allowed_in_flight

    def unplayed(self) -> list[Path]:
        """In replay mode, the recorded exchanges no request has used; otherwise []."""
        return self._replayer.unplayed() if self._replayer else []

    async def complete(
        self,
        messages: Sequence[Message],
        output_type: type[T],
        *,
        n: int = 1,
        logprobs: bool | None = None,
        purpose: str = "judge",
        context: Mapping[str, Any] | None = None,
    ) -> Completion[T]:
        """Ask the model and parse its reply into `output_type`.

        `n` > 1 asks for that many samples in one request (topped up one by one when the
        endpoint ignores `n`). `logprobs` (default: settings.logprobs) returns each
        sample's tokens with their top alternatives. `purpose` groups usage for the run
        summary. `context` goes to the output model's validators (the response that evidence
        quotes must come from). A reply that fails validation is re-asked once; if it fails
        again, or the endpoint refuses the request (400), the Completion is unscored with the
        reason, except that a re-asked reply failing only the context's checks is kept.
        Raises EndpointError (bad key, model or URL; endpoint down past the retry bound),
        BudgetExceeded, or UserError (replay miss).
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        if n > 1 and self.settings.temperature == 0 and not self._warned_greedy_samples:
            self._warned_greedy_samples = True
            log.warning("%s: %d samples at temperature 0 will mostly agree with each other", purpose, n)
        want_logprobs = self.settings.logprobs if logprobs is None else logprobs
        body = build_request(
            self.settings, normalize_messages(messages), output_type, n=n, logprobs=want_logprobs
        )
        usage = self._usage.setdefault(purpose, PurposeUsage())
        tally = _Tally()
        reason: str | None = None
        try:
            samples = await self._samples(body, output_type, n, purpose, tally, context)
        except BatchPending:  # the item waits for the next round; this call is not counted
            return Completion(samples=(), provenance=self._provenance(body, tally), unscored_reason="pending")
        except ItemRejected as exc:
            usage.rejected += 1
            samples = []
            reason = str(exc)
        else:
            if not any(s.parsed is not None for s in samples):
                reason = next((s.unscored_reason for s in samples if s.unscored_reason), "no reply")
        usage.calls += 1
        if reason is not None:
            usage.unscored += 1
        return Completion(
            samples=tuple(samples), provenance=self._provenance(body, tally), unscored_reason=reason
        )

    async def generate(
        self, messages: Sequence[Message], *, purpose: str = "generate", seed_offset: int = 0
    ) -> Generation:
        """Ask the model for a free-text answer (a system under test answering an item's prompt).

        The same path as `complete` (cassette, cache, budget, retries, usage), without a schema
        or a re-ask: the answer is what the model said, an empty or cut-off one included.
        `seed_offset` > 0 asks for another draw (another seed, another cache entry): the
        repeated samples of a reliability run. Raises ItemRejected when the endpoint refuses
        this request, and what `complete` raises.
        """
        body = build_request(self.settings, normalize_messages(messages), None)
        if seed_offset:
            body = follow_up(body, [], seed_offset=seed_offset)
        self._usage.setdefault(purpose, PurposeUsage()).calls += 1
        tally = _Tally()
        try:
            reply = await self._exchange(body, purpose, tally)
        except ItemRejected:
            self._usage[purpose].rejected += 1
            raise
        choice = reply.choices[0]  # a parsed reply has at least one
        return Generation(
            text=choice.message.content or "",
            finish_reason=choice.finish_reason,
            provenance=self._provenance(body, tally),
        )

    async def _samples(
        self,
        body: Body,
        output_type: type[T],
        n: int,
        purpose: str,
        tally: _Tally,
        context: Mapping[str, Any] | None,
    ) -> list[Sample[T]]:
        first = await self._exchange(body, purpose, tally)
        read = [self._read_choice(c, output_type, context) for c in first.choices[:n]]
        for i in range(len(read), n):  # the endpoint ignored `n` (llama.cpp, some proxies)
            try:
                extra = await self._exchange(follow_up(body, [], seed_offset=i), purpose, tally)
            except ItemRejected as exc:
                read.append((Sample(None, "", unscored_reason=str(exc)), False))
                continue
            read.append(self._read_choice(extra.choices[0], output_type, context))
        samples = []
        for sample, reaskable in read:
            if reaskable:
                sample = await self._reask(body, sample, output_type, purpose, tally, context)
            samples.append(sample)
        return samples

    async def _reask(
        self,
        body: Body,
        sample: Sample[T],
        output_type: type[T],
        purpose: str,
        tally: _Tally,
        context: Mapping[str, Any] | None,
    ) -> Sample[T]:
        """One more try with the invalid reply and its error in the conversation.

        The context's checks (quotes found in the response) ask for a better reply but do
        not cost the verdict: a second reply valid without them is kept.
        """
        error = sample.unscored_reason or "invalid output"
        tally.reasks += 1
        self._usage[purpose].reasks += 1
        try:
            answer = await self._exchange(follow_up(body, reask_turns(sample.raw, error)), purpose, tally)
        except ItemRejected as exc:
            return replace(sample, unscored_reason=f"invalid output ({error}), and the re-ask was {exc}")
        again, invalid = self._read_choice(answer.choices[0], output_type, context)
        if invalid and context:
            lenient, invalid = self._read_choice(answer.choices[0], output_type)
            again = again if invalid else lenient
        if invalid:
            again = replace(again, unscored_reason=f"{REASK_FAILED}: {again.unscored_reason}")
        return replace(again, reasked=True, reask_reason=error)

    def _read_choice(
        self, choice: WireChoice, output_type: type[T], context: Mapping[str, Any] | None = None
    ) -> tuple[Sample[T], bool]:
        """The sample in one choice, and whether it failed validation (worth a re-ask).

        A refusal is not re-asked: asking again for the same thing gets the same refusal.
        """
        raw = choice.message.content or ""
        logprobs = _token_logprobs(choice)
        if choice.message.refusal:
            reason = f"refused: {choice.message.refusal}"
            return Sample(None, raw, logprobs, reason, finish_reason=choice.finish_reason), False
        try:
            parsed = parse_output(raw, output_type, context)
        except OutputInvalid as exc:
            reason = str(exc)
            if choice.finish_reason == "length":
                reason += (
                    f" (the reply was cut off at {self.settings.max_tokens_param}={self.settings.max_tokens})"
                )
            return Sample(None, raw, logprobs, reason, finish_reason=choice.finish_reason), True
        return Sample(parsed, raw, logprobs, finish_reason=choice.finish_reason), False

    async def _exchange(self, body: Body, purpose: str, tally: _Tally) -> WireCompletion:
        """One request answered from the cassette, the cache or the endpoint."""
        usage = self._usage[purpose]
        source: Source
        if self._replayer is not None:
            response = self._replayer.lookup(body)
            source = "replay"
            usage.replayed += 1
        else:
            response, source = await self._cached_or_fetched(body, purpose)
            if self._recorder is not None:
                self._recorder.write(body, response)
        try:
            completion = parse_body(response)
        except ValueError as exc:  # only a hand-edited cassette can get here
            raise UserError(f"recorded response for request {request_hash(body)[:16]} is {exc}") from None
        batched = source in ("batch", "batch_seen")
        spent = self._served_cost(completion, batch=batched) if source == "network" or batched else 0.0
        self._account(purpose, completion, spent, tally, source)
        return completion

    async def _cached_or_fetched(self, body: Body, purpose: str) -> tuple[dict[str, Any], Source]:
        assert self._endpoint is not None
        endpoint = local_backend.CACHE_ENDPOINT if self._local else self._endpoint.base_url
        key = cache_key(endpoint, self.settings.cache_namespace, body)
        if self._batch is not None and (found := await self._batch.answer(key)) is not None:
            return found[0], "batch" if found[1] else "batch_seen"
        if self._cache is not None and self._read_cache:
            cached = await self._cache.get(key)
            if cached is not None:
                self._usage[purpose].cache_hits += 1
                return cached, "cache"
        if self._batch is not None:
            self._batch.defer(key, body)  # BatchPending, BatchFailed, or back here for an online retry
        response = await self._fetch(body, purpose)
        if self._cache is not None:
            await self._cache.set(key, response)
        return response, "network"

    async def _fetch(self, body: Body, purpose: str) -> dict[str, Any]:
        """The endpoint's answer, within the budget, the rate limits and the retry bound."""
        client, endpoint = self._client, self._endpoint
        assert client is not None and endpoint is not None, "the gateway is closed"
        usage = self._usage[purpose]
        samples = int(body.get("n", 1))
        counting = self._budget.limit_usd is not None or self.settings.tokens_per_minute is not None
        prompt_estimate = count_request(body)[0] if counting else 0
        expected = self._expected_completion_tokens(purpose) * samples
        reserved = 0.0
        if self._budget.limit_usd is not None:
            reserved = self._budget.reserve(cost_usd(self._price, prompt_estimate, expected) or 0.0)
        # Providers count max_tokens against the tokens-per-minute limit when a request starts.
        rate_tokens = prompt_estimate + self.settings.max_tokens * samples

        async def attempt() -> tuple[dict[str, Any], WireCompletion]:
            async with self._limiter.slot(rate_tokens) as admitted_at:
                try:
                    result = await post_chat(client, endpoint, body)
                except TransientError as exc:
                    if exc.rate_limited:
                        self._limiter.on_rate_limited(admitted_at, exc.retry_after)
                    raise
                except ItemRejected as exc:
                    self._note_rejection(exc, endpoint)
                    raise
            self._limiter.on_success()
            self._any_success = True
            return result

        def count_retry() -> None:
            usage.retries += 1

        actual: float | None = 0.0
        try:
            response, completion = await with_retries(
                attempt,
                self.settings,
                what=f"{endpoint.display_url} (model '{self.settings.model}')",
                on_retry=count_retry,
                retry_log=self._retry_log,
            )
            actual = self._served_cost(completion)
        finally:
            self._budget.settle(reserved, actual or 0.0)
        usage.requests += 1
        if actual is None and self._budget.limit_usd is not None:
            raise UserError(
                f"max_cost_usd is set but {endpoint.display_url} served model '{completion.model}', "
                "which has no price in llm.prices: add one so the budget can be enforced"
            )
        return response

    def _served_cost(self, completion: WireCompletion, *, batch: bool = False) -> float | None:
        """The exchange's cost at the price of the model that answered (None: unknown), at its
        batch rate for a batch's answer.

        A served model other than the requested one is warned about once per name.
        """
        served = completion.model or self.settings.model
        if not same_model(self.settings.model, served) and served not in self._warned_served:
            self._warned_served.add(served)
            priced = (
                "priced as itself" if served in self.settings.prices else "no price, so its cost is unknown"
            )
            log.warning(
                "requested model '%s' but the endpoint served '%s' (%s)", self.settings.model, served, priced
            )
        return cost_usd(price_for(self.settings, served), *_tokens(completion), batch=batch)

    def _note_rejection(self, exc: ItemRejected, endpoint: Endpoint) -> None:
        if self._any_success:
            return
        self._rejections_before_success += 1
        if self._rejections_before_success >= REJECTIONS_BEFORE_STOP:
            raise EndpointError(
                f"the first {self._rejections_before_success} requests to {endpoint.display_url} "
                f"(model '{self.settings.model}') were all refused, last {exc}; check llm.structured_output, "
                "llm.max_tokens_param and the sampling settings against what the endpoint supports"
            )

    def _expected_completion_tokens(self, purpose: str) -> int:
        """Per sample: the mean seen so far for this purpose, or max_tokens before any reply."""
        total, count = self._completion_tokens_seen.get(purpose, (0, 0))
        return round(total / count) if count else self.settings.max_tokens

    def _account(
        self, purpose: str, completion: WireCompletion, spent: float | None, tally: _Tally, source: Source
    ) -> None:
        prompt, generated = _tokens(completion)
        if source in ("network", "batch"):  # the run's totals are what this run spent
            usage = self._usage[purpose]
            usage.batched += int(source == "batch")
            usage.prompt_tokens += prompt
            usage.completion_tokens += generated
            usage.cost_usd += spent or 0.0
            usage.unpriced += int(spent is None)
        total, count = self._completion_tokens_seen.get(purpose, (0, 0))
        self._completion_tokens_seen[purpose] = (total + generated, count + len(completion.choices))
        tally.prompt_tokens += prompt
        tally.completion_tokens += generated
        tally.cost_usd = None if tally.cost_usd is None or spent is None else tally.cost_usd + spent
        tally.model = tally.model or completion.model
        tally.sources.append(source)
        log.debug("%s: %s answered (%d+%d tokens)", purpose, source, prompt, generated)

    def _provenance(self, body: Body, tally: _Tally) -> Provenance:
        return Provenance(
            backend="llm",
            model=tally.model or self.settings.model,
            prompt_tokens=tally.prompt_tokens,
            completion_tokens=tally.completion_tokens,
            cost_usd=tally.cost_usd,
            latency_ms=round((time.perf_counter() - tally.started) * 1000, 3),
            cached=bool(tally.sources) and all(s == "cache" for s in tally.sources),
            replayed=bool(tally.sources) and all(s == "replay" for s in tally.sources),
            reasks=tally.reasks,
            request_hash=request_hash(body),
        )


def _tokens(completion: WireCompletion) -> tuple[int, int]:
    usage = completion.usage
    return (usage.prompt_tokens, usage.completion_tokens) if usage else (0, 0)


def _token_logprobs(choice: WireChoice) -> tuple[TokenLogprob, ...] | None:
    if choice.logprobs is None or choice.logprobs.content is None:
        return None
    return tuple(
        TokenLogprob(t.token, t.logprob, tuple(TopLogprob(a.token, a.logprob) for a in t.top_logprobs))
        for t in choice.logprobs.content
    )
