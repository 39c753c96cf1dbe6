"""`make benchmark`'s steps, run in-process on the committed cassettes (no model, no network)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.cli import main

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs" / "benchmark.yaml"
RECORD_CONFIG = ROOT / "configs" / "benchmark_record.yaml"
CASSETTES = ROOT / "cassettes" / "benchmark_qwen"
BASELINE = "qwen-coder-1.5b"


@dataclass(frozen=True)
class Benchmark:
    run: Path
    gate_exit: int


def run_benchmark(directory: Path) -> Benchmark:
    """run -> compare -> gate -> report, as the Makefile does; each step but the gate must exit 0."""
    run = directory / "benchmark"
    steps = [
        ["run", str(CONFIG), "--replay", str(CASSETTES), "--out", str(run), "--no-progress"],
        ["compare", str(run), "--baseline", BASELINE, "--by", "language"],
    ]
    for step in steps:
        assert main(step) == 0, step
    gate_exit = main(["gate", str(run)])
    assert main(["report", str(run)]) == 0
    return Benchmark(run, gate_exit)
