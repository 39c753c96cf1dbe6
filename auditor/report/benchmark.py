"""The benchmark sections of a report: the go/no-go table (`auditor gate`) and the comparison
against a baseline (`auditor compare`), read from the files those commands leave in the run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.compare.result import Comparison

COMPARISON = Path("comparison") / "comparison.json"
MAX_IDS = 30  # regressed item ids shown per regression; comparison.json has them all


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class GoNoGo:
    verdict: str  # go, no-go, inconclusive
    table: Table


@dataclass(frozen=True)
class ComparisonSection:
    intro: list[str]
    table: Table
    regressions: list[str]


def read_go_no_go(run_dir: Path) -> GoNoGo | None:
    # Imported here: acceptance reaches report through compare's plots, so a module-level
    # import would close a cycle.
    from auditor.acceptance.result import GateFile

    gate = GateFile.read(run_dir)
    if gate is None:
        return None
    headers = ["status", "criterion", "metric", "bar", "target", "slice", "items", "estimate [95% CI]", "why"]
    rows = [
        [d.status.upper(), d.criterion, d.metric, d.bar, d.target, d.slice or "all",
         str(d.n), _estimate(d.estimate, d.ci95), d.reason]
        for d in gate.decisions
    ]  # fmt: skip
    return GoNoGo(verdict=gate.verdict, table=Table(headers, rows))


def read_comparison(run_dir: Path) -> ComparisonSection | None:
    c = Comparison.read(run_dir / COMPARISON)
    if c is None:
        return None
    intro = [f"Against the baseline {c.baseline}, on the {c.shared_items} items every target has."]
    intro += [f"{t} lacks {n} items, left out." for t, n in c.lacking.items() if n]
    intro.append(f"p-values {c.correction}-adjusted; full tables and figures: {COMPARISON}.")
    headers = ["criterion", "candidate", "pass rate diff [95% CI]", "McNemar p (adj.)",
               "score diff [95% CI]", "Wilcoxon p (adj.)", "win/tie/loss"]  # fmt: skip
    rows = [
        [o.criterion, p.candidate, _estimate(p.pass_rate_diff, p.pass_rate_diff_ci),
         _p(p.mcnemar_adjusted), _estimate(p.score_diff, p.score_diff_ci),
         _p(p.wilcoxon_adjusted), f"{p.wins}/{p.ties}/{p.losses}"]
        for o in c.overall
        for p in o.paired
    ]  # fmt: skip
    regressions = [
        f"{r.criterion}, {r.slice}, {r.candidate}: {len(r.items)} items worse: "
        + ", ".join(r.items[:MAX_IDS])
        + (" ..." if len(r.items) > MAX_IDS else "")
        for r in c.regressions
    ]
    return ComparisonSection(intro, Table(headers, rows), regressions)


def _estimate(value: float | None, ci: Sequence[float] | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if ci is None else f"{value:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"


def _p(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "<0.001" if value < 0.001 else f"{value:.3f}"
