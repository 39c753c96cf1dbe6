"""The rounds of a batch run: collect, submit or export, wait, ingest, and run again.

Each round is one ordinary pass over the input with the gateway in batch mode
(`llm.batchmode`): items whose every answer is known are written, exactly as an online
run writes them; the others wait, and their requests fill the round's request files.
`--batch` uploads those files, creates the batches, polls them with a progress bar,
downloads and ingests the output, and runs the next round; `--batch-export` stops after
writing them and prints what to run, and `--batch-ingest` reads the other engine's output
and goes on. The run is complete when a pass asks for nothing more. `batch/batch.json`
(`state.BatchLog`) is written after every step, so `--resume` picks up batches in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from auditor.batch.state import BATCH_DIR, BatchJob, BatchLog, Round
from auditor.errors import UserError
from auditor.llm.batchapi import BatchAPI
from auditor.llm.batchfiles import IngestReport
from auditor.llm.batchmode import MISSING, BatchMode
from auditor.progress import Progress

log = logging.getLogger("auditor.batch")

# Why a request that has no line in a finished batch's output failed, by the batch's status.
_MISSING_BY_STATUS = {
    "completed": MISSING,
    "expired": "the batch expired before answering it",
    "cancelled": "the batch was cancelled before answering it",
    "failed": "the batch failed as a whole",
}


@dataclass
class BatchPlan:
    """What the user asked for: `--batch` (api), `--batch-export DIR` or `--batch-ingest FILE...`."""

    kind: Literal["api", "export", "ingest"]
    export_dir: Path | None = None
    outputs: list[Path] = field(default_factory=list)


@dataclass
class Rounds:
    """Drives the rounds of one `auditor run` invocation."""

    plan: BatchPlan
    run_dir: Path
    mode: BatchMode
    api: BatchAPI | None
    progress: bool = True
    waiting: Round | None = None  # the exported round whose output the run now waits for
    notes: list[str] = field(default_factory=list)  # what the CLI prints after the summary

    async def drive(self, one_pass: Callable[[], Awaitable[None]], stop: asyncio.Event) -> None:
        """Rounds until a pass asks for nothing, the run waits for another engine, or `stop` is set."""
        batches = BatchLog.read(self.run_dir)
        if self.plan.kind == "export":
            assert self.plan.export_dir is not None
            batches.export_dir = str(self.plan.export_dir)
        await self._settle(batches, stop)
        while not stop.is_set():
            number = len(batches.rounds) + 1
            self.mode.start_round(self._round_dir(batches, number))
            await one_pass()
            files, count = self.mode.end_round()
            if stop.is_set() or not files:
                return  # interrupted (the round is collected again on resume), or every item is written
            current = Round(
                number=number,
                mode="api" if self.plan.kind == "api" else "files",
                requests=[str(f) for f in files],
                request_count=count,
            )
            batches.rounds.append(current)
            batches.write(self.run_dir)
            if self.plan.kind != "api":
                self.waiting = current
                return
            await self._submit(batches, current, stop)
            await self._wait(batches, current, stop)

    def _round_dir(self, batches: BatchLog, number: int) -> Path:
        root = Path(batches.export_dir) if batches.export_dir and self.plan.kind != "api" else None
        return (root or self.run_dir / BATCH_DIR) / f"round-{number}"

    async def _settle(self, batches: BatchLog, stop: asyncio.Event) -> None:
        """Finish the round a previous invocation left open, before anything new is collected."""
        current = batches.open_round
        if self.plan.kind == "ingest":
            if current is None or current.mode != "files":
                raise UserError(
                    f"{self.run_dir}: no exported batch round waits for output "
                    "(run with --batch-export DIR first, or finish a --batch run with --batch --resume)"
                )
            self._ingest_files(batches, current)
            return
        if current is None:
            return
        if current.mode == "files":
            batches.rounds.pop()  # exported but never answered: its requests are collected again
            batches.write(self.run_dir)
            return
        if self.plan.kind != "api":
            raise UserError(
                f"{self.run_dir}: batch round {current.number} is at the Batch API; "
                "finish it with --batch --resume"
            )
        await self._submit(batches, current, stop)
        await self._wait(batches, current, stop)

    def _ingest_files(self, batches: BatchLog, current: Round) -> None:
        report = self.mode.ingest(self.plan.outputs, [Path(p) for p in current.requests])
        current.outputs = [str(p) for p in self.plan.outputs]
        self._close_round(batches, current, report)

    def _close_round(self, batches: BatchLog, current: Round, report: IngestReport) -> None:
        current.answered += report.answered
        current.failed += report.failed
        current.missing += report.missing
        current.unknown += report.unknown
        current.ingested = all(job.ingested for job in current.batches)
        batches.write(self.run_dir)
        self.notes.append(f"batch round {current.number}: {report.summary()}")
        if report.unknown:
            log.warning("batch round %d: %s", current.number, report.summary())

    async def _submit(self, batches: BatchLog, current: Round, stop: asyncio.Event) -> None:
        """Create a batch for every request file of the round that has none yet (never twice)."""
        assert self.api is not None
        submitted = {job.requests for job in current.batches}
        for requests in current.requests:
            if requests in submitted or stop.is_set():
                continue
            metadata = {"auditor_run": self.run_dir.name, "auditor_round": str(current.number)}
            file_id, batch_id = await self.api.submit(Path(requests), metadata)
            current.batches.append(BatchJob(requests=requests, input_file_id=file_id, id=batch_id))
            batches.write(self.run_dir)  # at once: a kill after this must not submit it again
            log.info("batch round %d: submitted %s as %s", current.number, requests, batch_id)

    async def _wait(self, batches: BatchLog, current: Round, stop: asyncio.Event) -> None:
        """Poll the round's batches until every one is finished and ingested (or `stop`)."""
        assert self.api is not None
        label = f"batch round {current.number}"
        with Progress(total=current.request_count, enabled=self.progress, label=label) as bar:
            while not stop.is_set() and len(current.batches) == len(current.requests):
                for job in current.batches:
                    if not job.finished:
                        status = await self.api.status(job.id)
                        job.status = status.status
                        job.output_file_id, job.error_file_id = status.output_file_id, status.error_file_id
                        job.done = status.completed + status.failed
                    if job.finished and not job.ingested:
                        await self._collect(batches, current, job)
                batches.write(self.run_dir)
                bar.set(sum(job.done for job in current.batches))
                if current.ingested:
                    return
                with contextlib.suppress(TimeoutError):  # the poll interval passed
                    await asyncio.wait_for(stop.wait(), self.mode.settings.poll_interval_s)

    async def _collect(self, batches: BatchLog, current: Round, job: BatchJob) -> None:
        """Download a finished batch's output and error files and ingest them."""
        assert self.api is not None
        folder = Path(job.requests).parent
        for file_id, suffix in ((job.output_file_id, "output"), (job.error_file_id, "errors")):
            if file_id is None:
                continue
            path = folder / f"{job.id}.{suffix}.jsonl"
            if str(path) not in job.downloaded:
                await self.api.download(file_id, path)
                job.downloaded.append(str(path))
                batches.write(self.run_dir)
        reason = _MISSING_BY_STATUS.get(job.status, f"the batch ended '{job.status}'")
        report = await asyncio.to_thread(
            self.mode.ingest, [Path(p) for p in job.downloaded], [Path(job.requests)], reason
        )
        job.ingested = True
        self._close_round(batches, current, report)
