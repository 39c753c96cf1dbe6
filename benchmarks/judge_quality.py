"""How well a judge config ranks items like humans do, on a human-scored set.

Runs the config's judges of the labelled criterion (kind `*.accuracy` for accuracy labels)
through `auditor run` over the items, then prints Spearman, Kendall and Pearson between
each judge's scores and the human scores, beside two figures from the same items: a plain
word-overlap floor (the share of the response's word tokens, lowercase `\\w+`, found in
the context) and, on the QAGS-XSum dev set, the published figure of UniEval, a trained
evaluator.

    .venv/bin/python -m benchmarks.judge_quality [--config configs/demo.yaml]
        [--items ../shared/data/qags_xsum/items.jsonl --labels ../shared/data/qags_xsum/human.jsonl]

The dev set is what the offline accuracy judge was tuned on, so its figures there are
in-sample (docs/judges.md).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
from collections import defaultdict
from pathlib import Path

from scipy import stats

from auditor.config import AuditConfig, load_config
from auditor.io import BadLine, read_items, read_models
from auditor.run import RunOptions, run_audit
from auditor.rundir import read_records
from auditor.types import AuditItem, HumanLabel
from benchmarks._common import save

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "qags_xsum"
# Spearman of UniEval's published predictions with these human scores (the set's README).
PUBLISHED = {"qags_xsum": ("UniEval (trained T5 evaluator, published)", 0.488)}
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


def correlations(xs: list[float], ys: list[float]) -> dict[str, float]:
    """Spearman, Kendall (tau-b) and Pearson of two paired lists."""
    return {
        "spearman": float(stats.spearmanr(xs, ys).statistic),
        "kendall": float(stats.kendalltau(xs, ys).statistic),
        "pearson": float(stats.pearsonr(xs, ys).statistic),
    }


def judges_for(config: AuditConfig, criterion: str) -> AuditConfig:
    """The config with only the judges of the labelled criterion (kind `*.<criterion>`)."""
    chosen = [jc for jc in config.judges if jc.kind.rsplit(".", 1)[-1] == criterion]
    if not chosen:
        raise SystemExit(f"no judge of kind '*.{criterion}' in the config")
    return config.model_copy(update={"judges": chosen})


async def judge_scores(config: AuditConfig, items: Path) -> dict[str, dict[str, float]]:
    """Each judge's scored items: {judge: {item_id: score}} (unscored items left out)."""
    with tempfile.TemporaryDirectory() as tmp:
        await run_audit(config, RunOptions(items, Path(tmp) / "run", progress=False))
        records = read_records(Path(tmp) / "run")
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for record in records:
        for verdict in record.verdicts:
            if verdict.score is not None:
                out[verdict.judge][record.item_id] = verdict.score
    return out


def _row(label: str, figures: dict[str, float], n: int) -> str:
    return (
        f"{label:<44} {figures['spearman']:>8.3f} {figures['kendall']:>8.3f} "
        f"{figures['pearson']:>8.3f} {n:>6}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "demo.yaml")
    parser.add_argument("--items", type=Path, default=DEV / "items.jsonl")
    parser.add_argument("--labels", type=Path, default=DEV / "human.jsonl")
    args = parser.parse_args()
    criterion, humans = human_scores(args.labels)
    items = [i for i in read_items(args.items) if isinstance(i, AuditItem) and i.id in humans]
    config = judges_for(load_config(args.config), criterion)
    scores = await judge_scores(config, args.items)

    print(f"{args.items} ({len(items)} items with human {criterion} scores)")
    print(f"{'':<44} {'spearman':>8} {'kendall':>8} {'pearson':>8} {'n':>6}")
    figures: dict[str, dict[str, float]] = {}
    overlap = {i.id: v for i in items if (v := word_overlap(i)) is not None}
    for name, by_id in {"word overlap (floor)": overlap, **scores}.items():
        ids = [i for i in by_id if i in humans]
        figures[name] = correlations([by_id[i] for i in ids], [humans[i] for i in ids])
        figures[name]["n"] = len(ids)
        print(_row(name, figures[name], len(ids)))
    if (published := PUBLISHED.get(args.items.parent.name)) is not None:
        print(f"{published[0]:<44} {published[1]:>8.3f}")
    print(f"wrote {save('judge_quality', {'items': str(args.items), 'figures': figures})}")


if __name__ == "__main__":
    asyncio.run(main())
