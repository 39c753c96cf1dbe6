"""Shared bits of the benchmarks: machine description and writing results."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditor.types import AuditRecord

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


def llm_call_figures(records: list[AuditRecord]) -> dict[str, Any]:
    """What the LLM verdicts of a run show: evidence quotes found in the response, re-asks,
    unscored verdicts, and seconds per judge call answered by the model (not from the cache).

    A judge call is one verdict: its request and any re-ask, so its latency covers both.
    """
    verdicts = [v for r in records for v in r.verdicts if v.provenance.backend == "llm"]
    quotes = [e for v in verdicts for e in v.evidence if e.kind == "quote"]
    located = sum(e.start is not None for e in quotes)
    fresh = [v.provenance.latency_ms / 1000 for v in verdicts if not v.provenance.cached]
    return {
        "llm_verdicts": len(verdicts),
        "unscored": [v.unscored_reason for v in verdicts if v.unscored_reason],
        "verdicts_with_a_quote": sum(any(e.kind == "quote" for e in v.evidence) for v in verdicts),
        "quotes": len(quotes),
        "located_quotes": located,
        "located_share": round(located / len(quotes), 3) if quotes else None,
        "reasks": sum(v.provenance.reasks for v in verdicts),
        "calls_answered_by_the_model": len(fresh),
        "seconds_per_call": round(sum(fresh) / len(fresh), 1) if fresh else None,
    }
