"""PNG figures for the calibration report, drawn with matplotlib's Agg canvas.

Figures are built on `matplotlib.figure.Figure` with an Agg canvas rather than through
pyplot, so nothing global (the pyplot state, the interactive backend) is touched.
"""

from __future__ import annotations

import re
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from auditor.calibration.analysis import CriterionReport
from auditor.calibration.bootstrap import Estimate
from auditor.calibration.compare import Comparison
from auditor.calibration.pairwise import PairwiseResult
from auditor.calibration.reliability import Reliability
from auditor.calibration.statistics import TITLES

# Statistics on a [-1, 1] scale, which can share one axis (MAE cannot).
_BOUNDED = [k for k in TITLES if k != "mae"]


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "unnamed"


def plot_criterion(report: CriterionReport, out_dir: Path) -> list[Path]:
    """The agreement chart, and per judge its confusion matrix and reliability diagram."""
    written = []
    raters = [(f"{j} vs {r.vs_reference.reference}", r.vs_reference) for j, r in report.judges.items()]
    if report.ceiling is not None:
        raters.append((f"humans ({report.ceiling.rater})", report.ceiling))
    if any(c.statistics for _, c in raters):
        written.append(
            _agreement(report.criterion, raters, out_dir / f"agreement_{safe_name(report.criterion)}.png")
        )
    for judge, jr in report.judges.items():
        stem = f"{safe_name(report.criterion)}_{safe_name(judge)}"
        if jr.vs_reference.confusion is not None and jr.vs_reference.n_items:
            path = out_dir / f"confusion_{stem}.png"
            rows = jr.vs_reference.reference + (" (rounded half up)" if report.kind == "score" else "")
            title = f"{report.criterion}: {judge}"
            written.append(_confusion(title, report.categories, jr.vs_reference, rows, path))
        if jr.reliability is not None:
            path = out_dir / f"reliability_{stem}.png"
            written.append(_reliability(f"{report.criterion}: {judge}", jr.reliability, path))
    return written


def plot_pairwise(result: PairwiseResult, out_dir: Path) -> Path:
    rows: list[tuple[str, list[tuple[str, Estimate]]]] = [
        (
            judge,
            [
                ("accuracy", r.accuracy),
                ("agreement with annotators", r.agreement_with_annotators),
                ("consistency", r.consistency),
                ("position bias", r.position_bias),
            ],
        )
        for judge, r in result.judges.items()
    ]
    rows.append(("humans", [("agreement with annotators", result.human_agreement)]))
    labels = ["accuracy", "agreement with annotators", "consistency", "position bias"]
    fig = _figure(7, 1.2 + 0.6 * len(labels))
    ax = fig.add_subplot()
    for offset, (name, estimates) in enumerate(rows):
        ys = [labels.index(label) + 0.15 * (offset - len(rows) / 2) for label, _ in estimates]
        _points(ax, ys, [e for _, e in estimates], name)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share (95% bootstrap CI)")
    ax.set_title("Pairwise judges")
    ax.legend(loc="lower right", fontsize=8)
    return _save(fig, out_dir / "pairwise.png")


def _agreement(criterion: str, raters: list[tuple[str, Comparison]], path: Path) -> Path:
    keys = [k for k in _BOUNDED if any(k in c.statistics for _, c in raters)]
    fig = _figure(8, 1.5 + 0.45 * len(keys))
    ax = fig.add_subplot()
    for offset, (name, comparison) in enumerate(raters):
        present = [k for k in keys if k in comparison.statistics]
        ys = [keys.index(k) + 0.2 * (offset - (len(raters) - 1) / 2) for k in present]
        _points(ax, ys, [comparison.statistics[k] for k in present], name)
    ax.set_yticks(range(len(keys)), [TITLES[k] for k in keys])
    ax.invert_yaxis()
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.set_xlim(-1, 1)
    ax.set_xlabel("value (95% bootstrap CI)")
    ax.set_title(f"Agreement with humans: {criterion}")
    ax.legend(loc="lower left", fontsize=8)
    return _save(fig, path)


def _points(ax: Axes, ys: list[float], estimates: list[Estimate], label: str) -> None:
    xs, lows, highs, kept = [], [], [], []
    for y, e in zip(ys, estimates, strict=True):
        if e.value is None:
            continue  # undefined: nothing to draw; the report says why
        xs.append(e.value)
        low, high = e.ci95 if e.ci95 is not None else (e.value, e.value)
        lows.append(e.value - low)
        highs.append(high - e.value)
        kept.append(y)
    ax.errorbar(xs, kept, xerr=[lows, highs], fmt="o", capsize=3, label=label)


def _confusion(title: str, categories: list[str], comparison: Comparison, rows: str, path: Path) -> Path:
    assert comparison.confusion is not None
    k = len(categories)
    darkest = max(max(row) for row in comparison.confusion)
    fig = _figure(1.8 + 0.6 * k, 1.5 + 0.6 * k)
    ax = fig.add_subplot()
    ax.imshow(comparison.confusion, cmap="Blues")
    for i, row in enumerate(comparison.confusion):
        for j, count in enumerate(row):
            colour = "white" if count > darkest / 2 else "black"  # readable on dark cells
            ax.text(j, i, str(count), ha="center", va="center", fontsize=9, color=colour)
    ax.set_xticks(range(k), categories)
    ax.set_yticks(range(k), categories)
    ax.set_xlabel(f"judge ({comparison.rater})")
    ax.set_ylabel(rows)
    ax.set_title(title, fontsize=10)
    return _save(fig, path)


def _reliability(title: str, rel: Reliability, path: Path) -> Path:
    fig = _figure(5, 5)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    points = [(b.mean_confidence, b.accuracy, b.n) for b in rel.bins]
    filled = [(x, y, n) for x, y, n in points if x is not None and y is not None]
    ax.plot([x for x, _, _ in filled], [y for _, y, _ in filled], marker="o", label="judge")
    for x, y, n in filled:
        ax.annotate(f"n={n}", (x, y), fontsize=7, textcoords="offset points", xytext=(4, -10))
    ece = "undefined" if rel.ece.value is None else f"{rel.ece.value:.3f}"
    ax.set_title(f"{title}\nECE {ece} (n={rel.n})", fontsize=10)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("confidence")
    ax.set_ylabel("share agreeing with the humans")
    ax.legend(loc="upper left", fontsize=8)
    return _save(fig, path)


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=100)
    return path
