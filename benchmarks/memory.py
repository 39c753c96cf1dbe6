"""Peak memory while streaming many generated items through `auditor run` (offline judges).

Runs `auditor run` in a child process for a small and a large input and compares the
children's peak RSS: flat means the large run needs about what the small one does. The
small run is large enough (20,000 items) for the judges' bounded text caches to fill, so
what remains is growth with the input itself (e.g. the set of ids seen, for duplicates).
Goal: flat, and under 300 MB at 100,000 items.

    .venv/bin/python -m benchmarks.memory [--items 100000] [--small 20000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import save, verdict_line
from benchmarks.generate import write_items

CONFIG = """input: {items}
concurrency: 8
judges:
  - {{name: accuracy_baseline, kind: baseline.accuracy}}
  - {{name: relevance_baseline, kind: baseline.relevance}}
"""


def peak_rss_mb(n: int, tmp: Path) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of one `auditor run` child over `n` items."""
    items = write_items(tmp / f"items-{n}.jsonl", n)
    config = tmp / f"config-{n}.yaml"
    config.write_text(CONFIG.format(items=items), encoding="utf-8")
    code = (
        "import resource, sys\n"
        "from auditor.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, "run", str(config), "--out", str(tmp / f"run-{n}"), "--no-progress"],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - t0
    kib = int(proc.stderr.strip().splitlines()[-1])
    return kib / 1024, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        small, t_small = peak_rss_mb(args.small, Path(d))
        large, t_large = peak_rss_mb(args.items, Path(d))
    growth = large / small
    print(f"{args.small:>7} items: peak RSS {small:7.1f} MB ({t_small:.0f} s)")
    print(f"{args.items:>7} items: peak RSS {large:7.1f} MB ({t_large:.0f} s)")
    print(verdict_line(f"peak RSS at {args.items} items (MB)", large, "< 300", large < 300))
    print(verdict_line("peak RSS large / small (flat = ~1)", growth, "<= 1.1x", growth <= 1.1))
    path = save(
        "memory",
        {
            "small_items": args.small,
            "small_peak_mb": small,
            "items": args.items,
            "peak_mb": large,
            "growth": growth,
            "seconds": t_large,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
