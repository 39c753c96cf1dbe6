"""The batch runner: stream items through the graph with bounded concurrency.

Memory stays flat: items are read lazily and a fixed pool of workers, one task group,
pulls from the stream. Each finished record is appended to `records.jsonl` at once, so a
crash or a Ctrl-C loses nothing that was finished, and `--resume` judges only what is
missing. An error that stops the run (a wrong key, an endpoint gone) cancels the other
workers: their items are absent, never half written. Ctrl-C and a reached budget stop
taking new items and let the ones in flight finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor import __version__
from auditor.config import AuditConfig, JudgeConfig
from auditor.errors import UserError
from auditor.graph.build import build_graph
from auditor.graph.state import RunContext
from auditor.io import BadLine, count_lines, file_sha256, read_items
from auditor.judges.base import Judge
from auditor.judges.registry import judges_for, needs_llm
from auditor.llm.errors import BudgetExceeded
from auditor.manifest import InputFile, JudgeEntry, LLMUsage, Manifest, Resume, Status, resume_changes
from auditor.progress import Progress
from auditor.routing import RoutingPolicy
from auditor.rundir import RunDir, read_records, trim_to_whole_records
from auditor.summary import RunStats
from auditor.templates import load_prompt, load_rubric
from auditor.types import AuditItem, AuditRecord

if TYPE_CHECKING:
    from auditor.llm import CacheMode, Gateway


@dataclass
class RunOptions:
    input: Path
    out: Path
    resume: bool = False
    force: bool = False  # with resume: accept a changed input, judges, prompt, rubric or model
    overwrite: bool = False
    progress: bool = True
    config_path: Path | None = None
    record: Path | None = None  # write every LLM exchange to this cassette directory
    replay: Path | None = None  # answer LLM calls only from this cassette directory
    cache: CacheMode = "use"  # "off": --no-cache, "refresh": --refresh-cache


@dataclass
class RunResult:
    out: Path
    status: Status
    stats: RunStats
    elapsed_s: float
    manifest: Manifest
    skipped_done: int = 0
    stop_reason: str | None = None


async def run_audit(
    config: AuditConfig, options: RunOptions, judges: Sequence[Judge] | None = None
) -> RunResult:
    """Judge every item of `options.input` and write the run directory.

    `judges` defaults to the config's; pass your own to run custom judges.
    """
    if not options.input.is_file():
        raise UserError(f"{options.input}: input file not found")
    rundir = _prepare_rundir(options)
    async with gateway_for(config, options.record, options.replay, options.cache) as gateway:
        if judges is not None:  # the caller's judges: the caller closes them
            return await _run_batch(config, options, rundir, list(judges), gateway)
        async with judges_for(config, gateway) as built:
            return await _run_batch(config, options, rundir, built, gateway)


async def _run_batch(
    config: AuditConfig, options: RunOptions, rundir: RunDir, judges: list[Judge], gateway: Gateway | None
) -> RunResult:
    batch = _Batch(config, options, rundir, judges)
    result = await batch.run()
    if gateway is not None:
        result.manifest.llm = LLMUsage(
            model=gateway.settings.model, total=gateway.total_usage(), by_purpose=gateway.usage
        )
        rundir.write_manifest(result.manifest)
    return result


@contextlib.asynccontextmanager
async def gateway_for(
    config: AuditConfig, record: Path | None = None, replay: Path | None = None, cache: CacheMode = "use"
) -> AsyncIterator[Gateway | None]:
    """One gateway (one client, cache and budget) for the whole run, when a judge needs it."""
    if not needs_llm(config):
        yield None
        return
    if config.llm is None:
        raise UserError("an LLM judge is configured but the config has no 'llm:' section (model, endpoint)")
    from auditor.llm import Gateway

    settings = config.llm.model_copy(update={"max_in_flight": config.concurrency})
    gateway = Gateway(
        settings, record_dir=record, replay_dir=replay, max_cost_usd=config.max_cost_usd, cache_mode=cache
    )
    try:
        yield gateway
    finally:
        await gateway.aclose()


class _Batch:
    """One pass over the input: workers, the run directory, counts and the stop signal."""

    def __init__(self, config: AuditConfig, options: RunOptions, rundir: RunDir, judges: list[Judge]) -> None:
        self.config, self.options, self.rundir = config, options, rundir
        self.graph = build_graph(judges)
        self.context = RunContext(routing=RoutingPolicy.from_config(config.routing))
        self.stats = RunStats()
        # Checked before anything in the run directory changes: a refused resume leaves it as it was.
        self.manifest = _start_manifest(config, options, rundir, judges)
        self.done = trim_to_whole_records(rundir.records_path) if options.resume else set()
        self.stop = asyncio.Event()
        self.stop_reason: list[str] = []
        self.status: Status = "complete"

    def halt(self, status: Status, reason: str) -> None:
        if not self.stop_reason:
            self.status = status
            self.stop_reason.append(reason)
        self.stop.set()

    async def run(self) -> RunResult:
        if self.done:
            for record in read_records(self.rundir.records_path):
                self.stats.add(record)
        t0 = time.perf_counter()
        self.manifest.status, self.manifest.started_at = "running", _now()
        self.rundir.write_manifest(self.manifest)
        self.rundir.open(append=self.options.resume)
        progress = Progress(
            total=count_lines(self.options.input), done=len(self.done), enabled=self.options.progress
        )
        source = read_items(self.options.input)
        try:
            with _stop_on_signals(self), progress:
                await self._work(source, progress)
        except UserError as exc:
            self.halt("failed", str(exc))
            self._finish(time.perf_counter() - t0)
            raise
        finally:
            self.rundir.close()
        return self._finish(time.perf_counter() - t0)

    async def _work(self, source: Iterator[AuditItem | BadLine], progress: Progress) -> None:
        """The workers as one task group: the first error cancels the others and waits for them.

        A cancelled worker is inside `_judge_item` (records are written without an await),
        so its item is absent, never half written, and the run directory is closed only
        after every worker has stopped.
        """
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(self.config.concurrency):
                    group.create_task(self.worker(source, progress))
        except BaseExceptionGroup as group_error:
            # Workers raise only what stops the run; show the user's error before any other.
            errors = group_error.exceptions
            raise next((e for e in errors if isinstance(e, UserError)), errors[0]) from None

    async def worker(self, source: Iterator[AuditItem | BadLine], progress: Progress) -> None:
        for entry in _until(self.stop, source):
            if isinstance(entry, BadLine):
                self.stats.add_bad_line(entry)
                self.rundir.write_error(entry)
                progress.advance()
                if self.config.fail_fast:
                    self.halt("failed", str(entry.error))
                continue
            if entry.id in self.done:
                continue
            try:
                record = await _judge_item(self.graph, self.context, entry)
            except BudgetExceeded as exc:
                # The item is not written; `--resume` with a larger budget judges it.
                self.halt("budget", f"budget reached: {exc}")
                return
            self.rundir.write_record(record)
            self.stats.add(record)
            progress.advance()

    def _finish(self, elapsed: float) -> RunResult:
        new_items = self.stats.items - len(self.done)
        m = self.manifest
        m.status, m.stop_reason = self.status, self.stop_reason[0] if self.stop_reason else None
        m.finished_at, m.elapsed_s = _now(), round(elapsed, 3)
        m.items_per_s = round(new_items / elapsed, 2) if elapsed > 0 else None
        m.counts, m.versions, m.bad_lines = (
            self.stats.as_dict(),
            self.stats.versions,
            self.stats.bad_lines[:200],
        )
        self.rundir.write_manifest(m)
        return RunResult(
            out=self.rundir.path,
            status=self.status,
            stats=self.stats,
            elapsed_s=elapsed,
            skipped_done=len(self.done),
            stop_reason=self.stop_reason[0] if self.stop_reason else None,
            manifest=self.manifest,
        )


async def _judge_item(graph: Any, context: RunContext, item: AuditItem) -> AuditRecord:
    started = time.perf_counter()
    state = await graph.ainvoke({"item": item}, context=context)
    return AuditRecord(
        item_id=item.id,
        verdicts=state["verdicts_sorted"],
        consensus=state["consensus"],
        route=state["route"],
        metadata=item.metadata,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
    )


def _until(stop: asyncio.Event, source: Iterator[AuditItem | BadLine]) -> Iterator[AuditItem | BadLine]:
    """Items from a shared stream until asked to stop; safe because workers share one loop."""
    while not stop.is_set():
        entry = next(source, None)
        if entry is None:
            return
        yield entry


def _prepare_rundir(options: RunOptions) -> RunDir:
    records = options.out / "records.jsonl"
    has_run = records.exists() and records.stat().st_size > 0
    if has_run and not (options.resume or options.overwrite):
        raise UserError(
            f"{options.out}: already holds a run; add --resume to finish it, "
            "--overwrite to replace it, or choose another --out"
        )
    if options.resume and not has_run and not options.out.exists():
        raise UserError(f"{options.out}: nothing to resume (no run directory there)")
    return RunDir(options.out)


def _start_manifest(
    config: AuditConfig, options: RunOptions, rundir: RunDir, judges: list[Judge]
) -> Manifest:
    """This run's manifest; on resume, the run's own, checked against what is about to run."""
    now = Manifest(
        config_file=str(options.config_path) if options.config_path else None,
        config=config,
        input=InputFile(
            path=str(options.input), sha256=file_sha256(options.input), lines=count_lines(options.input)
        ),
        judges=[_judge_entry(j, config) for j in judges],
        cassette=str(options.record or options.replay) if options.record or options.replay else None,
    )
    if not (options.resume and rundir.has_manifest):
        return now
    before = rundir.read_manifest()
    changes = resume_changes(before, now)
    if changes and not options.force:
        raise UserError(
            f"{options.out}: cannot resume, changed since the run: {'; '.join(changes)} "
            "(add --force to resume anyway)"
        )
    resume = Resume(at=_now(), input_sha256=now.input.sha256, forced=bool(changes), changed=changes)
    # The input stays the one the run started with; the judges are those that run from now on.
    return before.model_copy(
        update={
            "auditor_version": __version__,
            "config_file": now.config_file,
            "config": config,
            "judges": now.judges,
            "cassette": now.cassette or before.cassette,
            "resumes": [*before.resumes, resume],
        }
    )


def _judge_entry(judge: Judge, config: AuditConfig) -> JudgeEntry:
    """What the manifest keeps of a judge: from its config entry, if it has one."""
    jc: JudgeConfig | None = next((c for c in config.judges if c.name == judge.name), None)
    if jc is None:
        return JudgeEntry(name=judge.name, criterion=judge.criterion)
    return JudgeEntry(
        name=judge.name,
        criterion=judge.criterion,
        kind=jc.kind,
        model=config.llm.model if config.llm is not None and jc.calls_model else None,
        prompt_version=load_prompt(jc.prompt).full_version if jc.prompt else None,
        rubric_version=load_rubric(jc.rubric).full_version if jc.rubric else None,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()


@contextlib.contextmanager
def _stop_on_signals(batch: _Batch) -> Iterator[None]:
    """SIGINT/SIGTERM: stop taking new items, let the ones in flight finish and be written."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, batch.halt, "interrupted", f"stopped by {sig.name}")
            installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
