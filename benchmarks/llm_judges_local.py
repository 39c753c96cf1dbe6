"""The LLM judges on a local GGUF model (configs/local.yaml) on demo items, beside the offline
judges and the demo's human labels: located-quote share, seconds per call, pass/fail agreement.

    auditor local-model fetch qwen1.5b
    flock /tmp/auditor-heavy.lock nice python -m benchmarks.llm_judges_local --limit 10 --out runs/local-bench

Runs `auditor run configs/local.yaml` and `auditor run configs/demo.yaml` (offline) on the
first N demo items (or --input), then reads the records: the share of the LLM judges'
evidence quotes found in the response, re-asks, unscored verdicts with their reasons,
seconds per judge call the model answered (calls answered by the LLM cache are not timed),
and per criterion how often the LLM judge's pass/fail agrees with the offline judge's and
with the humans' (the mean of the demo labels' scores, passing at 4 or more as the rubrics'
`pass_levels` say). The demo items are the ones the prompts were written beside: these
figures are in-sample. Not part of `make test`: a 1.5B model on 2 CPU threads takes tens of
seconds a call; grow --limit in steps and the cache answers the earlier items.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from auditor.cli import main as auditor_main
from auditor.io import read_models
from auditor.rundir import read_records
from auditor.types import AuditRecord, HumanLabel
from benchmarks._common import llm_call_figures, save

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "seller_support"
HUMAN_PASS = 4.0  # the rubrics' lowest passing level


def passes(records: list[AuditRecord], backend: str) -> dict[tuple[str, str], bool]:
    """{(item, criterion): passed} for the scored verdicts of one backend."""
    return {
        (r.item_id, v.criterion): v.passed
        for r in records
        for v in r.verdicts
        if v.provenance.backend == backend and v.passed is not None
    }


def human_passes(path: Path) -> dict[tuple[str, str], bool]:
    """{(item, criterion): mean human score >= 4} from a labels file."""
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    for label in read_models(path, HumanLabel):
        if isinstance(label, HumanLabel) and label.score is not None:
            scores[(label.item_id, label.criterion)].append(label.score)
    return {key: sum(v) / len(v) >= HUMAN_PASS for key, v in scores.items()}


def agreement(llm: dict[tuple[str, str], bool], other: dict[tuple[str, str], bool]) -> dict[str, Any]:
    """Per criterion: items both decided, and on how many their pass/fail agree."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"items": 0, "agree": 0})
    for key, passed in llm.items():
        if key in other:
            out[key[1]]["items"] += 1
            out[key[1]]["agree"] += int(other[key] == passed)
    return dict(sorted(out.items()))


def run(config: str, items: Path, out: Path) -> list[AuditRecord]:
    code = auditor_main(
        ["run", config, "--input", str(items), "--out", str(out), "--overwrite", "--no-progress"]
    )
    if code != 0:
        raise SystemExit(code)
    return read_records(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "configs" / "local.yaml"))
    parser.add_argument("--offline-config", default=str(ROOT / "configs" / "demo.yaml"))
    parser.add_argument("--input", default=str(DEMO / "items.jsonl"))
    parser.add_argument("--labels", default=str(DEMO / "labels.jsonl"))
    parser.add_argument("--limit", type=int, default=3, help="the first N items")
    parser.add_argument("--out", required=True, help="the directory for the two runs")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    items = out / "items.jsonl"
    lines = Path(args.input).read_text(encoding="utf-8").splitlines()[: args.limit]
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    llm_records = run(args.config, items, out / "run")
    offline_records = run(args.offline_config, items, out / "offline")
    llm_passes = passes(llm_records, "llm")
    manifest = json.loads((out / "run" / "manifest.json").read_text(encoding="utf-8"))
    result = {
        "model": manifest["llm"]["model"],
        "items": len(llm_records),
        **llm_call_figures(llm_records),
        "scores": {f"{r.item_id}/{v.judge}": v.score for r in llm_records for v in r.verdicts},
        "pass_agreement_with_offline_judges": agreement(llm_passes, passes(offline_records, "baseline")),
        "pass_agreement_with_humans": agreement(llm_passes, human_passes(Path(args.labels))),
    }
    print(json.dumps(result, indent=2))
    print(f"saved to {save('llm_judges_local', result)}")


if __name__ == "__main__":
    main()
