"""The comparison's figures: pass rates with 95% CIs per target, and paired differences."""

from __future__ import annotations

from auditor.compare.result import Comparison
from auditor.report.plots import COLORS, Plot, _grid, _plot


def comparison_plots(comparison: Comparison) -> list[Plot]:
    return [_pass_rates(comparison), _differences(comparison)]


def _pass_rates(comparison: Comparison) -> Plot:
    fig, axes = _grid(len(comparison.overall))
    alt = []
    for ax, c in zip(axes, comparison.overall, strict=False):
        for k, t in enumerate(c.targets):
            if t.pass_rate is None:
                continue
            low, high = t.pass_rate_ci or (t.pass_rate, t.pass_rate)
            errors = [[(t.pass_rate - low) * 100], [(high - t.pass_rate) * 100]]
            ax.errorbar(
                [k], [t.pass_rate * 100], yerr=errors, fmt="o", color=COLORS[k % len(COLORS)], capsize=3
            )
            alt.append(f"{c.criterion} {t.target}: {t.pass_rate:.0%} [{low:.0%}, {high:.0%}]")
        ax.set_xticks(range(len(c.targets)), [t.target for t in c.targets], fontsize=7)
        ax.set_ylim(0, 105)
        ax.set_ylabel("% of decided items passing", fontsize=8)
        ax.set_title(c.criterion, fontsize=10)
    return _plot("compare_pass_rates", "Pass rate per target with 95% CIs", "; ".join(alt), fig)


def _differences(comparison: Comparison) -> Plot:
    rows = [(c.criterion, p) for c in comparison.overall for p in c.paired if p.pass_rate_diff is not None]
    fig, axes = _grid(1, height=max(2.0, 0.4 * len(rows) + 1))
    ax = axes[0]
    alt = []
    for i, (criterion, p) in enumerate(rows):
        diff = (p.pass_rate_diff or 0.0) * 100
        low, high = (x * 100 for x in (p.pass_rate_diff_ci or (diff / 100, diff / 100)))
        color = COLORS[3] if p.significant_regression else COLORS[0]
        ax.errorbar([diff], [i], xerr=[[diff - low], [high - diff]], fmt="o", color=color, capsize=3)
        alt.append(f"{criterion} {p.candidate}: {diff:+.1f} pp [{low:+.1f}, {high:+.1f}]")
    ax.axvline(0, color="#999999", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(rows)), [f"{c}: {p.candidate}" for c, p in rows], fontsize=7)
    ax.set_xlabel(f"pass rate difference vs {comparison.baseline} (pp)", fontsize=8)
    title = "Paired pass-rate differences with bootstrap 95% CIs (red: significant regression)"
    return _plot("compare_differences", title, "; ".join(alt) or "no paired differences", fig)
