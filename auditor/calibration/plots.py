"""Calibration charts: one drawing function per chart, for calibrate's PNGs and the report's panels.

`draw_*` draw one chart on a matplotlib `Axes`; `plot_criterion` and `plot_pairwise`
give each chart its own figure beside calibration.md, and `auditor report` puts the
same charts side by side (`auditor.report.plots`). Figures are built on
`matplotlib.figure.Figure` with an Agg canvas rather than through pyplot, so nothing
global (the pyplot state, the interactive backend) is touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
BOUNDED = [k for k in TITLES if k != "mae"]


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "unnamed"


def raters(report: CriterionReport) -> list[tuple[str, Comparison]]:
    """Each judge against the human reference, then the humans against each other (the ceiling)."""
    out = [(f"{j} vs {r.vs_reference.reference}", r.vs_reference) for j, r in report.judges.items()]
    if report.ceiling is not None:
        out.append((f"humans ({report.ceiling.rater})", report.ceiling))
    return out


def confusion_rows(report: CriterionReport, comparison: Comparison) -> str:
    """What the rows of a judge's confusion matrix hold."""
    return comparison.reference + (" (rounded half up)" if report.kind == "score" else "")


def draw_agreement(
    ax: Axes, title: str, rated: Sequence[tuple[str, Comparison]], keys: Sequence[str], fontsize: int = 8
) -> None:
    """One row per statistic in `keys`, one point with its 95% CI per rater."""
    keys = [k for k in keys if any(k in c.statistics for _, c in rated)]
    for offset, (name, comparison) in enumerate(rated):
        present = [k for k in keys if k in comparison.statistics]
        ys = [keys.index(k) + 0.2 * (offset - (len(rated) - 1) / 2) for k in present]
        _points(ax, ys, [comparison.statistics[k] for k in present], name)
    ax.set_yticks(range(len(keys)), [TITLES[k] for k in keys], fontsize=fontsize)
    ax.invert_yaxis()
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.set_xlim(-1, 1)
    ax.set_xlabel("value (95% bootstrap CI)", fontsize=fontsize)
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower left", fontsize=fontsize)


def draw_confusion(
    ax: Axes, title: str, categories: Sequence[str], comparison: Comparison, rows: str, fontsize: int = 9
) -> None:
    """The matrix with its counts, rows the reference, columns the judge."""
    matrix = comparison.confusion or []
    darkest = max((max(row) for row in matrix), default=0)
    ax.imshow(matrix, cmap="Blues")
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            colour = "white" if count > darkest / 2 else "black"  # readable on dark cells
            ax.text(j, i, str(count), ha="center", va="center", fontsize=fontsize, color=colour)
    names = list(categories) if len(categories) == len(matrix) else [str(i) for i in range(len(matrix))]
    ax.set_xticks(range(len(names)), names, fontsize=fontsize)
    ax.set_yticks(range(len(names)), names, fontsize=fontsize)
    ax.set_xlabel(f"judge ({comparison.rater})", fontsize=fontsize)
    ax.set_ylabel(rows, fontsize=fontsize)
    ax.set_title(title, fontsize=10)


def draw_reliability(ax: Axes, title: str, rel: Reliability, fontsize: int = 8) -> None:
    """Mean confidence against the share agreeing with the humans, per confidence bin."""
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    filled = [(b.mean_confidence, b.accuracy, b.n) for b in rel.bins if b.n]
    points = [(x, y, n) for x, y, n in filled if x is not None and y is not None]
    ax.plot([x for x, _, _ in points], [y for _, y, _ in points], marker="o", label="judge")
    for x, y, n in points:
        ax.annotate(f"n={n}", (x, y), fontsize=7, textcoords="offset points", xytext=(4, -10))
    ece = "undefined" if rel.ece.value is None else f"{rel.ece.value:.3f}"
    ax.set_title(f"{title}\nECE {ece} (n={rel.n})", fontsize=10)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("confidence", fontsize=fontsize)
    ax.set_ylabel("share agreeing with the humans", fontsize=fontsize)
    ax.legend(loc="upper left", fontsize=fontsize)


def plot_criterion(report: CriterionReport, out_dir: Path) -> list[Path]:
    """The agreement chart, and per judge its confusion matrix and reliability diagram."""
    written = []
    rated = raters(report)
    if any(c.statistics for _, c in rated):
        keys = [k for k in BOUNDED if any(k in c.statistics for _, c in rated)]
        fig = _figure(8, 1.5 + 0.45 * len(keys))
        draw_agreement(fig.add_subplot(), f"Agreement with humans: {report.criterion}", rated, keys)
        written.append(_save(fig, out_dir / f"agreement_{safe_name(report.criterion)}.png"))
    for judge, jr in report.judges.items():
        stem = f"{safe_name(report.criterion)}_{safe_name(judge)}"
        title = f"{report.criterion}: {judge}"
        if jr.vs_reference.confusion is not None and jr.vs_reference.n_items:
            k = len(report.categories)
            fig = _figure(1.8 + 0.6 * k, 1.5 + 0.6 * k)
            rows = confusion_rows(report, jr.vs_reference)
            draw_confusion(fig.add_subplot(), title, report.categories, jr.vs_reference, rows)
            written.append(_save(fig, out_dir / f"confusion_{stem}.png"))
        if jr.reliability is not None:
            fig = _figure(5, 5)
            draw_reliability(fig.add_subplot(), title, jr.reliability)
            written.append(_save(fig, out_dir / f"reliability_{stem}.png"))
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


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=100)
    return path
