"""PII detection: documents per second, engine build time and memory, event-loop stalls.

On the shared dataset (presidio-research's 1,500 sentences):

* engine build time and resident memory;
* documents/s through `PIIEngine.analyze_batch`, one document per `nlp.pipe` batch vs 64;
* items/s through `PIIJudge` (micro-batched, analysis in a worker thread);
* the event loop's longest stall while the judge works, against the same analysis run on
  the loop, and against a one-worker process pool (the alternative the judge does not use).

    .venv/bin/python -m benchmarks.pii_throughput [--docs 1500]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from auditor.judges.pii import PIIJudge
from auditor.pii.engine import PIIEngine, build_engine
from auditor.pii.evaluate import load_dataset
from auditor.pii.severity import PERSONAL_ENTITIES
from auditor.pii.spans import Detection
from auditor.types import AuditItem
from benchmarks._common import PRESIDIO_DATASET, save

TICK_S = 0.005


def rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cold_start_s() -> float:
    """Seconds for a fresh interpreter to import the engine and build it (what a CLI run pays)."""
    code = "from auditor.pii.engine import build_engine; build_engine()"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def docs_per_s(
    engine: PIIEngine, texts: Sequence[str], batch_size: int, entities: frozenset[str] | None
) -> float:
    started = time.perf_counter()
    engine.analyze_batch(texts, entities, batch_size=batch_size)
    return len(texts) / (time.perf_counter() - started)


async def with_ticker(work: Callable[[], Awaitable[object]]) -> tuple[float, dict[str, float]]:
    """Run `work` while a 5 ms ticker measures how late the event loop wakes it."""
    lateness: list[float] = []

    async def ticker() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK_S)
            lateness.append(time.perf_counter() - before - TICK_S)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    started = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - started
    task.cancel()
    stalls = {
        "max_ms": round(max(lateness) * 1000, 1),
        "p99_ms": round(statistics.quantiles(lateness, n=100, method="inclusive")[98] * 1000, 1),
        "ticks": len(lateness),
    }
    return elapsed, stalls


_worker_engine: PIIEngine | None = None


def _init_worker() -> None:
    global _worker_engine
    _worker_engine = build_engine()


def _analyze_in_worker(texts: list[str]) -> list[list[Detection]]:
    assert _worker_engine is not None
    return _worker_engine.analyze_batch(texts, PERSONAL_ENTITIES)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1500)
    parser.add_argument("--loop-docs", type=int, default=400, help="documents for the event-loop comparison")
    args = parser.parse_args()

    texts = [s.text for s in load_dataset(PRESIDIO_DATASET)][: args.docs]
    before_mb = rss_mb()
    started = time.perf_counter()
    engine = build_engine()
    build_s = time.perf_counter() - started
    engine.analyze_batch(texts[:50])  # warm caches (regex compilation, lazy tables)
    after_mb = rss_mb()

    figures: dict[str, Any] = {
        "documents": len(texts),
        "engine_build_s": round(build_s, 2),
        "cold_start_s": round(cold_start_s(), 2),
        "rss_before_engine_mb": round(before_mb),
        "rss_with_engine_mb": round(after_mb),
        "docs_per_s": {
            "all_entities_batch_1": round(docs_per_s(engine, texts, 1, None), 1),
            "all_entities_batch_64": round(docs_per_s(engine, texts, 64, None), 1),
            "judge_entities_batch_64": round(docs_per_s(engine, texts, 64, PERSONAL_ENTITIES), 1),
        },
    }

    items = [AuditItem(id=str(i), prompt="-", response=t) for i, t in enumerate(texts)]
    judge = PIIJudge(engine=engine)
    elapsed, _ = await with_ticker(lambda: asyncio.gather(*(judge.judge(i) for i in items)))
    assert judge._batcher is not None
    figures["judge"] = {"items_per_s": round(len(items) / elapsed, 1), "thread_calls": judge._batcher.batches}

    sample = texts[: args.loop_docs]
    loop: dict[str, Any] = {"documents": len(sample)}

    async def on_the_loop() -> None:
        for i in range(0, len(sample), 32):
            engine.analyze_batch(sample[i : i + 32], PERSONAL_ENTITIES)
            await asyncio.sleep(0)

    async def judge_in_thread() -> None:
        fresh = PIIJudge(engine=engine)
        await asyncio.gather(*(fresh.judge(AuditItem(id="x", prompt="-", response=t)) for t in sample))

    elapsed, loop["on_the_loop"] = await with_ticker(on_the_loop)
    loop["on_the_loop"]["docs_per_s"] = round(len(sample) / elapsed, 1)
    elapsed, loop["judge_worker_thread"] = await with_ticker(judge_in_thread)
    loop["judge_worker_thread"]["docs_per_s"] = round(len(sample) / elapsed, 1)

    with ProcessPoolExecutor(max_workers=1, initializer=_init_worker) as pool:
        running = asyncio.get_running_loop()
        await running.run_in_executor(pool, _analyze_in_worker, sample[:1])  # pay the start-up once

        async def in_process() -> None:
            batches = [sample[i : i + 32] for i in range(0, len(sample), 32)]
            await asyncio.gather(*(running.run_in_executor(pool, _analyze_in_worker, b) for b in batches))

        elapsed, loop["process_pool_1_worker"] = await with_ticker(in_process)
        loop["process_pool_1_worker"]["docs_per_s"] = round(len(sample) / elapsed, 1)
    figures["event_loop_lateness"] = loop

    path = save("pii_throughput", figures)
    print(f"engine built in {build_s:.2f}s ({figures['cold_start_s']:.2f}s from a cold interpreter)")
    print(f"peak RSS {before_mb:.0f} MB before the engine, {after_mb:.0f} MB with it")
    for name, value in figures["docs_per_s"].items():
        print(f"{name:<28} {value:>8.1f} docs/s")
    print(f"{'judge (micro-batched)':<28} {figures['judge']['items_per_s']:>8.1f} items/s")
    for name, stats in loop.items():
        if isinstance(stats, dict):
            print(f"loop lateness, {name:<24} max {stats['max_ms']:>7.1f} ms  p99 {stats['p99_ms']:>6.1f} ms"
                  f"  ({stats['docs_per_s']} docs/s)")  # fmt: skip
    print(f"written to {path}")


if __name__ == "__main__":
    asyncio.run(main())
