"""Is a judge's confidence worth anything? A reliability table and the expected calibration error.

A verdict is *correct* when it equals the human reference: the majority label, or for
scores the annotators' mean rounded half up (exact match, no tolerance). Confidences
are put in `N_BINS` equal-width bins on [0, 1] (the last bin includes 1.0). The expected
calibration error is the item-weighted mean of |accuracy - mean confidence| over bins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from auditor.calibration.bootstrap import Estimate, FloatArray, item_weights, ratio, summarize

N_BINS = 10


@dataclass(frozen=True)
class ReliabilityBin:
    lower: float
    upper: float
    n: int
    mean_confidence: float | None  # None for an empty bin
    accuracy: float | None


@dataclass(frozen=True)
class Reliability:
    n: int  # verdicts with a confidence and a human reference
    ece: Estimate
    bins: list[ReliabilityBin]


def reliability(
    confidence: Mapping[str, float], correct: Mapping[str, bool], n_boot: int, rng: np.random.Generator
) -> Reliability | None:
    """Reliability of the items that have both a confidence and a correctness; None if there are none."""
    items = sorted(set(confidence) & set(correct))
    if not items:
        return None
    conf = np.array([confidence[i] for i in items])
    hit = np.array([1.0 if correct[i] else 0.0 for i in items])
    # The epsilon keeps 0.3 in bin [0.3, 0.4) although 0.3 * 10 may land just below 3.
    bin_of = np.minimum(np.floor(conf * N_BINS + 1e-9).astype(np.int64), N_BINS - 1)
    onehot = np.zeros((len(items), N_BINS))
    onehot[np.arange(len(items)), bin_of] = 1.0
    weights = item_weights(len(items), n_boot, rng)
    ece = summarize(_ece(weights, onehot, conf, hit), len(items), "no items")
    counts = onehot.sum(axis=0)
    bins = [
        ReliabilityBin(
            lower=b / N_BINS,
            upper=(b + 1) / N_BINS,
            n=int(counts[b]),
            mean_confidence=float(conf[bin_of == b].mean()) if counts[b] else None,
            accuracy=float(hit[bin_of == b].mean()) if counts[b] else None,
        )
        for b in range(N_BINS)
    ]
    return Reliability(n=len(items), ece=ece, bins=bins)


def _ece(weights: FloatArray, onehot: FloatArray, conf: FloatArray, hit: FloatArray) -> FloatArray:
    # Per bin, n_b/N * |acc_b - conf_b| = |sum(hit) - sum(conf)| / N over the bin's items.
    gap = np.abs(weights @ (onehot * hit[:, None]) - weights @ (onehot * conf[:, None]))
    return ratio(gap.sum(axis=1), weights.sum(axis=1))
