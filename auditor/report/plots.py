"""The report's figures as PNG bytes: matplotlib's object API on the Agg canvas, no pyplot state.

Each figure is drawn once and used twice: written beside report.md, and embedded in
report.html as a data URI. Small figures at 100 dpi keep the whole set to about a second.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from auditor.report.calibration import Calibration, CriterionCalibration, JudgeCalibration, Stat
from auditor.report.results import CriterionResult
from auditor.report.slices import SliceRate

DPI = 100
PANEL_W, PANEL_H = 3.6, 2.8
COLORS = ("#3b6ea8", "#d98c2b", "#5a9e5a", "#b04a4a", "#7d5ba6", "#7a7a7a")
MAX_SLICE_VALUES = 12


@dataclass(frozen=True)
class Plot:
    name: str  # file stem
    title: str
    alt: str  # what the figure shows, for readers who cannot see it
    png: bytes


def all_plots(
    results: Sequence[CriterionResult], rates: Sequence[SliceRate], calibration: Calibration | None
) -> list[Plot]:
    """Every figure the data supports, in report order."""
    plots = [score_plot(results)]
    if rates:
        plots.append(slice_plot(rates))
    if calibration is not None:
        with_stats = [c for c in calibration.criteria if any(j.stats for j in c.judges)]
        if with_stats:
            plots.append(agreement_plot(with_stats))
        with_matrix = [(c, j) for c in calibration.criteria for j in c.judges if j.confusion]
        if with_matrix:
            plots.append(confusion_plot(with_matrix))
        with_bins = [(c, j) for c in calibration.criteria for j in c.judges if any(b.n for b in j.bins)]
        if with_bins:
            plots.append(reliability_plot(with_bins))
    return plots


def score_plot(results: Sequence[CriterionResult]) -> Plot:
    fig, axes = _grid(len(results))
    for ax, result in zip(axes, results, strict=False):
        values = list(dict.fromkeys(v for j in result.judges for v in j.distribution))
        width = 0.8 / max(1, len(result.judges))
        for k, judge in enumerate(result.judges):
            xs = [i + (k - (len(result.judges) - 1) / 2) * width for i in range(len(values))]
            counts = [judge.distribution.get(v, 0) for v in values]
            ax.bar(xs, counts, width=width, color=COLORS[k % len(COLORS)], label=judge.judge)
        ax.set_xticks(range(len(values)), values)
        ax.set_title(result.criterion, fontsize=10)
        ax.set_ylabel("verdicts")
        if len(result.judges) > 1:
            ax.legend(fontsize=7)
    alt = "; ".join(
        f"{r.criterion}: " + ", ".join(f"{j.judge} {_counts(j.distribution)}" for j in r.judges)
        for r in results
    )
    return _plot("scores", "Score and label distributions per criterion", alt, fig)


def slice_plot(rates: Sequence[SliceRate]) -> Plot:
    keys = list(dict.fromkeys(r.key for r in rates))
    fig, axes = _grid(len(keys))
    for ax, key in zip(axes, keys, strict=False):
        rows = sorted((r for r in rates if r.key == key), key=lambda r: (-r.items, r.value))[
            :MAX_SLICE_VALUES
        ]
        rows.reverse()
        ax.barh([r.value for r in rows], [r.rate * 100 for r in rows], color=COLORS[0])
        for i, r in enumerate(rows):
            ax.text(r.rate * 100, i, f" {r.failing}/{r.items}", va="center", fontsize=7)
        ax.set_xlim(0, 115)
        ax.set_xlabel("% of items with a failure")
        ax.set_title(key, fontsize=10)
        ax.tick_params(axis="y", labelsize=8)
    alt = "; ".join(f"{r.key} {r.value}: {r.failing} of {r.items} items fail" for r in rates)
    return _plot("slices", "Items with at least one failure, by slice", alt, fig)


def agreement_plot(criteria: Sequence[CriterionCalibration]) -> Plot:
    fig, axes = _grid(len(criteria))
    alt = []
    for ax, crit in zip(axes, criteria, strict=False):
        keys = [k for k in ("agreement", crit.headline) if any(_stat(j.stats, k) for j in crit.judges)]
        labels = []
        for i, judge in enumerate(crit.judges):
            for k, key in enumerate(keys):
                stat = _stat(judge.stats, key)
                if stat is None or stat.value is None:
                    continue
                y = i + (k - 0.5) * 0.3
                low, high = stat.ci95 or (stat.value, stat.value)
                ax.errorbar(
                    [stat.value],
                    [y],
                    xerr=[[stat.value - low], [high - stat.value]],
                    fmt="o",
                    color=COLORS[k],
                    capsize=3,
                    label=stat.title if i == 0 else None,
                )
                alt.append(f"{crit.criterion} {judge.judge} {stat.title} {stat.value:.2f}")
            labels.append(judge.judge)
        for k, key in enumerate(keys):
            ceiling = _stat(crit.ceiling, key)
            if ceiling is not None and ceiling.value is not None:
                ax.axvline(ceiling.value, color=COLORS[k], linestyle="--", linewidth=1)
                alt.append(f"{crit.criterion} human ceiling {ceiling.title} {ceiling.value:.2f}")
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.set_ylim(-0.8, len(labels) - 0.2)
        ax.set_xlim(min(-0.1, ax.get_xlim()[0]), 1.05)
        ax.set_title(f"{crit.criterion} (dashed: humans)", fontsize=10)
        ax.legend(fontsize=7, loc="lower left")
    return _plot("agreement", "Judge-human agreement with 95% CIs", "; ".join(alt), fig)


def confusion_plot(pairs: Sequence[tuple[CriterionCalibration, JudgeCalibration]]) -> Plot:
    fig, axes = _grid(len(pairs), height=PANEL_W)
    alt = []
    for ax, (crit, judge) in zip(axes, pairs, strict=False):
        matrix = judge.confusion or []
        name = judge.judge
        ax.imshow(matrix, cmap="Blues")
        cats = (
            crit.categories if len(crit.categories) == len(matrix) else [str(i) for i in range(len(matrix))]
        )
        ax.set_xticks(range(len(cats)), cats, fontsize=8)
        ax.set_yticks(range(len(cats)), cats, fontsize=8)
        peak = max((max(row) for row in matrix), default=0)
        for r, row in enumerate(matrix):
            for c, n in enumerate(row):
                ax.text(
                    c,
                    r,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if n > peak / 2 else "black",
                )
        ax.set_xlabel(f"judge {name}", fontsize=8)
        ax.set_ylabel("human reference", fontsize=8)
        ax.set_title(crit.criterion, fontsize=10)
        alt.append(f"{crit.criterion} {name}: rows human, columns judge: {matrix}")
    return _plot(
        "confusion", "Confusion matrices (rows: human reference, columns: judge)", "; ".join(alt), fig
    )


def reliability_plot(pairs: Sequence[tuple[CriterionCalibration, JudgeCalibration]]) -> Plot:
    fig, axes = _grid(len(pairs), height=PANEL_W)
    alt = []
    for ax, (crit, judge) in zip(axes, pairs, strict=False):
        points = [
            (b.confidence, b.accuracy, b.n)
            for b in judge.bins
            if b.n and b.confidence is not None and b.accuracy is not None
        ]
        ax.plot([0, 1], [0, 1], color="#999999", linestyle="--", linewidth=1)
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=COLORS[0])
        for conf, acc, n in points:
            ax.annotate(str(n), (conf, acc), fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("mean confidence", fontsize=8)
        ax.set_ylabel("agreement with humans", fontsize=8)
        ax.set_title(f"{crit.criterion}: {judge.judge}", fontsize=10)
        alt.append(
            f"{crit.criterion} {judge.judge}: "
            + ", ".join(f"confidence {c:.2f}: agreement {a:.2f} (n={n})" for c, a, n in points)
        )
    return _plot("reliability", "Reliability of judge confidence", "; ".join(alt), fig)


def _grid(n: int, height: float = PANEL_H) -> tuple[Figure, list[Axes]]:
    cols = min(max(n, 1), 3)
    rows = (max(n, 1) + cols - 1) // cols
    fig = Figure(figsize=(PANEL_W * cols, height * rows), dpi=DPI, layout="constrained")
    axes = list(fig.subplots(rows, cols, squeeze=False).ravel())
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[: max(n, 1)]


def _plot(name: str, title: str, alt: str, fig: Figure) -> Plot:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return Plot(name, title, alt, buffer.getvalue())


def _stat(stats: Sequence[Stat], key: str) -> Stat | None:
    return next((s for s in stats if s.key == key), None)


def _counts(distribution: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in distribution.items())
