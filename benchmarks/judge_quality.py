"""How well a judge config ranks items like humans do, on a human-scored set.

Runs the config's judges of the labelled criterion (kind `*.accuracy` for accuracy labels)
through `auditor run` over the items, then prints Spearman, Kendall and Pearson between
each judge's scores and the human scores, each with a 95% bootstrap interval (items
resampled, seed 0), beside two figures from the same items: a plain word-overlap floor
(the share of the response's word tokens, lowercase `\\w+`, found in the context) and, on
the QAGS-XSum dev set, the published figure of UniEval, a trained evaluator. Every row is
computed on the same items: those every judge scored.

    .venv/bin/python -m benchmarks.judge_quality [--config configs/demo.yaml] [--limit N]
        [--items ../shared/data/qags_xsum/items.jsonl --labels ../shared/data/qags_xsum/human.jsonl]
        [--out DIR]

`--limit N` takes the first N items of the items file that have a human score, in file
order (no sampling), so a slow judge (`--config configs/local.yaml`, a GGUF model) can be
measured on a slice, in growing chunks: the LLM cache answers the calls of the earlier
chunks. LLM judges also get the share of their evidence quotes found in the response and
the seconds per call the model answered. The dev set is what the offline accuracy judge
was tuned on, so its figures there are in-sample (docs/judges.md).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from auditor.calibration import correlation
from auditor.calibration.bootstrap import Estimate, item_weights, rng_for, summarize
from auditor.config import AuditConfig, load_config
from auditor.io import BadLine, read_items, read_models
from auditor.run import RunOptions, run_audit
from auditor.rundir import read_records
from auditor.types import AuditItem, AuditRecord, HumanLabel
from benchmarks._common import SHARED_DATA, llm_call_figures, save

ROOT = Path(__file__).resolve().parent.parent
DEV = SHARED_DATA / "qags_xsum"
# Spearman of UniEval's published predictions with these human scores (the set's README).
PUBLISHED = {"qags_xsum": ("UniEval (trained T5 evaluator, published)", 0.488)}
STATISTICS = {
    "spearman": correlation.spearman,
    "kendall": correlation.kendall_tau_b,
    "pearson": correlation.pearson,
}
N_BOOT = 2000
SEED = 0
FLOOR = "word overlap (floor)"
_WORD_RE = re.compile(r"\w+")


def word_overlap(item: AuditItem) -> float | None:
    """Share of the response's word tokens that appear in the context (or reference)."""
    source = item.context or item.reference or ""
    said = _WORD_RE.findall(item.response.lower())
    if not said or not source:
        return None
    known = set(_WORD_RE.findall(source.lower()))
    return sum(w in known for w in said) / len(said)


def human_scores(path: Path) -> tuple[str, dict[str, float]]:
    """The criterion of a labels file and each item's mean human score."""
    by_item: dict[str, list[float]] = defaultdict(list)
    criteria: set[str] = set()
    for label in read_models(path, HumanLabel):
        if isinstance(label, BadLine):
            print(f"skipped: {label.error}")
            continue
        if label.score is not None:
            by_item[label.item_id].append(label.score)
            criteria.add(label.criterion)
    if len(criteria) != 1:
        raise SystemExit(f"{path}: expected labels of one criterion, found {sorted(criteria) or 'none'}")
    return criteria.pop(), {k: sum(v) / len(v) for k, v in by_item.items()}


def scored_items(path: Path, humans: dict[str, float], limit: int | None) -> list[AuditItem]:
    """The items with a human score, in file order; with `limit`, the first `limit` of them."""
    items = [i for i in read_items(path) if isinstance(i, AuditItem) and i.id in humans]
    return items if limit is None else items[:limit]


def correlations(xs: list[float], ys: list[float], key: str) -> dict[str, Estimate]:
    """Spearman, Kendall (tau-b) and Pearson of two paired lists, each with a 95% bootstrap CI.

    The same items are resampled for the three statistics (seed and `key` fix the draws).
    """
    x, y = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    weights = item_weights(x.size, N_BOOT, rng_for(SEED, key))
    return {
        name: summarize(statistic(weights, x, y), x.size, "a constant score")
        for name, statistic in STATISTICS.items()
    }


def judges_for(config: AuditConfig, criterion: str) -> AuditConfig:
    """The config with only the judges of the labelled criterion (kind `*.<criterion>`)."""
    chosen = [jc for jc in config.judges if jc.kind.rsplit(".", 1)[-1] == criterion]
    if not chosen:
        raise SystemExit(f"no judge of kind '*.{criterion}' in the config")
    return config.model_copy(update={"judges": chosen})


