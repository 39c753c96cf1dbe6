"""The systems under test at run time: each turns an item's prompt into an `Answer`.

An asked target (an endpoint or a local GGUF) talks through its own `llm.Gateway`, so
its answers are cached, retried, recorded or replayed, counted and priced like every
other model call. A responses target looks the answer up in its file. The graph's
generate node calls `answer(item)`; nothing here judges.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from auditor.io import read_items
from auditor.suites.samples import sample_offset
from auditor.targets.config import TargetConfig
from auditor.targets.responses import ResponseLine, read_responses
from auditor.types import Answer, AnswerTag, AuditItem, Provenance

if TYPE_CHECKING:
    from auditor.llm import CacheMode, Gateway
    from auditor.manifest import LLMUsage


class SystemUnderTest(Protocol):
    name: str

    async def answer(self, item: AuditItem) -> Answer: ...


def prompt_messages(item: AuditItem, system_prompt: str | None) -> list[dict[str, str]]:
    """What a target is asked: its system prompt, then the item's prompt with its chat turns kept.

    The system prompt joins an item's own leading system turn rather than adding a second
    one: several chat templates reject a system turn anywhere but first.
    """
    turns = (
        [{"role": "user", "content": item.prompt}]
        if isinstance(item.prompt, str)
        else [t.model_dump() for t in item.prompt]
    )
    if system_prompt is None:
        return turns
    if turns[0]["role"] == "system":
        return [{"role": "system", "content": f"{system_prompt}\n\n{turns[0]['content']}"}, *turns[1:]]
    return [{"role": "system", "content": system_prompt}, *turns]


def make_answer(text: str, finish_reason: str | None, provenance: Provenance | None) -> Answer:
    """An answer with its tags: empty, or cut off at the length limit."""
    tags: list[AnswerTag] = []
    if not text.strip():
        tags.append("empty")
    if finish_reason == "length":
        tags.append("truncated")
    return Answer(text=text, finish_reason=finish_reason, tags=tags, provenance=provenance)


class AskedTarget:
    """A model asked through the gateway."""

    def __init__(self, config: TargetConfig, gateway: Gateway) -> None:
        self.name, self.config, self.gateway = config.name, config, gateway

    async def answer(self, item: AuditItem) -> Answer:
        from auditor.llm import EndpointError, ItemRejected

        messages = prompt_messages(item, self.config.system_prompt)
        try:
            generation = await self.gateway.generate(messages, seed_offset=sample_offset(item))
        except ItemRejected as exc:  # this request only: its verdicts are unscored, the run goes on
            return Answer(error=f"target '{self.name}' {exc}")
        except EndpointError as exc:  # the target cannot serve the run: stop it, in one line
            raise EndpointError(f"target '{self.name}': {exc}") from None
        return make_answer(generation.text, generation.finish_reason, generation.provenance)


class FileTarget:
    """Answers collected elsewhere, from a responses file."""

    def __init__(self, name: str, path: Path, answers: Mapping[str, ResponseLine]) -> None:
        self.name, self.path, self.answers = name, path, answers

    async def answer(self, item: AuditItem) -> Answer:
        line = self.answers.get(item.id)
        if line is None:
            return Answer(error=f"target '{self.name}': {self.path} has no answer for this item")
        return make_answer(line.response, line.finish_reason, None)


@contextlib.asynccontextmanager
async def open_targets(
    targets: list[TargetConfig],
    input_path: Path,
    *,
    cache_dir: str | None,
    max_in_flight: int,
    record: Path | None = None,
    replay: Path | None = None,
    cache: CacheMode = "use",
) -> AsyncIterator[dict[str, SystemUnderTest]]:
    """The config's targets, ready to answer; their gateways (and local servers) close on exit."""
    if not targets:
        yield {}
        return
    files = [t for t in targets if not t.asks_model]
    ids = list(_item_ids(input_path)) if files else []
    opened: dict[str, SystemUnderTest] = {}
    async with contextlib.AsyncExitStack() as stack:
        for config in targets:
            if config.responses is not None:
                path = Path(config.responses)
                opened[config.name] = FileTarget(config.name, path, read_responses(path, ids))
                continue
            from auditor.llm import Gateway

            gateway = Gateway(
                config.settings(cache_dir, max_in_flight),
                record_dir=record,
                replay_dir=replay,
                cache_mode=cache,
            )
            stack.push_async_callback(gateway.aclose)
            opened[config.name] = AskedTarget(config, gateway)
        yield opened


def target_usage(targets: Mapping[str, SystemUnderTest]) -> dict[str, LLMUsage]:
    """Tokens, requests and cost per asked target, for the manifest."""
    from auditor.manifest import LLMUsage

    return {
        name: LLMUsage(
            model=t.gateway.settings.model, total=t.gateway.total_usage(), by_purpose=t.gateway.usage
        )
        for name, t in targets.items()
        if isinstance(t, AskedTarget)
    }


def _item_ids(path: Path) -> Iterator[str]:
    for entry in read_items(path, needs_response=False):
        if isinstance(entry, AuditItem):
            yield entry.id
