"""The statistics of a comparison, each from scipy or statsmodels.

- a pass rate's 95% CI: Wilson score interval (statsmodels `proportion_confint`);
- a mean score's 95% CI: Student's t interval (scipy);
- a paired difference's 95% CI: paired percentile bootstrap over items (scipy `bootstrap`,
  the same resampled items for both targets);
- pass/fail changes: McNemar's exact test (statsmodels `mcnemar`);
- score changes: Wilcoxon signed-rank test (scipy `wilcoxon`);
- many slices at once: Holm or Benjamini-Hochberg adjusted p-values (statsmodels `multipletests`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict
from scipy import stats as sps
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from auditor.calibration.bootstrap import CONFIDENCE

N_BOOT = 2000
CORRECTIONS = {"holm": "holm", "bh": "fdr_bh"}

Interval = tuple[float, float]


def wilson(successes: float, n: int) -> Interval | None:
    """The 95% Wilson interval of successes / n; None without items."""
    if n == 0:
        return None
    low, high = proportion_confint(successes, n, alpha=1 - CONFIDENCE, method="wilson")
    # At 0 (or all) successes the bound is exactly 0 (or 1); floating point leaves a crumb.
    low = 0.0 if successes <= 0 else max(0.0, float(low))
    high = 1.0 if successes >= n else min(1.0, float(high))
    return low, high


def t_interval(values: Sequence[float]) -> Interval | None:
    """The 95% t interval of the mean; None below two values."""
    if len(values) < 2:
        return None
    array = np.asarray(values, dtype=float)
    mean, sd = float(array.mean()), float(array.std(ddof=1))
    return t_interval_of(mean, sd, len(values))


def t_interval_of(mean: float, sd: float, n: int) -> Interval:
    """The 95% t interval of a mean from its sample's sd and size (n >= 2)."""
    if sd == 0.0:
        return mean, mean
    half = float(sps.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * sd / np.sqrt(n)
    return mean - half, mean + half


FloatArray = npt.NDArray[np.float64]


def paired_bootstrap(
    baseline: Sequence[float], candidate: Sequence[float], rng: np.random.Generator, n_boot: int = N_BOOT
) -> Interval | None:
    """95% CI of mean(candidate - baseline), resampling items with both values kept together."""
    if len(baseline) < 2:
        return None
    data = (np.asarray(baseline, dtype=float), np.asarray(candidate, dtype=float))
    return percentile_ci(data, _mean_difference, paired=True, rng=rng, n_resamples=n_boot)


def _mean_difference(baseline: FloatArray, candidate: FloatArray, axis: int = -1) -> FloatArray:
    return np.asarray(np.mean(candidate - baseline, axis=axis))


def percentile_ci(
    data: tuple[npt.NDArray[Any], ...],
    statistic: Callable[..., Any],
    *,
    paired: bool,
    rng: np.random.Generator,
    n_resamples: int = N_BOOT,
    vectorized: bool = True,
) -> Interval:
    """The percentile bootstrap 95% interval of `statistic` over `data` (scipy.stats.bootstrap).

    `paired` resamples the same items of every array together; `vectorized` says that
    `statistic` takes an `axis` and computes all resamples at once. NaN bounds are kept.
    """
    result = sps.bootstrap(
        data,
        statistic,
        paired=paired,
        vectorized=vectorized,
        n_resamples=n_resamples,
        confidence_level=CONFIDENCE,
        method="percentile",
        rng=rng,
    )
    ci = result.confidence_interval
    return float(ci.low), float(ci.high)


class TestResult(BaseModel):
    """A test's statistic and p-value (None: no test), as comparison.json holds it."""

    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="constants")

    statistic: float | None
    p_value: float | None
    note: str | None = None  # why there is no test, or how it was decided


def mcnemar_exact(regressed: int, improved: int) -> TestResult:
    """McNemar's exact test on the discordant pairs (pass -> fail, fail -> pass)."""
    if regressed + improved == 0:
        return TestResult(statistic=None, p_value=1.0, note="no item changed between pass and fail")
    # The concordant cells do not enter the exact test; 0 keeps the table honest about that.
    result = mcnemar([[0, regressed], [improved, 0]], exact=True)
    return TestResult(statistic=float(result.statistic), p_value=float(result.pvalue))


def wilcoxon_signed_rank(differences: Sequence[float]) -> TestResult:
    """Wilcoxon signed-rank test of paired score differences (zeros dropped, as scipy's default)."""
    nonzero = [d for d in differences if d != 0]
    if not nonzero:
        note = "no item changed score" if differences else "no item scored by both"
        return TestResult(statistic=None, p_value=1.0 if differences else None, note=note)
    result = sps.wilcoxon(np.asarray(differences, dtype=float))
    return TestResult(statistic=float(result.statistic), p_value=float(result.pvalue))


def adjust(p_values: Sequence[float], correction: str) -> list[float]:
    """Holm ('holm') or Benjamini-Hochberg ('bh') adjusted p-values, in input order."""
    if not p_values:
        return []
    _, adjusted, _, _ = multipletests(list(p_values), alpha=1 - CONFIDENCE, method=CORRECTIONS[correction])
    return [float(p) for p in adjusted]
