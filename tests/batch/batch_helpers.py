"""Shared set-up for the batch tests: generated items, a config for the fake server, comparable records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.cli import main
from auditor.testing import FAKE_MODEL

# What differs between an online and a batch run of the same answers: time, and the price
# (a batch costs `batch_discount` less).
VOLATILE = {"latency_ms", "cost_usd"}


def make_items(path: Path, count: int) -> None:
    """`count` support answers, every 7th with a wrong figure, half with a reference to check against."""
    figures = ["30 days", "15%", "25.00 EUR", "14 days", "48 hours"]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            fact = figures[i % len(figures)]
            said = figures[(i + 1) % len(figures)] if i % 7 == 0 else fact
            item: dict[str, Any] = {
                "id": f"it-{i:05d}",
                "prompt": f"How long is the return window for order {i}?",
                "response": f"The return window for order {i} is {said} from delivery.",
            }
            if i % 2 == 0:
                item["reference"] = f"Buyers can return order {i} within {fact} of delivery."
            handle.write(json.dumps(item) + "\n")


def write_config(
    path: Path,
    items: Path,
    base_url: str,
    *,
    retry: str = "batch",
    samples: int = 1,
    per_file: int = 50_000,
    targets: str = "",
) -> None:
    extra = f"    options: {{samples: {samples}}}\n" if samples > 1 else ""
    path.write_text(
        f"input: {items}\nconcurrency: 8\n"
        "llm:\n"
        f"  model: {FAKE_MODEL}\n  base_url: {base_url}\n  api_key_env: null\n  logprobs: true\n"
        f"  temperature: {0.7 if samples > 1 else 0.0}\n"
        "  retry_initial_wait_s: 0.01\n  max_attempts: 2\n"
        f"  batch: {{poll_interval_s: 0.05, retry: {retry}, max_requests_per_file: {per_file}}}\n"
        "  prices:\n"
        f"    {FAKE_MODEL}: {{input_per_mtok: 1.0, output_per_mtok: 2.0}}\n"
        "judges:\n"
        "  - name: accuracy_llm\n    kind: llm.accuracy\n    rubric: rubrics/accuracy.yaml\n"
        "    prompt: prompts/accuracy.yaml\n"
        "  - name: relevance_llm\n    kind: llm.relevance\n    rubric: rubrics/relevance.yaml\n"
        "    prompt: prompts/relevance.yaml\n" + extra + targets,
        encoding="utf-8",
    )


def batch_config(directory: Path, n_items: int, base_url: str, **options: Any) -> Path:
    """`n_items` generated items (items.jsonl) and a config judging them (config.yaml, with
    `write_config`'s `options`) in `directory`; the config's path."""
    items, config = directory / "items.jsonl", directory / "config.yaml"
    make_items(items, n_items)
    write_config(config, items, base_url, **options)
    return config


def audit(config: Path, out: Path, *extra: str) -> int:
    return main(["run", str(config), "--out", str(out), "--no-progress", *extra])


def records(run: Path) -> list[dict[str, Any]]:
    lines = (run / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return sorted((json.loads(line) for line in lines), key=lambda r: r["item_id"])


def comparable(run: Path) -> list[dict[str, Any]]:
    """The run's records without timings and prices."""
    out = []
    for record in records(run):
        record.pop("duration_ms")
        for key in VOLATILE:  # a target's answer carries its own provenance
            record.get("answer", {}).get("provenance", {}).pop(key, None)
        for verdict in record["verdicts"]:
            for key in VOLATILE:
                verdict["provenance"].pop(key, None)
        out.append(record)
    return out


def total_cost(run: Path) -> float:
    return sum(v["provenance"].get("cost_usd") or 0.0 for r in records(run) for v in r["verdicts"])
