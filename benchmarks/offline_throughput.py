"""End to end with the offline judges: items per second through `auditor run`.

1. the baseline judges alone; goal >= 150 items/s;
2. the offline demo configuration (`configs/demo.yaml`: the baseline judges and the PII
   judge, its detection in worker processes, one per core); goal >= 80 items/s. The
   judges are built once and warmed up on a few items first, so the figure is the
   steady rate; the workers' start-up (spaCy loaded in each) is printed beside it.

    .venv/bin/python -m benchmarks.offline_throughput [--items 2000] [--pii-items 1200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from auditor.config import AuditConfig, BaselineJudgeConfig, load_config
from auditor.judges.base import Judge
from auditor.judges.registry import judges_for
from auditor.pii.workers import WORKERS_ENV
from auditor.run import RunOptions, run_audit
from benchmarks._common import save, verdict_line
from benchmarks.generate import write_items

DEMO = Path(__file__).resolve().parents[1] / "configs" / "demo.yaml"
BASELINE = [
    BaselineJudgeConfig(name="accuracy_baseline", kind="baseline.accuracy"),
    BaselineJudgeConfig(name="relevance_baseline", kind="baseline.relevance"),
]


async def timed(config: AuditConfig, judges: list[Judge], n: int, tmp: Path, tag: str) -> float:
    """Seconds for one run over `n` generated items with these judges."""
    items = write_items(tmp / f"{tag}.jsonl", n)
    t0 = time.perf_counter()
    result = await run_audit(config, RunOptions(items, tmp / tag, progress=False), judges)
    elapsed = time.perf_counter() - t0
    assert result.stats.items == n
    return elapsed


async def rate(config: AuditConfig, n: int, tmp: Path, tag: str) -> tuple[float, float]:
    """(items/s over `n` items, seconds of the warm-up run that starts the judges)."""
    async with judges_for(config) as judges:
        warmup = await timed(config, judges, 20, tmp, f"{tag}-warmup")
        return n / await timed(config, judges, n, tmp, tag), warmup


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--pii-items", type=int, default=1200)
    args = parser.parse_args()
    demo = load_config(DEMO)
    workers = os.environ.get(WORKERS_ENV, "one per core")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        base, _ = await rate(demo.model_copy(update={"judges": BASELINE}), args.items, tmp, "baseline")
        pii, warmup = await rate(demo, args.pii_items, tmp, "demo")
    print(f"configs/demo.yaml, concurrency {demo.concurrency}, PII workers: {workers}")
    print(f"warm-up run of 20 items (starts the PII workers): {warmup:.1f} s")
    print(verdict_line("offline judges, no PII (items/s)", base, ">= 150", base >= 150))
    print(verdict_line("offline demo configuration with PII (items/s)", pii, ">= 80", pii >= 80))
    figures = {
        "config": "configs/demo.yaml",
        "concurrency": demo.concurrency,
        "pii_workers": workers,
        "baseline_items_per_s": base,
        "items": args.items,
        "pii_items_per_s": pii,
        "pii_items": args.pii_items,
        "pii_warmup_s": warmup,
    }
    print(f"wrote {save('offline_throughput', figures)}")


if __name__ == "__main__":
    asyncio.run(main())
