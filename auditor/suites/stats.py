"""The statistics of the suites, each from scipy or statsmodels.

- a flip rate or a mean score change over variants: the pooled ratio (flips / pairs), its
  95% CI a percentile bootstrap over *parent items* (scipy `bootstrap`, paired), since the
  variants of one item are not independent of each other. With no flip at all (or only
  flips) the bootstrap has nothing to resample and the CI is the Wilson interval of the
  pooled counts instead (statsmodels, as `compare.stats.wilson`);
- a share of independent units (comply rate, consistency): the Wilson interval;
- the largest gap in pass rate between groups: paired bootstrap over parent items for
  counterfactual groups (the same items under each group's cues), an unpaired bootstrap
  within each slice for the input's slices; Fisher's exact test (scipy `fisher_exact`) on
  the best and the worst group, the chi-square test of independence (scipy
  `chi2_contingency`) on all of them;
- agreement between samples: Fleiss' kappa (statsmodels `fleiss_kappa` over
  `aggregate_raters`), its CI a bootstrap over items.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import stats as sps
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from auditor.compare.stats import percentile_ci, wilson
from auditor.suites.result import Figure

FloatArray = npt.NDArray[np.float64]


def share(hits: int, n: int) -> Figure:
    """hits / n with its Wilson interval."""
    if n == 0:
        return Figure(estimate=None, note="nothing to count")
    return Figure(estimate=hits / n, ci95=wilson(hits, n), n=n, method="wilson")


def pooled_ratio(
    numerators: Sequence[float], denominators: Sequence[int], rng: np.random.Generator, *, counts: bool
) -> Figure:
    """sum(numerators) / sum(denominators) over parent items, with a bootstrap CI over parents.

    `counts`: the numerators count events out of the denominators (flips out of pairs), so a
    degenerate sample (no event, or only events) gets the Wilson interval of the pooled counts.
    """
    num = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    total = float(den.sum())
    if total == 0:
        return Figure(estimate=None, note="no pair with both verdicts decided")
    estimate = float(num.sum()) / total
    if counts and (num.sum() == 0 or num.sum() == total):
        return Figure(
            estimate=estimate,
            ci95=wilson(float(num.sum()), int(total)),
            n=int(total),
            method="wilson",
            note="every pair alike: Wilson interval of the pooled pairs",
        )
    if len(num) < 2:
        return Figure(estimate=estimate, n=1, note="one parent item: no interval")
    ci = percentile_ci((num, den), _ratio, paired=True, rng=rng)
    return Figure(estimate=estimate, ci95=ci, n=len(num), method="bootstrap")


def _ratio(num: FloatArray, den: FloatArray, axis: int = -1) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.sum(num, axis=axis) / np.sum(den, axis=axis))


def paired_gap(passes: FloatArray, counts: FloatArray, rng: np.random.Generator) -> Figure:
    """The largest gap in pooled pass rate between columns (groups) of parents x groups arrays.

    Row i holds parent item i's passing variants (`passes`) and decided variants (`counts`)
    per group; the bootstrap resamples parent items, keeping each row's groups together.
    """
    rates = passes.sum(axis=0) / counts.sum(axis=0)
    estimate = float(rates.max() - rates.min())
    if passes.shape[0] < 2:
        return Figure(estimate=estimate, n=int(passes.shape[0]), note="one parent item: no interval")
    k = passes.shape[1]
    columns = tuple(passes[:, j] for j in range(k)) + tuple(counts[:, j] for j in range(k))

    def gap(*cols: FloatArray, axis: int = -1) -> FloatArray:
        hit = np.stack([np.sum(c, axis=axis) for c in cols[:k]])
        n = np.stack([np.sum(c, axis=axis) for c in cols[k:]])
        rate = hit / n
        return np.asarray(rate.max(axis=0) - rate.min(axis=0))

    ci = percentile_ci(columns, gap, paired=True, rng=rng)
    return Figure(estimate=estimate, ci95=ci, n=int(passes.shape[0]), method="bootstrap")


def unpaired_gap(samples: Sequence[FloatArray], rng: np.random.Generator) -> Figure:
    """The largest gap in pass rate between independent groups (each a 0/1 array, two or more long)."""
    means = [float(s.mean()) for s in samples]
    estimate = max(means) - min(means)
    ci = percentile_ci(tuple(samples), _spread_of_means, paired=False, rng=rng)
    return Figure(
        estimate=estimate,
        ci95=ci,
        n=sum(len(s) for s in samples),
        method="bootstrap",
    )


def _spread_of_means(*samples: FloatArray, axis: int = -1) -> FloatArray:
    means = np.stack([np.mean(s, axis=axis) for s in samples])
    return np.asarray(means.max(axis=0) - means.min(axis=0))


def fisher_p(best: tuple[int, int], worst: tuple[int, int]) -> float:
    """Fisher's exact two-sided p for (passed, n) of two groups."""
    table = [[best[0], best[1] - best[0]], [worst[0], worst[1] - worst[0]]]
    return float(sps.fisher_exact(table).pvalue)


def chi_square(groups: Sequence[tuple[int, int]]) -> tuple[float, float] | None:
    """The chi-square test of independence of group and pass/fail; None when a column is empty."""
    table = np.asarray([[p, n - p] for p, n in groups], dtype=float)
    if (table.sum(axis=0) == 0).any() or len(groups) < 2:
        return None
    result = sps.chi2_contingency(table)
    return float(result.statistic), float(result.pvalue)


def consistency(samples: Sequence[Sequence[bool]]) -> Figure:
    """The share of items whose samples all got the same verdict (Wilson)."""
    same = sum(len(set(s)) == 1 for s in samples)
    return share(same, len(samples))


def kappa(samples: Sequence[Sequence[bool]], rng: np.random.Generator) -> Figure:
    """Fleiss' kappa of pass/fail over samples (items x samples), with a bootstrap CI over items."""
    ratings = np.asarray(samples, dtype=int)
    if ratings.shape[0] < 2:
        return Figure(estimate=None, n=int(ratings.shape[0]), note="fewer than two items")
    if (ratings == ratings.flat[0]).all():
        return Figure(estimate=None, n=int(ratings.shape[0]), note="every sample of every item alike")
    estimate = _kappa(ratings)

    def statistic(index: npt.NDArray[np.int64]) -> float:
        return _kappa(ratings[index.astype(int)])

    low, high = percentile_ci(
        (np.arange(ratings.shape[0]),), statistic, paired=False, rng=rng, vectorized=False
    )
    if np.isnan(low) or np.isnan(high):
        return Figure(
            estimate=estimate, n=int(ratings.shape[0]), note="too few distinct items for an interval"
        )
    return Figure(estimate=estimate, ci95=(low, high), n=int(ratings.shape[0]), method="bootstrap")


def _kappa(ratings: npt.NDArray[np.int64]) -> float:
    table, _ = aggregate_raters(ratings, n_cat=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = float(fleiss_kappa(table))
    # A resample whose ratings are all alike has no chance agreement to beat: full agreement.
    return 1.0 if np.isnan(value) else value
