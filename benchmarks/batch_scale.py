"""Batch inference at scale: export and ingest of N items with two LLM judges.

Each step runs `auditor run` in a child process (its peak RSS is the child's):
  1. `--batch-export DIR`: a pass over the input that writes every request to batch files;
  2. an engine stand-in answers every request line (not timed: that is the batch engine's work);
  3. `--batch-ingest FILE...`: the output files into the run's answer store, then the pass
     that writes every record from them.
Step 3 is also split: the ingest of the output files alone (`BatchMode.ingest`, in this
process) and the finishing pass. Goal: export < 60 s and ingest < 60 s at 100,000 items.
Nothing is sent anywhere: the endpoint is never contacted, the answers are a fixed reply.

    .venv/bin/python -m benchmarks.batch_scale [--items 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from auditor.llm.batchmode import BatchMode
from auditor.llm.settings import BatchSettings
from benchmarks._common import save, verdict_line
from benchmarks.generate import write_items

GOAL_S = 60.0
CONFIG = """input: {items}
concurrency: 16
llm:
  model: bench-model
  base_url: https://batch-only.invalid/v1
  cache_dir: null
judges:
  - {{name: accuracy_llm, kind: llm.accuracy, rubric: rubrics/accuracy.yaml, prompt: prompts/accuracy.yaml}}
  - {{name: relevance_llm, kind: llm.relevance, rubric: rubrics/relevance.yaml, prompt: prompts/relevance.yaml}}
"""
ANSWER = json.dumps({"reasoning": "benchmark stand-in reply", "score": 4, "evidence": []})


def auditor(*args: str) -> tuple[float, float]:
    """Run `auditor` in a child; (seconds, that child's peak RSS in MB)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "auditor.cli", *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"auditor {' '.join(args)} exited with {child.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def answer_file(requests: Path, results: Path) -> int:
    """What a batch engine writes for a request file, streamed line by line."""
    count = 0
    with requests.open("rb") as source, results.open("w", encoding="utf-8") as out:
        for raw in source:
            request: dict[str, Any] = json.loads(raw)
            body = {
                "object": "chat.completion",
                "model": request["body"]["model"],
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 900, "completion_tokens": 30},
            }
            line = {"id": f"b-{count}", "custom_id": request["custom_id"], "error": None}
            line["response"] = {"status_code": 200, "body": body}
            out.write(json.dumps(line) + "\n")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        items, config, out, exported = (
            root / "items.jsonl",
            root / "bench.yaml",
            root / "run",
            root / "exported",
        )
        write_items(items, args.items)
        config.write_text(CONFIG.format(items=items), encoding="utf-8")
        export_s, export_mb = auditor(
            "run", str(config), "--out", str(out), "--no-progress", "--batch-export", str(exported)
        )
        request_files = sorted((exported / "round-1").glob("requests-*.jsonl"))
        results = [f.with_name(f.name.replace("requests-", "results-")) for f in request_files]
        requests = sum(answer_file(r, o) for r, o in zip(request_files, results, strict=True))

        store_started = time.perf_counter()
        probe = BatchMode(root / "probe", BatchSettings(), submits=False)
        report = probe.ingest(results, request_files)
        probe.close()
        store_s = time.perf_counter() - store_started

        ingest_s, ingest_mb = auditor(
            "run", str(config), "--out", str(out), "--no-progress", "--batch-ingest", *map(str, results)
        )
        records = sum(1 for _ in (out / "records.jsonl").open(encoding="utf-8"))
    figures = {
        "items": args.items,
        "requests": requests,
        "request_files": len(request_files),
        "records": records,
        "export_s": round(export_s, 2),
        "export_peak_rss_mb": round(export_mb, 1),
        "ingest_s": round(ingest_s, 2),
        "ingest_peak_rss_mb": round(ingest_mb, 1),
        "ingest_store_only_s": round(store_s, 2),
        "ingest_finishing_pass_s": round(ingest_s - store_s, 2),
        "answered": report.answered,
        "goal_s": GOAL_S,
    }
    path = save("batch_scale", figures)
    print(verdict_line(f"export of {args.items:,} items (s)", export_s, f"< {GOAL_S:g}", export_s < GOAL_S))
    print(
        verdict_line(
            f"ingest of {requests:,} answers + records (s)", ingest_s, f"< {GOAL_S:g}", ingest_s < GOAL_S
        )
    )
    print(verdict_line("ingest of the output files alone (s)", store_s, f"< {GOAL_S:g}", store_s < GOAL_S))
    print(f"peak RSS: export {export_mb:.0f} MB, ingest {ingest_mb:.0f} MB; {records:,} records -> {path}")


if __name__ == "__main__":
    main()
