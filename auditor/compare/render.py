"""comparison.md: the tables a reader wants (comparison.json, every number, is `result.Comparison`)."""

from __future__ import annotations

from auditor.compare.result import ALPHA, Comparison, CriterionComparison
from auditor.compare.stats import Interval

MAX_IDS = 50  # regressed ids listed per row in comparison.md; comparison.json has them all


def render_markdown(comparison: Comparison) -> str:
    lines = [
        f"# Comparison against {comparison.baseline}",
        "",
        f"{comparison.shared_items} items shared by every target ({', '.join(comparison.targets)}).",
    ]
    lines += [f"- {t} lacks {n} items the others have" for t, n in comparison.lacking.items() if n]
    lines += [
        "",
        "Pass rates: Wilson 95% CIs; mean scores: t 95% CIs; differences (candidate - baseline): "
        "paired bootstrap 95% CIs; McNemar exact and Wilcoxon signed-rank p-values, "
        f"{comparison.correction}-adjusted per candidate and test.",
        "",
        "## All shared items",
        "",
        *_tables(comparison.overall),
    ]
    if comparison.slices:
        lines += ["## By slice", "", *_tables(comparison.slices)]
    lines += ["## Significant regressions", ""]
    if not comparison.regressions:
        lines.append(f"None at adjusted p < {ALPHA}.")
    for r in comparison.regressions:
        ids = ", ".join(r.items[:MAX_IDS]) + (" ..." if len(r.items) > MAX_IDS else "")
        lines.append(f"- {r.criterion}, {r.slice}, {r.candidate}: {len(r.items)} items worse: {ids}")
    return "\n".join(lines) + "\n"


def _tables(comparisons: list[CriterionComparison]) -> list[str]:
    lines = [
        "| criterion | slice | target | items | pass rate | mean score |",
        "|---|---|---|---|---|---|",
    ]
    for c in comparisons:
        for t in c.targets:
            rate = f"{_pct(t.pass_rate)} {_ci(t.pass_rate_ci, pct=True)} (n={t.decided})"
            score = f"{_num(t.mean_score)} {_ci(t.mean_score_ci)} (n={t.scored})"
            lines.append(f"| {c.criterion} | {c.where} | {t.target} | {c.items} | {rate} | {score} |")
    lines += [
        "",
        "| criterion | slice | candidate | pass rate diff | McNemar p (adj.) | score diff "
        "| Wilcoxon p (adj.) | win/tie/loss |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in comparisons:
        for p in c.paired:
            mark = " **regression**" if p.significant_regression else ""
            lines.append(
                f"| {c.criterion} | {c.where} | {p.candidate}{mark} "
                f"| {_signed(p.pass_rate_diff, pct=True)} {_ci(p.pass_rate_diff_ci, pct=True)} "
                f"(n={p.n_decided}) "
                f"| {_p(p.mcnemar.p_value)} ({_p(p.mcnemar_adjusted)}) "
                f"| {_signed(p.score_diff)} {_ci(p.score_diff_ci)} (n={p.n_scored}) "
                f"| {_p(p.wilcoxon.p_value)} ({_p(p.wilcoxon_adjusted)}) "
                f"| {p.wins}/{p.ties}/{p.losses} |"
            )
    return [*lines, ""]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _signed(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value * 100:+.1f} pp" if pct else f"{value:+.2f}"


def _ci(ci: Interval | None, pct: bool = False) -> str:
    if ci is None:
        return ""
    if pct:
        return f"[{ci[0] * 100:.1f}, {ci[1] * 100:.1f}]"
    return f"[{ci[0]:.2f}, {ci[1]:.2f}]"


def _p(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "<0.001" if value < 0.001 else f"{value:.3f}"
