"""Bootstrap confidence intervals: resample items, recompute, take the percentiles.

Every statistic in this package is written as a function of per-row weights: row 0 of
the weight matrix is the observed sample (every row once) and rows 1..B are bootstrap
resamples expressed as counts (how often each item was drawn). One numpy call then
gives the point estimate and all B resampled values together, which is what keeps
1000 resamples of a dozen statistics well under a second.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CONFIDENCE = 0.95
# Below this share of defined resamples a percentile interval says more about the
# resampling than about the data, so none is given.
MIN_DEFINED_SHARE = 0.5


@dataclass(frozen=True)
class Estimate:
    """A statistic's value with its 95% bootstrap interval; `reason` says why either is missing."""

    value: float | None
    ci95: tuple[float, float] | None
    reason: str | None = None
    undefined_resamples: int = 0

    @property
    def ci_width(self) -> float | None:
        return None if self.ci95 is None else self.ci95[1] - self.ci95[0]


def rng_for(seed: int, key: str) -> np.random.Generator:
    """A generator for one comparison: the same seed and key give the same resamples,
    whatever order the comparisons are computed in."""
    return np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])


def item_weights(n_items: int, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """(1 + n_boot, n_items) weights: row 0 all ones, then one row of draw counts per resample."""
    draws = rng.integers(0, n_items, size=(n_boot, n_items))
    offsets = (np.arange(n_boot) * n_items)[:, None]
    counts = np.bincount((draws + offsets).ravel(), minlength=n_boot * n_items)
    resampled = counts.reshape(n_boot, n_items).astype(np.float64)
    return np.vstack([np.ones((1, n_items)), resampled])


def summarize(values: FloatArray, n_items: int, undefined_reason: str) -> Estimate:
    """Turn [point, resample_1, ..., resample_B] into an Estimate; NaN marks 'undefined'."""
    point = float(values[0])
    if np.isnan(point):
        return Estimate(value=None, ci95=None, reason=undefined_reason)
    resamples = values[1:]
    defined = resamples[~np.isnan(resamples)]
    undefined = int(resamples.size - defined.size)
    if n_items < 2:
        return Estimate(point, None, "one item: no confidence interval", undefined)
    if defined.size < MIN_DEFINED_SHARE * resamples.size:
        why = f"{undefined_reason} in {undefined} of {resamples.size} resamples: no confidence interval"
        return Estimate(point, None, why, undefined)
    tail = (1.0 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return Estimate(point, (float(low), float(high)), None, undefined)


def ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator / denominator, NaN where the denominator is zero (the statistic is undefined)."""
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out
