"""The LLM judges on a local GGUF model (configs/local.yaml): located-quote share and s/request.

    auditor local-model fetch qwen1.5b
    flock /tmp/auditor-heavy.lock python -m benchmarks.llm_judges_local --limit 3 --out runs/local-bench

Runs `auditor run configs/local.yaml` on the first N demo items (or --input), then reads
the records: the share of evidence quotes found in the response, re-asks, unscored
verdicts with their reasons, and wall seconds per request the server answered. The demo
items are the ones the prompts were written beside: these figures are in-sample.
Not part of `make test`: a 1.5B model on 2 CPU threads takes tens of seconds a call.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from auditor.cli import main as auditor_main
from benchmarks._common import save

ROOT = Path(__file__).resolve().parents[1]


def figures(run: Path, elapsed_s: float) -> dict[str, Any]:
    records = [json.loads(line) for line in (run / "records.jsonl").read_text().splitlines()]
    manifest = json.loads((run / "manifest.json").read_text())
    verdicts = [v for r in records for v in r["verdicts"]]
    quotes = [e for v in verdicts for e in v.get("evidence", []) if e.get("kind") == "quote"]
    located = sum(e.get("start") is not None for e in quotes)
    requests = manifest["llm"]["total"]["requests"]
    return {
        "model": manifest["llm"]["model"],
        "items": len(records),
        "verdicts": len(verdicts),
        "unscored": [v.get("unscored_reason") for v in verdicts if v.get("unscored_reason")],
        "quotes": len(quotes),
        "located_quotes": located,
        "located_share": round(located / len(quotes), 3) if quotes else None,
        "reasks": sum(v["provenance"]["reasks"] for v in verdicts),
        "requests": requests,
        "seconds_per_request": round(elapsed_s / requests, 1) if requests else None,
        "elapsed_s": round(elapsed_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "configs" / "local.yaml"))
    parser.add_argument("--input", default=str(ROOT / "examples" / "seller_support" / "items.jsonl"))
    parser.add_argument("--limit", type=int, default=3, help="the first N items")
    parser.add_argument("--out", required=True, help="the run directory")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    items = out / "items.jsonl"
    lines = Path(args.input).read_text(encoding="utf-8").splitlines()[: args.limit]
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    run = out / "run"
    code = auditor_main(
        ["run", args.config, "--input", str(items), "--out", str(run), "--overwrite", "--no-progress"]
    )
    if code != 0:
        raise SystemExit(code)
    result = figures(run, time.perf_counter() - started)
    print(json.dumps(result, indent=2))
    print(f"saved to {save('llm_judges_local', result)}")


if __name__ == "__main__":
    main()
