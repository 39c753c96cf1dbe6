"""End to end with the offline judges: items per second through `auditor run`.

Goals: >= 150 items/s without the PII judge, >= 40 items/s with it.

    .venv/bin/python -m benchmarks.offline_throughput [--items 2000] [--pii-items 600]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from auditor.config import AuditConfig, BaselineJudgeConfig, JudgeConfig, PIIJudgeConfig
from auditor.run import RunOptions, run_audit
from benchmarks._common import save, verdict_line
from benchmarks.generate import write_items

BASELINE = [
    BaselineJudgeConfig(name="accuracy_baseline", kind="baseline.accuracy"),
    BaselineJudgeConfig(name="relevance_baseline", kind="baseline.relevance"),
]


async def items_per_s(judges: list[JudgeConfig], n: int, tmp: Path, tag: str) -> float:
    items = write_items(tmp / f"{tag}.jsonl", n)
    config = AuditConfig(judges=judges, concurrency=8)
    t0 = time.perf_counter()
    result = await run_audit(config, RunOptions(items, tmp / tag, progress=False))
    elapsed = time.perf_counter() - t0
    assert result.stats.items == n
    return n / elapsed


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--pii-items", type=int, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        base = await items_per_s(BASELINE, args.items, tmp, "baseline")
        print(verdict_line("offline judges, no PII (items/s)", base, ">= 150", base >= 150))
        figures = {"baseline_items_per_s": base, "items": args.items}
        try:
            pii_judges = [*BASELINE, PIIJudgeConfig(name="pii", kind="pii")]
            # the PII engine loads once (seconds); time a warm-up run separately
            await items_per_s(pii_judges, 20, tmp, "warmup")
            pii = await items_per_s(pii_judges, args.pii_items, tmp, "pii")
            print(verdict_line("offline judges with PII (items/s)", pii, ">= 40", pii >= 40))
            figures.update(pii_items_per_s=pii, pii_items=args.pii_items)
        except ImportError as exc:
            print(f"PII judge not available: {exc}")
    print(f"wrote {save('offline_throughput', figures)}")


if __name__ == "__main__":
    asyncio.run(main())
