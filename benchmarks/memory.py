"""Peak memory while streaming many generated items through `auditor run`, PII judge on.

Runs `auditor run configs/demo.yaml` (the baseline judges and the PII judge, its
detection in worker processes, one per core) in a child process, for a small and a large
input, and samples every 0.25 s the resident memory of the run's process and of its child
processes (psutil). Reported: the run process's peak, the largest child's peak, and the
peak of their sum (an upper bound on what the run holds: pages the processes share are
counted once per process; the PSS sum splits them). Flat means the large run needs about
what the small one does. Goal: flat, and under 300 MB at 100,000 items.

    .venv/bin/python -m benchmarks.memory [--items 100000] [--small 10000] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from auditor.pii.workers import WORKERS_ENV, default_workers
from benchmarks._common import save, verdict_line
from benchmarks.generate import write_items

DEMO = Path(__file__).resolve().parents[1] / "configs" / "demo.yaml"
MB = 1024 * 1024


@dataclass
class Peak:
    """Peak resident memory of one run, in MB, and its wall time."""

    run: float = 0.0
    worker: float = 0.0
    workers: int = 0  # the most child processes alive at once (workers, multiprocessing's tracker)
    total: float = 0.0
    total_pss: float = 0.0  # the sum with shared pages split between the processes that map them
    seconds: float = 0.0

    def sample(self, proc: psutil.Process) -> None:
        try:
            tree = [proc.memory_full_info(), *(c.memory_full_info() for c in proc.children(recursive=True))]
        except psutil.Error:  # the run ended between two samples
            return
        rss = [m.rss / MB for m in tree]
        self.run = max(self.run, rss[0])
        self.worker = max([self.worker, *rss[1:]])
        self.workers = max(self.workers, len(rss) - 1)
        self.total = max(self.total, sum(rss))
        self.total_pss = max(self.total_pss, sum(m.pss for m in tree) / MB)


def peak_rss(n: int, tmp: Path, workers: int) -> Peak:
    """The peaks of one `auditor run` child over `n` generated items."""
    items = write_items(tmp / f"items-{n}.jsonl", n)
    code = "import sys; from auditor.cli import main; sys.exit(main(sys.argv[1:]))"
    run = ["run", str(DEMO), "--input", str(items), "--out", str(tmp / f"run-{n}"), "--no-progress"]
    argv = [sys.executable, "-c", code, *run]
    env = {**os.environ, WORKERS_ENV: str(workers)}
    peak = Peak()
    t0 = time.perf_counter()
    log = tmp / f"run-{n}.log"  # a file, not a pipe: a chatty run never blocks on a full pipe
    with log.open("w", encoding="utf-8") as err:
        child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=err)
        proc = psutil.Process(child.pid)
        while child.poll() is None:
            peak.sample(proc)
            time.sleep(0.25)
    peak.seconds = time.perf_counter() - t0
    if child.returncode != 0:
        raise SystemExit(f"auditor run failed ({child.returncode}): {log.read_text(encoding='utf-8')}")
    return peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=default_workers(), help="PII worker processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        small = peak_rss(args.small, Path(d), args.workers)
        large = peak_rss(args.items, Path(d), args.workers)
    growth = large.total / small.total
    print(f"configs/demo.yaml (PII included), PII workers: {args.workers}")
    for n, p in ((args.small, small), (args.items, large)):
        print(
            f"{n:>7} items: run process {p.run:6.1f} MB, largest of {p.workers} children {p.worker:6.1f} MB, "
            f"sum {p.total:6.1f} MB (PSS {p.total_pss:6.1f} MB), {p.seconds:.0f} s"
        )
    print(
        verdict_line(
            f"peak RSS, run + workers, {args.items} items (MB)", large.total, "< 300", large.total < 300
        )
    )
    print(verdict_line("peak RSS large / small (flat = ~1)", growth, "<= 1.1x", growth <= 1.1))
    path = save(
        "memory",
        {
            "config": "configs/demo.yaml",
            "pii_workers": args.workers,
            "small_items": args.small,
            "small": vars(small),
            "items": args.items,
            "large": vars(large),
            "growth": growth,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
