"""Analysis off the event loop, in micro-batches.

Detection is CPU-bound (spaCy, regexes, libphonenumber). Run on the event loop it would
stall every LLM request in flight; run in a worker thread or worker processes
(`auditor.pii.workers`) it does not (measured in benchmarks/pii_throughput.py: the loop
keeps ticking within a few milliseconds). Items judged at the same moment are gathered
for a few milliseconds and sent off as one batch, so spaCy's `nlp.pipe` batches them and
one hop to the thread or a worker serves many items. Batches run concurrently: with
several worker processes, each takes one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from auditor.pii.spans import Detection

# Analyses one batch off the event loop: in a worker thread or a worker process.
Analyze = Callable[[Sequence[str]], Awaitable[list[list[Detection]]]]


class MicroBatcher:
    """Collects texts from concurrent coroutines; analyses them together off the event loop."""

    def __init__(self, analyze: Analyze, max_batch: int = 32, max_wait_s: float = 0.005) -> None:
        if max_batch < 1 or max_wait_s < 0:
            raise ValueError("max_batch must be >= 1 and max_wait_s >= 0")
        self._analyze = analyze
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self._pending: list[tuple[str, asyncio.Future[list[Detection]]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: set[asyncio.Task[None]] = set()
        self.batches = 0  # how many batches were analysed: for tests and benchmarks

    async def submit(self, text: str) -> list[Detection]:
        """The detections in `text`, analysed with whatever else arrives within `max_wait_s`."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # A judge outlives an event loop (one `asyncio.run` per CLI command, per test):
            # whatever was pending on a finished loop can never be delivered.
            self._loop, self._pending, self._timer = loop, [], None
        future: asyncio.Future[list[Detection]] = loop.create_future()
        self._pending.append((text, future))
        if len(self._pending) >= self.max_batch:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.max_wait_s, self._flush)
        return await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.get_running_loop().create_task(self._run(batch))
            self._running.add(task)  # keep a reference until it finishes
            task.add_done_callback(self._running.discard)

    async def _run(self, batch: list[tuple[str, asyncio.Future[list[Detection]]]]) -> None:
        self.batches += 1
        try:
            results = await self._analyze([text for text, _ in batch])
        except Exception as exc:  # a lost worker or a bug in analysis: every waiting judge sees it
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), found in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(found)
