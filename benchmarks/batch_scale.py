"""Batch inference at scale: export and ingest of N items with two LLM judges.

  1. `auditor run --batch-export DIR` in a child process (time and its peak RSS): every
     request the two judges make, written to batch files;
  2. an engine stand-in answers every request line (not timed: that is the batch engine's work);
  3. the output files ingested into a run's answer store (`BatchMode.ingest`, timed here);
  4. with `--finish`: `auditor run --batch-ingest FILE...` in a child, the ingest plus the
     pass that writes every record from the answers; that pass is an ordinary run whose
     every answer is known, so it costs what a fully cached run costs (the graph per item).
Goal: export < 60 s and ingest < 60 s at 100,000 items. Nothing is sent anywhere.

    .venv/bin/python -m benchmarks.batch_scale [--items 100000] [--finish]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
  - {{name: accuracy_llm, kind: llm.accuracy, rubric: rubrics/accuracy.yaml,
      prompt: prompts/accuracy.yaml}}
  - {{name: relevance_llm, kind: llm.relevance, rubric: rubrics/relevance.yaml,
      prompt: prompts/relevance.yaml}}
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
    parser.add_argument("--finish", action="store_true", help="also run --batch-ingest to write the records")
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
        run = ("run", str(config), "--out", str(out), "--no-progress")
        export_s, export_mb = auditor(*run, "--batch-export", str(exported))
        request_files = sorted((exported / "round-1").glob("requests-*.jsonl"))
        results = [f.with_name(f.name.replace("requests-", "results-")) for f in request_files]
        requests = sum(answer_file(r, o) for r, o in zip(request_files, results, strict=True))

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        store = BatchMode(root / "store", BatchSettings(), submits=False)
        report = store.ingest(results, request_files)
        store.close()
        ingest_s = time.perf_counter() - started
        ingest_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures: dict[str, Any] = {
            "items": args.items,
            "requests": requests,
            "request_files": len(request_files),
            "export_s": round(export_s, 2),
            "export_peak_rss_mb": round(export_mb, 1),
            "ingest_s": round(ingest_s, 2),
            "ingest_answered": report.answered,
            "ingest_peak_rss_mb": round(ingest_mb, 1),
            "ingest_rss_before_mb": round(rss_before, 1),
            "goal_s": GOAL_S,
        }
        if args.finish:
            finish_s, finish_mb = auditor(*run, "--batch-ingest", *map(str, results))
            records = sum(1 for _ in (out / "records.jsonl").open(encoding="utf-8"))
            figures |= {"finish_s": round(finish_s, 2), "finish_peak_rss_mb": round(finish_mb, 1)}
            figures |= {"records": records, "finish_ms_per_item": round(finish_s * 1000 / args.items, 3)}
    path = save("batch_scale_finish" if args.finish else "batch_scale", figures)
    print(verdict_line(f"export of {args.items:,} items (s)", export_s, f"< {GOAL_S:g}", export_s < GOAL_S))
    print(verdict_line(f"ingest of {requests:,} answers (s)", ingest_s, f"< {GOAL_S:g}", ingest_s < GOAL_S))
    print(f"peak RSS: export {export_mb:.0f} MB, ingest {ingest_mb:.0f} MB (before: {rss_before:.0f} MB)")
    if args.finish:
        print(
            f"--batch-ingest with the records pass: {figures['finish_s']} s, {figures['records']:,} records"
        )
    print(f"-> {path}")


if __name__ == "__main__":
    main()
