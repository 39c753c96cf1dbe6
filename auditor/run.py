"""The batch runner: stream items through the graph with bounded concurrency.

Memory stays flat: items are read lazily and a fixed pool of workers pulls from the
stream. Each finished record is appended to `records.jsonl` at once, so a crash or a
Ctrl-C loses nothing that was finished, and `--resume` judges only what is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.config import AuditConfig
from auditor.errors import UserError
from auditor.graph.build import build_graph
from auditor.graph.state import RunContext
from auditor.io import BadLine, count_lines, file_sha256, read_items
from auditor.judges.base import Judge
from auditor.judges.registry import build_judges
from auditor.progress import Progress
from auditor.routing import RoutingPolicy
from auditor.rundir import RunDir, finished_ids, read_records
from auditor.summary import RunStats
from auditor.types import AuditItem, AuditRecord


@dataclass
class RunOptions:
    input: Path
    out: Path
    resume: bool = False
    overwrite: bool = False
    progress: bool = True
    config_path: Path | None = None


@dataclass
class RunResult:
    out: Path
    status: str  # "complete" | "interrupted" | "failed"
    stats: RunStats
    elapsed_s: float
    skipped_done: int = 0
    stop_reason: str | None = None
    manifest: dict[str, Any] = field(default_factory=dict)


async def run_audit(
    config: AuditConfig, options: RunOptions, judges: Sequence[Judge] | None = None
) -> RunResult:
    """Judge every item of `options.input` and write the run directory.

    `judges` defaults to the config's; pass your own to run custom judges.
    """
    if not options.input.is_file():
        raise UserError(f"{options.input}: input file not found")
    rundir = _prepare_rundir(options)
    judges = list(judges) if judges is not None else build_judges(config)
    graph = build_graph(judges)
    context = RunContext(routing=RoutingPolicy.from_config(config.routing))

    stats = RunStats()
    done = finished_ids(rundir.records_path) if options.resume else set()
    if done:
        for record in read_records(rundir.records_path):
            stats.add(record)
    started_at = datetime.now(UTC)
    t0 = time.perf_counter()
    manifest = _manifest(config, options, judge_names=[j.name for j in judges])
    manifest.update(status="running", started_at=started_at.isoformat())
    rundir.write_manifest(manifest)

    rundir.open(append=options.resume)
    stop = asyncio.Event()
    stop_reason: list[str] = []
    status = "complete"
    total = count_lines(options.input)
    progress = Progress(total=total, done=len(done), enabled=options.progress)
    source = read_items(options.input)

    async def worker() -> None:
        for entry in _until(stop, source):
            if isinstance(entry, BadLine):
                stats.add_bad_line(entry)
                rundir.write_error(entry)
                progress.advance()
                if config.fail_fast:
                    stop_reason.append(str(entry.error))
                    stop.set()
                continue
            if entry.id in done:
                continue
            record = await _judge_item(graph, context, entry)
            rundir.write_record(record)
            stats.add(record)
            progress.advance()

    with _stop_on_signals(stop, stop_reason), progress:
        try:
            await asyncio.gather(*(worker() for _ in range(config.concurrency)))
        finally:
            rundir.close()
    if stop_reason:
        status = "failed" if config.fail_fast and stats.bad_lines else "interrupted"
    elapsed = time.perf_counter() - t0
    manifest.update(
        status=status,
        stop_reason=stop_reason[0] if stop_reason else None,
        finished_at=datetime.now(UTC).isoformat(),
        elapsed_s=round(elapsed, 3),
        items_per_s=round((stats.items - len(done)) / elapsed, 2) if elapsed > 0 else None,
        counts=stats.as_dict(),
        versions=stats.versions,
        bad_lines=stats.bad_lines[:200],
    )
    rundir.write_manifest(manifest)
    return RunResult(
        out=rundir.path,
        status=status,
        stats=stats,
        elapsed_s=elapsed,
        skipped_done=len(done),
        stop_reason=stop_reason[0] if stop_reason else None,
        manifest=manifest,
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


def _manifest(config: AuditConfig, options: RunOptions, judge_names: list[str]) -> dict[str, Any]:
    return {
        "auditor_version": __version__,
        "config_file": str(options.config_path) if options.config_path else None,
        "config": config.model_dump(mode="json"),
        "input": {
            "path": str(options.input),
            "sha256": file_sha256(options.input),
            "lines": count_lines(options.input),
        },
        "judges": judge_names,
        "resumed": options.resume,
    }


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event, reason: list[str]) -> Iterator[None]:
    """SIGINT/SIGTERM: stop taking new items, let the ones in flight finish and be written."""
    loop = asyncio.get_running_loop()
    installed = []

    def on_signal(name: str) -> None:
        if not reason:
            reason.append(f"stopped by {name}")
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, on_signal, sig.name)
            installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
