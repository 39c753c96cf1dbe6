"""Acceptance criteria on robustness metrics: the figure of `robustness.json` a criterion names, as a Measure.

`{suite: injection, metric: comply_rate, max: 0.0}`, `{suite: typos, metric: pass_flip_rate,
max: 0.05}`, `{suite: counterfactual, metric: max_gap, max: 0.05}`, `{metric: max_gap,
across: marketplace, max: 0.1}`. Each is decided on the figure's 95% CI like any other
criterion; "items needed" assumes a Wilson interval (shares of independent units) or a
bootstrap interval whose half-widths shrink as 1 / sqrt(units).
"""

from __future__ import annotations

import numpy as np

from auditor.acceptance.criteria import FLIP_METRICS, AcceptanceCriterion
from auditor.acceptance.measure import EMPTY, Measure
from auditor.compare.stats import Interval, wilson
from auditor.errors import UserError
from auditor.suites.result import Figure, Robustness


def robustness_measure(spec: AcceptanceCriterion, target: str, result: Robustness) -> Measure:
    """The figure `spec` names for `target`; a UserError when the run has no such figure at all."""
    figure = _figure(spec, target, result)
    if figure is None:
        what = f"suite '{spec.suite}'" if spec.suite else f"slices by '{spec.across}'"
        raise UserError(
            f"acceptance criterion {spec.metric} ({what}, criterion {spec.criterion}): "
            f"the run has no such figure for target '{target}' (is the suite in the config's 'suites:', "
            "and the criterion judged?)"
        )
    return measure_of(figure)


def _figure(spec: AcceptanceCriterion, target: str, result: Robustness) -> Figure | None:
    if spec.metric in FLIP_METRICS:
        row = next(
            (
                f
                for f in result.flips
                if (f.suite, f.target, f.criterion) == (spec.suite, target, spec.criterion)
            ),
            None,
        )
        return None if row is None else getattr(row, spec.metric)
    if spec.metric == "comply_rate":
        comply = next((c for c in result.comply if c.target == target), None)
        return None if comply is None else comply.comply_rate
    if spec.metric in ("max_gap", "group_flip_rate"):
        family = "counterfactual" if spec.suite == "counterfactual" else "slice"
        attribute = spec.across or "group"
        gap = next(
            (
                d
                for d in result.disparities
                if (d.family, d.target, d.criterion, d.attribute)
                == (family, target, spec.criterion, attribute)
            ),
            None,
        )
        if gap is None:
            return None
        return gap.max_gap if spec.metric == "max_gap" else gap.group_flip_rate
    rows = result.reliability
    sampled = next((r for r in rows if (r.target, r.criterion) == (target, spec.criterion)), None)
    if sampled is None:
        return None
    return sampled.consistent_share if spec.metric == "consistent_share" else sampled.fleiss_kappa


def measure_of(figure: Figure) -> Measure:
    """A figure as the decision reads it: its CI now, and at another number of units."""
    estimate, ci = figure.estimate, figure.ci95
    if estimate is None:
        return EMPTY

    def at(m: int) -> Interval | None:
        if figure.method == "wilson":
            return wilson(estimate * m, m)
        if ci is None:
            return None
        shrink = float(np.sqrt(figure.n / m))
        return estimate - (estimate - ci[0]) * shrink, estimate + (ci[1] - estimate) * shrink

    return Measure(figure.n, estimate, ci, at)
