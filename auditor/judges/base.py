"""The judge protocol: what every judge, offline or LLM, looks like to the graph."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from auditor.errors import UserError
from auditor.pii.redact import redact_for_log
from auditor.types import AuditItem, Backend, Provenance, Verdict

log = logging.getLogger(__name__)


@runtime_checkable
class Judge(Protocol):
    """Decides one criterion for one item.

    `applies` says whether the judge can say anything about the item (an accuracy judge
    needs a reference or a context). `judge` never raises for a bad model reply: it
    returns an unscored verdict with the reason. Retries, caching and token counting are
    the LLM gateway's business, never a judge's. `backend` is what its verdicts'
    provenance names, also when the judge crashes and no verdict of its own exists.
    """

    name: str
    criterion: str

    @property
    def backend(self) -> Backend: ...

    def applies(self, item: AuditItem) -> bool: ...

    async def judge(self, item: AuditItem) -> Verdict: ...


async def close_judges(judges: Iterable[Judge]) -> None:
    """Release what judges hold between items (worker processes); a judge without `aclose` holds nothing."""
    for judge in judges:
        aclose = getattr(judge, "aclose", None)
        if aclose is not None:
            await aclose()


async def verdict_or_unscored(judge: Judge, item: AuditItem) -> Verdict:
    """The judge's verdict; a crash is an unscored verdict, so one item cannot stop a batch.

    A `UserError` (a wrong key or model, the budget) still stops the run with one clear line.
    Used by the graph and by `auditor probe`, so a crash reads the same in both.
    """
    started = time.perf_counter()
    try:
        return await judge.judge(item)
    except UserError:
        raise
    except Exception as exc:
        details = await asyncio.to_thread(redact_for_log, traceback.format_exc())
        log.error("judge %s crashed on item %s:\n%s", judge.name, item.id, details)
        return Verdict.unscored(
            judge.name,
            judge.criterion,
            f"judge error: {type(exc).__name__}: {exc}",
            Provenance(backend=judge.backend, latency_ms=(time.perf_counter() - started) * 1000),
            error_type=error_type(exc),
        )


@runtime_checkable
class EstimableJudge(Protocol):
    """An LLM judge whose requests for an item are known before it runs: the messages of
    every call (`requests`), sent with `samples` answers each and read into `output_type`.
    The dry run estimates them and a batch run's first round asks them all in advance."""

    name: str
    samples: int
    expected_output_tokens: int
    output_type: type[BaseModel]

    def applies(self, item: AuditItem) -> bool: ...

    def requests(self, item: AuditItem) -> list[list[dict[str, str]]]: ...


def error_type(exc: BaseException) -> str:
    """The exception's class, with its module unless it is a builtin: "json.decoder.JSONDecodeError"."""
    cls = type(exc)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"
