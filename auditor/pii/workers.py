"""PII analysis in worker processes, so detection uses every core.

Presidio and spaCy hold the GIL: in a worker thread they keep the event loop responsive
but still share one core with it, and a run with LLM judges and the PII judge becomes
CPU-bound on that core while the others idle. Here a few long-lived worker processes
each build the engine once (`_start_worker`: the same `get_engine` as the run's own
process) and analyse micro-batches; only texts and detections cross the
process boundary, never the engine.

A worker that dies (killed, out of memory) breaks the whole pool: every batch in flight
fails with `BrokenProcessPool`. The pool is then replaced and each of those batches is
sent once more; a batch that fails a second time raises `WorkerLost`, which the judge
turns into unscored verdicts with the reason. Nothing is silently dropped.

A spawned worker imports the run's main module before it can work. A script that calls
auditor at its top level, without `if __name__ == "__main__":`, would start the whole
audit again inside every worker; `refuse_in_starting_worker` stops that (the run raises
one clear error in the worker), and when no worker ever started, the pool is given up
for analysis in a thread of the run's process, with a warning that says why.
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

from auditor.errors import UserError
from auditor.pii.spans import Detection

log = logging.getLogger(__name__)

# spawn: a fresh interpreter per worker. Forking the run's process would copy its threads'
# locks mid-use (the event loop's executor, logging), and forkserver leaves a server
# process behind after the run.
_START_METHOD = "spawn"


class WorkerLost(Exception):
    """A batch's worker process died twice in a row, so its items could not be analysed."""


_UNGUARDED = (
    "auditor was started while a PII worker process was importing your script: a script that "
    'runs auditor must do it under `if __name__ == "__main__":` (worker processes import the '
    "main module; see docs/pii.md)"
)


def refuse_in_starting_worker() -> None:
    """Raise if this process is a worker still importing the run's main module.

    multiprocessing marks a spawned child as `_inheriting` while it imports the parent's
    main module; a run started then is the parent's script running again, unguarded.
    """
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise UserError(_UNGUARDED)


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


# How much lower a worker's scheduling priority is than the run's process. The run's single
# thread drives every item (the other judges, the graph, the network); with workers on
# every core it would otherwise get a third of the CPU time on two cores and stall them
# all. Detection fills what it leaves: measured in benchmarks/offline_throughput.py.
WORKER_NICENESS = 10


def _start_worker() -> None:
    # Ctrl-C reaches the whole process group: the run stops and shuts the pool down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):  # POSIX; raising one's own niceness needs no privilege
        os.nice(WORKER_NICENESS)
    from auditor.pii.engine import get_engine

    get_engine()  # built once per worker, before its first batch


def _analyze_here(texts: Sequence[str], entities: list[str]) -> list[list[Detection]]:
    """Analysis in this process: a worker's, or the run's when the workers could not start."""
    from auditor.pii.engine import get_engine  # built once per process, shared

    return get_engine().analyze_batch(texts, entities)


class ProcessAnalyzer:
    """Analyses batches of texts in `workers` processes; replaces the pool when one dies."""

    def __init__(self, workers: int, entities: Collection[str]) -> None:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        refuse_in_starting_worker()
        self.workers = workers
        self._entities = sorted(entities)
        self._pool: ProcessPoolExecutor | None = None
        self._started = False  # a worker finished a batch: later deaths are lost workers
        self.in_thread = False  # the workers never started: this process analyses, in a thread
        self.replacements = 0  # how many times a broken pool was replaced: for tests and logs

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (empty before the first batch)."""
        if self._pool is None:
            return []
        return sorted(self._pool._processes or {})

    async def analyze(self, texts: Sequence[str]) -> list[list[Detection]]:
        """The detections of each text; a batch whose worker died is sent once more."""
        if self.in_thread:
            return await self._analyze_in_thread(texts)
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
            if not self._started:
                return await self._analyze_in_thread(texts)
            lost = f"the PII worker process died twice while analysing {len(texts)} item(s)"
            raise WorkerLost(lost) from exc

    async def aclose(self) -> None:
        """Stop the workers; pending batches are cancelled. Safe to call more than once."""
        pool, self._pool = self._pool, None
        if pool is not None:
            # Joining waits for a worker's current batch: not on the event loop.
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    async def _run(self, pool: ProcessPoolExecutor, texts: Sequence[str]) -> list[list[Detection]]:
        # One share of the batch per worker: a run's items wait on their batch, so a batch
        # analysed by one worker while the others idle would set the pace of the run.
        loop = asyncio.get_running_loop()
        shares = [list(texts[i :: self.workers]) for i in range(min(self.workers, len(texts)))]
        found = await asyncio.gather(
            *(loop.run_in_executor(pool, _analyze_here, share, self._entities) for share in shares)
        )
        self._started = True
        merged: list[list[Detection]] = [[] for _ in texts]
        for i, share in enumerate(found):
            merged[i :: self.workers] = share
        return merged

    async def _analyze_in_thread(self, texts: Sequence[str]) -> list[list[Detection]]:
        if not self.in_thread:
            self.in_thread = True
            log.warning(
                "PII worker processes could not start (a script that runs auditor needs "
                '`if __name__ == "__main__":`; see docs/pii.md); analysing in a thread instead'
            )
        return await asyncio.to_thread(_analyze_here, texts, self._entities)

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
