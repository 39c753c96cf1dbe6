"""The report's "Robustness and fairness" section: `robustness.json` as tables.

Robustness (flip rates against the parent item per suite), safety (the injection comply
rate), fairness (pass rates across counterfactual groups and across the input's slices,
the largest gap and its tests) and reliability (repeated samples). Cells show an estimate
with its 95% CI; a figure without one says why. The section names item ids, groups and
slices only: no question or answer text, so nothing in it needs masking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.report.benchmark import Table
from auditor.suites.result import ALL, Disparity, Figure, Robustness, format_figure
from auditor.types import AuditRecord

MAX_IDS = 5  # example item ids per row; robustness.json keeps up to ten


@dataclass(frozen=True)
class RobustnessSection:
    intro: list[str]
    flips: Table
    comply: Table | None
    counterfactual: Table | None
    slices: Table | None
    reliability: Table | None
    result: Robustness


def robustness_for(run_dir: Path, records: Sequence[AuditRecord]) -> Robustness | None:
    """The run's robustness.json; computed from the records when the run has derived items but no file."""
    found = Robustness.read(run_dir)
    if found is not None:
        return found
    if any(r.parent_id is not None for r in records):
        from auditor.suites.command import compute_robustness  # it reads runs as compare does

        return compute_robustness(run_dir)
    return None


def robustness_section(result: Robustness, derived: int, with_targets: bool) -> RobustnessSection:
    """The section's tables; `derived` counts the run's derived records."""
    intro = [
        f"{derived} answers to derived items ({', '.join(result.suites) or 'none configured'}), "
        "each compared with the answer to its parent item.",
        "Flip rates: the share of (parent, variant) pairs whose verdict differs; CIs bootstrap parent "
        "items (Wilson on the pooled pairs where no pair, or every pair, flipped).",
    ]
    if not with_targets:
        intro.append(
            "This run has no targets: every derived item kept its parent's response, so these figures "
            "measure the judges' sensitivity to the question, not the assistant's."
        )
    intro += result.notes
    return RobustnessSection(
        intro=intro,
        flips=_flips(result),
        comply=_comply(result),
        counterfactual=_gaps([d for d in result.disparities if d.family == "counterfactual"], True),
        slices=_gaps([d for d in result.disparities if d.family == "slice"], False),
        reliability=_reliability(result),
        result=result,
    )


def _flips(result: Robustness) -> Table:
    headers = ["suite", "target", "criterion", "pairs", "pass/fail flips [95% CI]", "score flips [95% CI]",
               "mean score change [95% CI]", "skipped items", "flipped (examples)"]  # fmt: skip
    rows = [
        [f.suite, f.target, f.criterion, str(f.pairs), format_figure(f.pass_flip_rate),
         _or_dash(f.score_flip_rate), _or_dash(f.mean_score_change), str(f.skipped),
         ", ".join(f.flipped_items[:MAX_IDS]) or "—"]
        for f in result.flips
    ]  # fmt: skip
    return Table(headers, rows)


def _comply(result: Robustness) -> Table | None:
    if not result.comply:
        return None
    headers = ["target", "variants", "complied", "comply rate [95% CI]", "by check", "complied (examples)"]
    rows = [
        [c.target, str(c.variants), str(c.complied), format_figure(c.comply_rate),
         ", ".join(f"{k}: {v}" for k, v in c.by_check.items()), ", ".join(c.complied_items[:MAX_IDS]) or "—"]
        for c in result.comply
    ]  # fmt: skip
    return Table(headers, rows)


def _gaps(disparities: Sequence[Disparity], counterfactual: bool) -> Table | None:
    if not disparities:
        return None
    headers = ["target", "criterion", "across", "pass rate by group", "max gap [95% CI]", "worst vs best",
               "Fisher p", "chi-square p"]  # fmt: skip
    if counterfactual:
        headers.append("items differing across groups")
    rows = []
    for d in disparities:
        groups = " · ".join(f"{g.value} {g.passed}/{g.n}" for g in d.groups)
        if d.excluded:
            groups += f" (too small for the gap: {', '.join(d.excluded)})"
        row = [d.target, d.criterion, d.attribute, groups, format_figure(d.max_gap),
               f"{d.worst} vs {d.best}" if d.best else "—", _p(d.fisher_p), _p(d.chi2_p)]  # fmt: skip
        if counterfactual:
            row.append(_or_dash(d.group_flip_rate))
        rows.append(row)
    return Table(headers, rows)


def _reliability(result: Robustness) -> Table | None:
    if not result.reliability:
        return None
    headers = ["target", "criterion", "samples", "items", "same verdict in every sample [95% CI]",
               "Fleiss' kappa [95% CI]"]  # fmt: skip
    rows = [
        [r.target, r.criterion, str(r.samples), str(r.items), format_figure(r.consistent_share),
         format_figure(r.fleiss_kappa)]
        for r in result.reliability
    ]  # fmt: skip
    return Table(headers, rows)


def _or_dash(figure: Figure | None) -> str:
    return "—" if figure is None or (figure.estimate is None and figure.n == 0) else format_figure(figure)


def _p(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def headline(result: Robustness) -> list[str]:
    """Summary bullets: the worst overall flip rate, any compliance, the largest group gap."""
    lines = []
    flips = [f for f in result.flips if f.criterion == ALL and f.pass_flip_rate.estimate is not None]
    if flips:
        worst = max(flips, key=lambda f: f.pass_flip_rate.estimate or 0.0)
        lines.append(
            f"Robustness: the overall verdict flips most under {worst.suite} "
            f"({format_figure(worst.pass_flip_rate)} of pairs, target {worst.target})."
        )
    for c in result.comply:
        lines.append(f"Injection: {c.complied} of {c.variants} answers complied (target {c.target}).")
    gaps = [d for d in result.disparities if d.criterion == ALL and d.max_gap.estimate is not None]
    if gaps:
        top = max(gaps, key=lambda d: d.max_gap.estimate or 0.0)
        lines.append(
            f"Fairness: largest pass-rate gap {format_figure(top.max_gap)} across {top.attribute} "
            f"({top.family}, target {top.target})."
        )
    return lines
