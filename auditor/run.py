"""The batch runner: stream items through the graph with bounded concurrency.

Memory stays flat: items are read lazily and a fixed pool of workers, one task group,
pulls from the stream. Each finished record is appended to `records.jsonl` at once, so a
crash or a Ctrl-C loses nothing that was finished, and `--resume` judges only what is
missing. An error that stops the run (a wrong key, an endpoint gone) cancels the other
workers: their items are absent, never half written. Ctrl-C and a reached budget stop
taking new items and let the ones in flight finish. A batch run (`options.batch`) makes
passes in rounds (`auditor.batch.rounds`): an item waiting for a batch answer is not
written in that pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor import __version__
from auditor.config import AuditConfig, JudgeConfig
from auditor.errors import UserError
from auditor.graph.build import build_graph
from auditor.graph.state import RunContext
from auditor.io import BadLine, count_lines, file_sha256, read_items, require_input
from auditor.judges.base import EstimableJudge, Judge
from auditor.judges.registry import judges_for, needs_llm
from auditor.llm.errors import BudgetExceeded
from auditor.llm.pending import item_scope
from auditor.llm.settings import USER_CACHE
from auditor.manifest import InputFile, JudgeEntry, LLMUsage, Manifest, Resume, Status, resume_changes
from auditor.pii.workers import refuse_in_starting_worker
from auditor.progress import Progress
from auditor.routing import RoutingPolicy
from auditor.rundir import RunDir, read_records, trim_to_whole_records
from auditor.suites.options import calls_model as suites_call_model
from auditor.suites.registry import derive_items, run_suites
from auditor.summary import RunStats
from auditor.targets.systems import SystemUnderTest, open_targets, target_usage
from auditor.templates import load_prompt, load_rubric
from auditor.types import AuditItem, AuditRecord

if TYPE_CHECKING:
    from auditor.batch.rounds import BatchPlan, Rounds
    from auditor.batch.state import Round
    from auditor.llm import CacheMode, Gateway
    from auditor.llm.batchmode import BatchMode


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
    batch: BatchPlan | None = None  # --batch, --batch-export DIR, --batch-ingest FILE...


@dataclass
class RunResult:
    out: Path
    status: Status
    stats: RunStats
    elapsed_s: float
    manifest: Manifest
    skipped_done: int = 0
    stop_reason: str | None = None
    waiting: Round | None = None  # status "waiting": the exported batch round the run waits for
    batch_notes: list[str] = field(default_factory=list)


async def run_audit(
    config: AuditConfig, options: RunOptions, judges: Sequence[Judge] | None = None
) -> RunResult:
    """Judge every item of `options.input` and write the run directory.

    `judges` defaults to the config's; pass your own to run custom judges.
    """
    refuse_in_starting_worker()  # an unguarded script imported by a PII worker: not a second run
    require_input(options.input)
    rundir = _prepare_rundir(options)
    mode = _batch_mode(config, options)
    async with (
        gateway_for(config, options.record, options.replay, options.cache, mode) as gateway,
        open_targets(
            config.targets,
            options.input,
            cache_dir=config.llm.cache_dir if config.llm else USER_CACHE,
            max_in_flight=config.concurrency,
            record=options.record,
            replay=options.replay,
            cache=options.cache,
            batch=mode,
        ) as targets,
    ):
        # The caller's judges are the caller's to close; the config's are built and closed here.
        own = judges_for(config, gateway) if judges is None else contextlib.nullcontext(list(judges))
        async with own as active:
            result = await _run_batch(config, options, rundir, active, targets, gateway, mode)
        if config.suites or config.samples > 1:
            from auditor.suites.command import write_robustness

            write_robustness(rundir.path)  # over the items finished so far, whatever the run's status
        return result


async def _run_batch(
    config: AuditConfig,
    options: RunOptions,
    rundir: RunDir,
    judges: list[Judge],
    targets: Mapping[str, SystemUnderTest],
    gateway: Gateway | None,
    mode: BatchMode | None,
) -> RunResult:
    batch = _Batch(config, options, rundir, judges, targets, gateway)
    try:
        return await batch.run(_rounds(options, rundir, mode, gateway))
    finally:
        if mode is not None:
            mode.close()
        _write_usage(rundir, batch.manifest, gateway, targets)


def _write_usage(
    rundir: RunDir, manifest: Manifest, gateway: Gateway | None, targets: Mapping[str, SystemUnderTest]
) -> None:
    """The judges' and the targets' model usage into the manifest, also when the run stopped."""
    if gateway is None and not targets:
        return
    if gateway is not None:
        manifest.llm = LLMUsage(
            model=gateway.settings.model, total=gateway.total_usage(), by_purpose=gateway.usage
        )
    manifest.targets = target_usage(targets)
    rundir.write_manifest(manifest)


def _batch_mode(config: AuditConfig, options: RunOptions) -> BatchMode | None:
    if options.batch is None:
        return None
    if config.llm is None or not needs_llm(config):
        raise UserError("--batch, --batch-export and --batch-ingest need an LLM judge and an 'llm:' section")
    from auditor.batch.state import BATCH_DIR, BatchLog
    from auditor.llm.batchmode import BatchMode
    from auditor.llm.cache import cache_directory

    if options.overwrite:  # a new run: the earlier one's batch answers and rounds go with it
        shutil.rmtree(options.out / BATCH_DIR, ignore_errors=True)
    elif not options.resume and BatchLog.read(options.out).open_round is not None:
        raise UserError(
            f"{options.out}: holds a batch run waiting for its batches; add --resume to pick them up, "
            "--overwrite to start again, or choose another --out"
        )
    mirror = cache_directory(config.llm.cache_dir) if options.cache != "off" else None
    submits = options.batch.kind == "api"
    return BatchMode(options.out / BATCH_DIR, config.llm.batch, submits=submits, mirror=mirror)


def _rounds(
    options: RunOptions, rundir: RunDir, mode: BatchMode | None, gateway: Gateway | None
) -> Rounds | None:
    if mode is None:
        return None
    assert options.batch is not None  # a batch mode exists only for a batch run
    from auditor.batch.rounds import Rounds
    from auditor.llm.batchapi import BatchAPI

    api = None
    if options.batch.kind == "api":
        assert gateway is not None and gateway.client is not None and gateway.endpoint is not None
        api = BatchAPI(gateway.client, gateway.endpoint, gateway.settings)
    return Rounds(options.batch, rundir.path, mode, api, progress=options.progress)


@contextlib.asynccontextmanager
async def gateway_for(
    config: AuditConfig,
    record: Path | None = None,
    replay: Path | None = None,
    cache: CacheMode = "use",
    batch: BatchMode | None = None,
) -> AsyncIterator[Gateway | None]:
    """One gateway (one client, cache and budget) for the whole run, when a judge or a suite needs it."""
    if not (needs_llm(config) or suites_call_model(config.suites)):
        yield None
        return
    if config.llm is None:
        raise UserError(
            "an LLM judge or a model suite is configured, "
            "but the config has no 'llm:' section (model, endpoint)"
        )
    from auditor.llm import Gateway

    settings = config.llm.model_copy(update={"max_in_flight": config.concurrency})
    gateway = Gateway(
        settings,
        record_dir=record,
        replay_dir=replay,
        max_cost_usd=config.max_cost_usd,
        cache_mode=cache,
        batch=batch,
    )
    try:
        yield gateway
    finally:
        await gateway.aclose()


class _Batch:
    """One pass over the input: workers, the run directory, counts and the stop signal."""

    def __init__(
        self,
        config: AuditConfig,
        options: RunOptions,
        rundir: RunDir,
        judges: list[Judge],
        targets: Mapping[str, SystemUnderTest],
        gateway: Gateway | None = None,
    ) -> None:
        self.config, self.options, self.rundir = config, options, rundir
        self.judges = judges
        self.graph = build_graph(judges, generate=bool(targets))
        self.suites = run_suites(config.suites, config.samples)
        self.gateway = gateway  # the judges' gateway, which a model suite's rewrites go through
        self.context = RunContext(routing=RoutingPolicy.from_config(config.routing), targets=targets)
        # One unit of work is an item, or an item for each target: resume keys are (item id, target).
        self.target_names: list[str | None] = list(targets) or [None]
        self.stats = RunStats()
        # Checked before anything in the run directory changes: a refused resume leaves it as it was.
        self.manifest = _start_manifest(config, options, rundir, judges)
        self.done = trim_to_whole_records(rundir.records_path) if options.resume else set()
        self.stop = asyncio.Event()
        self.stop_reason: str | None = None  # the first reason to stop; later ones change nothing
        self.status: Status = "complete"
        self.passes = 0
        # (item id, target) written by this invocation (a batch run makes several passes)
        self.written: set[tuple[str, str | None]] = set()
        self.waiting = 0  # items of the current pass that wait for a batch answer

    def halt(self, status: Status, reason: str) -> None:
        if self.stop_reason is None:
            self.status, self.stop_reason = status, reason
        self.stop.set()

    async def run(self, rounds: Rounds | None = None) -> RunResult:
        if self.done:
            for record in read_records(self.rundir.records_path):
                self.stats.add(record)
        t0 = time.perf_counter()
        self.manifest.status, self.manifest.started_at = "running", _now()
        self.rundir.write_manifest(self.manifest)
        try:
            with _stop_on_signals(self):
                if rounds is None:
                    await self.one_pass()
                else:
                    await rounds.drive(self.one_pass, self.prefill, self.stop)
        except UserError as exc:
            self.halt("failed", str(exc))
            self._finish(time.perf_counter() - t0)
            raise
        if rounds is not None and rounds.waiting is not None:
            self.status = "waiting"
        result = self._finish(time.perf_counter() - t0)
        if rounds is not None:
            result.waiting, result.batch_notes = rounds.waiting, rounds.notes
        return result

    async def one_pass(self) -> None:
        """Every item not yet written, once through the graph (a batch run calls this per round)."""
        self.passes += 1
        self.waiting = 0
        self.rundir.open(append=self.options.resume or self.passes > 1)
        progress = Progress(
            total=count_lines(self.options.input) * len(self.target_names),
            # with suites, every item passes again (its variants may be missing)
            done=0 if self.suites else len(self.done) + len(self.written),
            enabled=self.options.progress,
        )
        try:
            with progress:
                source = read_items(self.options.input, needs_response=not self.config.targets)
                await self._work(source, progress)
        finally:
            self.rundir.close()

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

    async def prefill(self) -> None:
        """A batch run's first round without the graph: every request the judges name in advance.

        The judges' `requests(item)` are what their calls send (the dry run counts the same),
        so the next pass finds their answers; what only a pass can know (re-asks, PII
        adjudication, suites' variants) goes into the round after. With targets the judges
        grade the targets' answers, which only a pass produces: nothing is asked in advance.
        """
        assert self.gateway is not None
        if self.target_names != [None]:
            return
        judges = [j for j in self.judges if isinstance(j, EstimableJudge)]
        lines = count_lines(self.options.input)
        with Progress(total=lines, enabled=self.options.progress, label="batch requests") as progress:
            for entry in _until(self.stop, read_items(self.options.input)):
                progress.advance()
                if isinstance(entry, BadLine) or self._finished((entry.id, None)):
                    continue
                for judge in judges:
                    if judge.applies(entry):
                        for messages in judge.requests(entry):
                            await self.gateway.prepare_batch(messages, judge.output_type, n=judge.samples)

    async def worker(self, source: Iterator[AuditItem | BadLine], progress: Progress) -> None:
        for entry in _until(self.stop, source):
            if isinstance(entry, BadLine):
                if self.passes > 1:  # counted and written in the first pass
                    continue
                self.stats.add_bad_line(entry)
                self.rundir.write_error(entry)
                progress.advance()
                if self.config.fail_fast:
                    self.halt("failed", str(entry.error))
                continue
            try:
                await self._item(entry, progress)
            except BudgetExceeded as exc:
                # The item is not written; `--resume` with a larger budget judges it.
                self.halt("budget", f"budget reached: {exc}")
                return

    def _finished(self, key: tuple[str, str | None]) -> bool:
        return key in self.done or key in self.written

    async def _item(self, entry: AuditItem, progress: Progress) -> None:
        """One input item and its suites' variants, for each target; each record written as it finishes.

        In a batch round, a record whose answers wait for the batch is not written: a later pass
        judges it again from the ingested answers.
        """
        if not self.suites and all(self._finished((entry.id, t)) for t in self.target_names):
            return  # with suites, a judged item's variants may be missing: they are derived again (same ids)
        with item_scope():  # a model suite's rewrite may wait for a batch: its variant comes in a later pass
            items = [entry, *await derive_items(entry, self.suites, self.gateway)]
        for target in self.target_names:
            for item in items:
                if self.stop.is_set():
                    return  # stopping: the rest is judged on `--resume`
                key = (item.id, target)
                if self._finished(key):
                    continue
                with item_scope() as scope:
                    record = await _judge_item(self.graph, self.context, item, target)
                if scope.pending:  # a batch round asked for one of its answers: written in a later pass
                    self.waiting += 1
                    continue
                self.rundir.write_record(record)
                self.written.add(key)
                self.stats.add(record)
            progress.advance()

    def _finish(self, elapsed: float) -> RunResult:
        new_items = self.stats.items - len(self.done)
        m = self.manifest
        m.status, m.stop_reason = self.status, self.stop_reason
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
            stop_reason=self.stop_reason,
            manifest=self.manifest,
        )


async def _judge_item(graph: Any, context: RunContext, item: AuditItem, target: str | None) -> AuditRecord:
    started = time.perf_counter()
    state = await graph.ainvoke(
        {"item": item} if target is None else {"item": item, "target": target}, context=context
    )
    return AuditRecord(
        item_id=item.id,
        target=target,
        answer=state.get("answer"),
        parent_id=item.parent_id,
        suite=item.suite,
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
        return JudgeEntry(judge=judge.name, criterion=judge.criterion, backend=judge.backend)
    return JudgeEntry(
        judge=judge.name,
        criterion=judge.criterion,
        kind=jc.kind,
        backend=judge.backend,
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