async def judge_records(
    config: AuditConfig, items: list[AuditItem], out: Path | None, config_path: Path | None = None
) -> list[AuditRecord]:
    """The records of a run of `config` over `items` (in `out`, else a temporary directory)."""
    with tempfile.TemporaryDirectory() as tmp:
        items_path = Path(tmp) / "items.jsonl"
        items_path.write_text(
            "".join(i.model_dump_json(exclude_none=True) + "\n" for i in items), encoding="utf-8"
        )
        run = out if out is not None else Path(tmp) / "run"
        options = RunOptions(items_path, run, overwrite=True, progress=False, config_path=config_path)
        await run_audit(config, options)
        return read_records(run)


def judge_scores(records: list[AuditRecord]) -> dict[str, dict[str, float]]:
    """Each judge's scored items: {judge: {item_id: score}} (unscored items left out)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for record in records:
        for verdict in record.verdicts:
            if verdict.score is not None:
                out[verdict.judge][record.item_id] = verdict.score
    return dict(out)


def figures_on_shared_items(
    scores: dict[str, dict[str, float]], humans: dict[str, float]
) -> tuple[list[str], dict[str, dict[str, Estimate]]]:
    """The items every rater scored, and each rater's correlations with the humans on them."""
    shared = sorted(set(humans).intersection(*scores.values()))
    truth = [humans[i] for i in shared]
    return shared, {
        name: correlations([by_id[i] for i in shared], truth, name) for name, by_id in scores.items()
    }


def _cell(estimate: Estimate) -> str:
    if estimate.value is None:
        return f"{'-':>22}"
    if estimate.ci95 is None:
        return f"{estimate.value:>8.3f}{'':>14}"
    low, high = estimate.ci95
    return f"{estimate.value:>8.3f} [{low:>5.2f},{high:>5.2f}]"


def _as_json(estimate: Estimate) -> dict[str, Any]:
    return {"value": estimate.value, "ci95": estimate.ci95, "reason": estimate.reason}


def print_table(figures: dict[str, dict[str, Estimate]], n: int) -> None:
    print(f"{'':<44} " + " ".join(f"{name + ' [95% CI]':>22}" for name in STATISTICS) + f" {'n':>5}")
    for name, row in figures.items():
        print(f"{name:<44} " + " ".join(_cell(row[s]) for s in STATISTICS) + f" {n:>5}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "demo.yaml")
    parser.add_argument("--items", type=Path, default=DEV / "items.jsonl")
    parser.add_argument("--labels", type=Path, default=DEV / "human.jsonl")
    parser.add_argument("--limit", type=int, help="the first N human-scored items, in file order")
    parser.add_argument("--out", type=Path, help="keep the run directory here (default: a temporary one)")
    args = parser.parse_args()
    criterion, humans = human_scores(args.labels)
    items = scored_items(args.items, humans, args.limit)
    config = judges_for(load_config(args.config), criterion)
    records = await judge_records(config, items, args.out, args.config)
    overlap = {i.id: v for i in items if (v := word_overlap(i)) is not None}
    scores = {FLOOR: overlap, **judge_scores(records)}
    shared, figures = figures_on_shared_items(scores, humans)

    which = f"the first {len(items)}" if args.limit is not None else f"all {len(items)}"
    print(f"{args.items}: {which} items with human {criterion} scores; config {args.config}")
    print(f"every row on the {len(shared)} items all raters scored; 95% bootstrap CI, {N_BOOT} resamples")
    print_table(figures, len(shared))
    if (published := PUBLISHED.get(args.items.parent.name)) is not None and args.limit is None:
        print(f"{published[0]:<44} {published[1]:>8.3f}")
    llm = llm_call_figures(records)
    if llm["llm_verdicts"]:
        print(
            f"LLM verdicts: {llm['llm_verdicts']}, unscored {len(llm['unscored'])}; evidence quotes located "
            f"in the response: {llm['located_quotes']} of {llm['quotes']}; re-asks {llm['reasks']}; "
            f"{llm['calls_answered_by_the_model']} calls answered by the model, "
            f"{llm['seconds_per_call']} s each"
        )
    name = "judge_quality" if args.config.stem == "demo" else f"judge_quality_{args.config.stem}"
    name += "" if args.limit is None else f"_first{args.limit}"
    result = {
        "items": str(args.items),
        "config": str(args.config),
        "limit": args.limit,
        "n": len(shared),
        "n_boot": N_BOOT,
        "seed": SEED,
        "figures": {r: {s: _as_json(e) for s, e in row.items()} for r, row in figures.items()},
        "llm": llm,
    }
    print(f"wrote {save(name, result)}")


if __name__ == "__main__":
    asyncio.run(main())
