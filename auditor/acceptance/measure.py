"""Each metric's estimate, its 95% CI, and the CI it would have with more items at the same rate.

The "with more items" interval is what makes an inconclusive decision useful: the smallest
number of items whose interval, at the observed rate (or mean and spread), clears the bar
or lies wholly past it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from auditor.calibration.bootstrap import rng_for
from auditor.compare.outcomes import Outcome
from auditor.compare.stats import Interval, paired_bootstrap, t_interval_of, wilson


@dataclass(frozen=True)
class Measure:
    n: int
    estimate: float | None
    ci: Interval | None
    at: Callable[[int], Interval | None]  # the CI with this many items, the estimate unchanged


def _none(_: int) -> Interval | None:
    return None


EMPTY = Measure(0, None, None, _none)


def rate(hits: int, n: int) -> Measure:
    """A share with its Wilson interval."""
    if n == 0:
        return EMPTY
    share = hits / n
    return Measure(n, share, wilson(hits, n), lambda m: wilson(share * m, m))


def pass_rate(outcomes: Sequence[Outcome]) -> Measure:
    decided = [o.passed for o in outcomes if o.passed is not None]
    return rate(sum(decided), len(decided))


def leak_rate(outcomes: Sequence[Outcome]) -> Measure:
    decided = [o.passed for o in outcomes if o.passed is not None]
    return rate(sum(not p for p in decided), len(decided))


def mean_score(outcomes: Sequence[Outcome]) -> Measure:
    scores = np.asarray([o.score for o in outcomes if o.score is not None], dtype=float)
    if scores.size == 0:
        return EMPTY
    mean = float(scores.mean())
    if scores.size < 2:
        return Measure(1, mean, None, _none)
    sd = float(scores.std(ddof=1))
    return Measure(
        int(scores.size),
        mean,
        t_interval_of(mean, sd, int(scores.size)),
        lambda m: t_interval_of(mean, sd, m),
    )


def pass_rate_drop(base: Sequence[Outcome], cand: Sequence[Outcome], seed: int, key: str) -> Measure:
    """Baseline pass rate minus the candidate's on the items both decided; paired bootstrap CI."""
    pairs = [
        (b.passed, c.passed)
        for b, c in zip(base, cand, strict=True)
        if b.passed is not None and c.passed is not None
    ]
    if not pairs:
        return EMPTY
    b_pass = [float(b) for b, _ in pairs]
    c_pass = [float(c) for _, c in pairs]
    n = len(pairs)
    drop = (sum(b_pass) - sum(c_pass)) / n
    ci = paired_bootstrap(c_pass, b_pass, rng_for(seed, key))
    if ci is None:
        return Measure(n, drop, None, _none)
    low, high = ci

    def at(m: int) -> Interval:
        # The bootstrap half-widths shrink as 1 / sqrt(items).
        shrink = float(np.sqrt(n / m))
        return drop - (drop - low) * shrink, drop + (high - drop) * shrink

    return Measure(n, drop, ci, at)
