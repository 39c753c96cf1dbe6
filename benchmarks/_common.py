"""Shared bits of the benchmarks: machine description and writing results."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
# The shared dev data sits beside the project (../shared/data); only benchmarks and tests
# default to it, the product takes a path.
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PRESIDIO_DATASET = SHARED_DATA / "presidio_synth_dataset_v2.json"


def machine() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def save(name: str, figures: dict[str, Any]) -> Path:
    """Write figures as JSON next to the benchmarks, with the machine they came from."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **figures}, indent=2) + "\n", encoding="utf-8")
    return path


def verdict_line(label: str, value: float, goal: str, ok: bool) -> str:
    return f"{label:<48} {value:>10.3f}   goal {goal:<12} {'MET' if ok else 'NOT MET'}"
