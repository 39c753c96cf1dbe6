"""The report's figures as PNG bytes: matplotlib's object API on the Agg canvas, no pyplot state.

The calibration charts are calibrate's own (`auditor.calibration.plots`), one panel per
criterion or judge.

Each figure is drawn once and used twice: written beside report.md, and embedded in
report.html as a data URI. Small figures at 100 dpi keep the whole set to about a second.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from auditor.calibration.analysis import CriterionReport, JudgeReport
from auditor.calibration.plots import confusion_rows, draw_agreement, draw_confusion, draw_reliability, raters
from auditor.calibration.reliability import Reliability
from auditor.calibration.statistics import TITLES
from auditor.report.calibration_section import Calibration, headline
from auditor.report.results import CriterionResult
from auditor.report.slices import SliceRate
from auditor.suites.result import ALL, Disparity, FlipRow, ReliabilityRow, Robustness
from auditor.suites.result import Figure as RobustnessFigure

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
        with_stats = [c for c in calibration.criteria if any(cmp.statistics for _, cmp in raters(c))]
        if with_stats:
            plots.append(agreement_plot(with_stats))
        judges = [(c, j) for c in calibration.criteria for j in c.judges.values()]
        with_matrix = [(c, j) for c, j in judges if j.vs_reference.confusion and j.vs_reference.n_items]
        if with_matrix:
            plots.append(confusion_plot(with_matrix))
        with_bins = [
            (c, j.reliability, j.judge)
            for c, j in judges
            if j.reliability and any(b.n for b in j.reliability.bins)
        ]
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
        ax.set_title(result.label, fontsize=10)
        ax.set_ylabel("verdicts")
        if len(result.judges) > 1:
            ax.legend(fontsize=7)
    alt = "; ".join(
        f"{r.label}: " + ", ".join(f"{j.judge} {_counts(j.distribution)}" for j in r.judges) for r in results
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


def agreement_plot(criteria: Sequence[CriterionReport]) -> Plot:
    fig, axes = _grid(len(criteria), height=PANEL_H + 0.6)
    alt = []
    for ax, crit in zip(axes, criteria, strict=False):
        rated = raters(crit)
        draw_agreement(ax, crit.criterion, rated, ["agreement", headline(crit)], fontsize=7)
        alt += [
            f"{crit.criterion} {name} {TITLES[key]} {e.value:.2f}"
            for name, c in rated
            for key, e in c.statistics.items()
            if key in ("agreement", headline(crit)) and e.value is not None
        ]
    return _plot("agreement", "Judge-human agreement with 95% CIs", "; ".join(alt), fig)


def confusion_plot(pairs: Sequence[tuple[CriterionReport, JudgeReport]]) -> Plot:
    fig, axes = _grid(len(pairs), height=PANEL_W)
    alt = []
    for ax, (crit, judge) in zip(axes, pairs, strict=False):
        c = judge.vs_reference
        draw_confusion(ax, crit.criterion, crit.categories, c, confusion_rows(crit, c), fontsize=8)
        alt.append(f"{crit.criterion} {judge.judge}: rows human, columns judge: {c.confusion}")
    return _plot(
        "confusion", "Confusion matrices (rows: human reference, columns: judge)", "; ".join(alt), fig
    )


def reliability_plot(pairs: Sequence[tuple[CriterionReport, Reliability, str]]) -> Plot:
    fig, axes = _grid(len(pairs), height=PANEL_W)
    alt = []
    for ax, (crit, rel, judge) in zip(axes, pairs, strict=False):
        draw_reliability(ax, f"{crit.criterion}: {judge}", rel, fontsize=7)
        points = [b for b in rel.bins if b.n and b.mean_confidence is not None and b.accuracy is not None]
        alt.append(
            f"{crit.criterion} {judge}: "
            + ", ".join(
                f"confidence {b.mean_confidence:.2f}: agreement {b.accuracy:.2f} (n={b.n})" for b in points
            )
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


def _counts(distribution: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in distribution.items())


def robustness_plots(result: Robustness) -> list[Plot]:
    """One figure per family the run measured: robustness (flips), fairness (gaps), reliability."""
    plots = []
    flips = [f for f in result.flips if f.criterion == ALL and f.pass_flip_rate.estimate is not None]
    if flips:
        plots.append(flip_plot(flips))
    gaps = [
        d for d in result.disparities if d.criterion == ALL and d.groups and d.max_gap.estimate is not None
    ]
    if gaps:
        plots.append(fairness_plot(gaps[: 3 * 2]))
    sampled = [
        r for r in result.reliability if r.criterion == ALL and r.consistent_share.estimate is not None
    ]
    if sampled:
        plots.append(consistency_plot(sampled))
    return plots


def flip_plot(rows: Sequence[FlipRow]) -> Plot:
    targets = list(dict.fromkeys(r.target for r in rows))
    suites = list(dict.fromkeys(r.suite for r in rows))
    fig = Figure(
        figsize=(6.0, max(PANEL_H, 0.45 * len(suites) * len(targets) + 1)), dpi=DPI, layout="constrained"
    )
    ax = fig.subplots()
    height = 0.8 / len(targets)
    for k, target in enumerate(targets):
        mine = {r.suite: r.pass_flip_rate for r in rows if r.target == target}
        ys = [i + (k - (len(targets) - 1) / 2) * height for i, s in enumerate(suites) if s in mine]
        figures = [mine[s] for s in suites if s in mine]
        _bars(ax, ys, figures, height, COLORS[k % len(COLORS)], target)
    ax.set_yticks(range(len(suites)), suites, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of (parent, variant) pairs whose overall verdict flips")
    if len(targets) > 1:
        ax.legend(fontsize=7)
    alt = "; ".join(f"{r.suite} {r.target}: {_share(r.pass_flip_rate)}" for r in rows)
    return _plot("robustness", "Verdict flips against the parent item, with 95% CIs", alt, fig)


def fairness_plot(gaps: Sequence[Disparity]) -> Plot:
    fig, axes = _grid(len(gaps))
    for ax, gap in zip(axes, gaps, strict=False):
        _bars(ax, list(range(len(gap.groups))), [g.pass_rate for g in gap.groups], 0.7, COLORS[0], None)
        ax.set_yticks(range(len(gap.groups)), [g.value for g in gap.groups], fontsize=8)
        ax.set_xlim(0, 1)
        ax.set_xlabel("pass rate (overall verdict)")
        ax.set_title(f"{gap.target}: {gap.family} by {gap.attribute}", fontsize=9)
    alt = "; ".join(
        f"{d.target} {d.family} {d.attribute}: "
        + ", ".join(f"{g.value} {g.passed}/{g.n}" for g in d.groups)
        + f", max gap {_share(d.max_gap)}"
        for d in gaps
    )
    return _plot("fairness", "Pass rate by group and slice, with 95% CIs", alt, fig)


def consistency_plot(rows: Sequence[ReliabilityRow]) -> Plot:
    fig, (ax,) = _grid(1)
    _bars(ax, list(range(len(rows))), [r.consistent_share for r in rows], 0.6, COLORS[2], None)
    ax.set_yticks(range(len(rows)), [r.target for r in rows], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of items with one verdict in every sample")
    alt = "; ".join(f"{r.target}: {_share(r.consistent_share)} of {r.items} items" for r in rows)
    return _plot("consistency", "Same verdict in every sample, with 95% CIs", alt, fig)


def _bars(
    ax: Axes,
    ys: Sequence[float],
    figures: Sequence[RobustnessFigure],
    height: float,
    color: str,
    label: str | None,
) -> None:
    values = [f.estimate or 0.0 for f in figures]
    low = [v - (f.ci95[0] if f.ci95 else v) for v, f in zip(values, figures, strict=True)]
    high = [(f.ci95[1] if f.ci95 else v) - v for v, f in zip(values, figures, strict=True)]
    ax.barh(ys, values, height=height, color=color, label=label, xerr=[low, high], capsize=2)


def _share(figure: RobustnessFigure) -> str:
    if figure.estimate is None:
        return "n/a"
    ci = f" (95% CI {figure.ci95[0]:.2f} to {figure.ci95[1]:.2f})" if figure.ci95 else ""
    return f"{figure.estimate:.2f}{ci}"
