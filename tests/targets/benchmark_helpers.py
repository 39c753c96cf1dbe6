"""`make benchmark`'s steps, run in-process on the committed cassettes (no model, no network)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.cli import main
from auditor.types import AuditRecord

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs" / "benchmark.yaml"
RECORD_CONFIG = ROOT / "configs" / "benchmark_record.yaml"
CASSETTES = ROOT / "cassettes" / "benchmark_qwen"
BASELINE = "qwen-coder-1.5b"


@dataclass(frozen=True)
class Benchmark:
    """A benchmark's run directory and what `auditor gate` exited with on it."""

    run: Path
    gate_exit: int


def assert_all_replayed(records: Sequence[AuditRecord], cassettes: Path) -> None:
    """Every answer came from a cassette without error, and no recorded exchange was left unplayed."""
    played = set()
    for record in records:
        assert record.answer is not None and record.answer.provenance is not None
        assert record.answer.provenance.replayed and record.answer.error is None
        played.add((record.answer.provenance.request_hash or "")[:16])
    assert played == {p.stem for p in cassettes.glob("*.json")}


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
