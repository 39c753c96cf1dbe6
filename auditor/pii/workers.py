"""PII analysis in worker processes, so detection uses every core.

Presidio and spaCy hold the GIL: in a worker thread they keep the event loop responsive
but still share one core with it, and a run with LLM judges and the PII judge becomes
CPU-bound on that core while the others idle. Here a few long-lived worker processes
each build the engine once (`_start_worker`, with the same offline `build_engine` as the
in-process engine) and analyse micro-batches; only texts and detections cross the
process boundary, never the engine.

A worker that dies (killed, out of memory) breaks the whole pool: every batch in flight
fails with `BrokenProcessPool`. The pool is then replaced and each of those batches is
sent once more; a batch that fails a second time raises `WorkerLost`, which the judge
turns into unscored verdicts with the reason. Nothing is silently dropped.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from auditor.errors import UserError
from auditor.pii.spans import Detection

if TYPE_CHECKING:
    from auditor.pii.engine import PIIEngine

log = logging.getLogger(__name__)

# spawn: a fresh interpreter per worker. Forking the run's process would copy its threads'
# locks mid-use (the event loop's executor, logging), and forkserver leaves a server
# process behind after the run.
_START_METHOD = "spawn"


class WorkerLost(Exception):
    """A batch's worker process died twice in a row, so its items could not be analysed."""


# Overrides the default (a CI runner whose core count says more than its CPU quota allows).
WORKERS_ENV = "AUDITOR_PII_WORKERS"


def default_workers() -> int:
    """$AUDITOR_PII_WORKERS, else the cores this process may run on (its CPU affinity)."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise UserError(f"${WORKERS_ENV} must be a whole number >= 1, not {configured!r}")
        return int(configured)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


# The engine of this worker process, built by the pool's initializer.
_worker_engine: PIIEngine | None = None


def _start_worker() -> None:
    global _worker_engine
    # Ctrl-C reaches the whole process group: the run stops and shuts the pool down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from auditor.pii.engine import build_engine

    _worker_engine = build_engine()


def _analyze_in_worker(texts: list[str], entities: list[str]) -> list[list[Detection]]:
    if _worker_engine is None:  # the initializer failed; the pool reports that itself
        raise RuntimeError("PII worker started without an engine")
    return _worker_engine.analyze_batch(texts, entities)


class ProcessAnalyzer:
    """Analyses batches of texts in `workers` processes; replaces the pool when one dies."""

    def __init__(self, workers: int, entities: Collection[str]) -> None:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.workers = workers
        self._entities = sorted(entities)
        self._pool: ProcessPoolExecutor | None = None
        self.replacements = 0  # how many times a broken pool was replaced: for tests and logs

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (empty before the first batch)."""
        if self._pool is None:
            return []
        return sorted(self._pool._processes or {})

    async def analyze(self, texts: Sequence[str]) -> list[list[Detection]]:
        """The detections of each text; a batch whose worker died is sent once more."""
        pool = self._current_pool()
        try:
            return await self._run(pool, texts)
        except BrokenProcessPool:
            log.warning("a PII worker process died; replacing the pool and redoing %d item(s)", len(texts))
            self._replace(pool)
        pool = self._current_pool()
        try:
            return await self._run(pool, texts)
        except BrokenProcessPool as exc:
            self._replace(pool)
            lost = f"the PII worker process died twice while analysing {len(texts)} item(s)"
            raise WorkerLost(lost) from exc

    async def aclose(self) -> None:
        """Stop the workers; pending batches are cancelled. Safe to call more than once."""
        pool, self._pool = self._pool, None
        if pool is not None:
            # Joining waits for a worker's current batch: not on the event loop.
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    async def _run(self, pool: ProcessPoolExecutor, texts: Sequence[str]) -> list[list[Detection]]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, _analyze_in_worker, list(texts), self._entities)

    def _current_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(_START_METHOD),
                initializer=_start_worker,
            )
        return self._pool

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        # Every batch in flight sees the same broken pool; only the first one replaces it.
        if self._pool is broken:
            self._pool = None
            self.replacements += 1
        broken.shutdown(wait=False, cancel_futures=True)
