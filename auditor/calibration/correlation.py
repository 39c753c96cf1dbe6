"""Statistics on numeric values, computed for all bootstrap resamples at once.

Each function takes `weights` of shape (B, m), how often each of the m rows is in each
resample, and the rows' values `x` (the rater under test) and `y` (the reference).
A resample then behaves exactly like the expanded sample in which row r appears
weights[b, r] times: duplicated rows are ties, as they are for scipy on that sample.
"""

from __future__ import annotations

import numpy as np

from auditor.calibration.bootstrap import FloatArray, IntArray, ratio

# Rows per block in Kendall's pair sum: bounds memory at BLOCK * m floats.
_KENDALL_BLOCK = 512


def mean_absolute_error(weights: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    return ratio(weights @ np.abs(x - y), weights.sum(axis=1))


def pearson(weights: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    """Pearson's r; undefined (NaN) when either rater is constant."""
    return _weighted_pearson(weights, np.broadcast_to(x, weights.shape), np.broadcast_to(y, weights.shape))


def spearman(weights: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    """Spearman's rho: Pearson's r on mid-ranks (ties share their average rank, as in scipy)."""
    return _weighted_pearson(weights, _midranks(weights, x), _midranks(weights, y))


def kendall_tau_b(weights: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    """Kendall's tau-b: (C - D) / sqrt((n0 - n1) * (n0 - n2)).

    C - D is the weighted sum over row pairs of sign(dx) * sign(dy), a quadratic form
    w^T S w / 2 computed block by block; n0 counts all pairs of the expanded sample and
    n1, n2 the pairs tied in x and in y (tie groups include duplicated rows).
    """
    concordance = np.zeros(weights.shape[0])
    for start in range(0, x.size, _KENDALL_BLOCK):
        block = slice(start, start + _KENDALL_BLOCK)
        signs = np.sign(x[block, None] - x[None, :]) * np.sign(y[block, None] - y[None, :])
        concordance += ((weights @ signs.T) * weights[:, block]).sum(axis=1)
    concordance /= 2
    n = weights.sum(axis=1)
    pairs = n * (n - 1) / 2
    untied_x = pairs - _tied_pairs(weights, x)
    untied_y = pairs - _tied_pairs(weights, y)
    return ratio(concordance, np.sqrt(untied_x * untied_y))


def krippendorff_alpha_interval(weights: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    """Krippendorff's alpha with the interval distance (v - v')^2, two values per row.

    With n = 2 * rows pooled values, D_o = 2 * sum(w (x - y)^2) / n and
    D_e = 2 * (n * sum(v^2) - (sum v)^2) / (n * (n - 1)), hence
    alpha = 1 - (n - 1) * sum(w (x - y)^2) / (n * sum(v^2) - (sum v)^2).
    """
    n = 2 * weights.sum(axis=1)
    observed = weights @ (x - y) ** 2
    total = weights @ (x + y)
    total_sq = weights @ (x**2 + y**2)
    expected = n * total_sq - total**2
    # Rounding can leave a tiny positive spread when every value is equal; that is no spread.
    expected = np.where(expected <= 1e-12 * np.maximum(n * total_sq, 1.0), 0.0, expected)
    return np.asarray(1.0 - (n - 1) * ratio(observed, expected), dtype=np.float64)


def _group_weights(weights: FloatArray, values: FloatArray) -> tuple[FloatArray, IntArray]:
    """Weight of each distinct value (in ascending order) per resample, and each row's group."""
    _, group = np.unique(values, return_inverse=True)
    onehot = np.zeros((values.size, int(group.max()) + 1 if values.size else 0))
    onehot[np.arange(values.size), group] = 1.0
    return np.asarray(weights @ onehot, dtype=np.float64), group.astype(np.int64)


def _midranks(weights: FloatArray, values: FloatArray) -> FloatArray:
    """Each row's average rank within its resample (1-based, ties averaged)."""
    groups, group = _group_weights(weights, values)
    below = np.cumsum(groups, axis=1) - groups
    ranks = below + (groups + 1) / 2
    return np.asarray(ranks[:, group], dtype=np.float64)


def _tied_pairs(weights: FloatArray, values: FloatArray) -> FloatArray:
    groups, _ = _group_weights(weights, values)
    return np.asarray((groups * (groups - 1) / 2).sum(axis=1), dtype=np.float64)


def _weighted_pearson(weights: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    n = weights.sum(axis=1, keepdims=True)
    dx = x - ratio((weights * x).sum(axis=1, keepdims=True), n)
    dy = y - ratio((weights * y).sum(axis=1, keepdims=True), n)
    sxx = (weights * dx * dx).sum(axis=1)
    syy = (weights * dy * dy).sum(axis=1)
    sxy = (weights * dx * dy).sum(axis=1)
    # A constant rater leaves only rounding noise in its spread: treat that as zero.
    scale = (weights * (x * x + y * y)).sum(axis=1)
    sxx = np.where(sxx <= 1e-12 * np.maximum(scale, 1e-300), 0.0, sxx)
    syy = np.where(syy <= 1e-12 * np.maximum(scale, 1e-300), 0.0, syy)
    return np.clip(ratio(sxy, np.sqrt(sxx * syy)), -1.0, 1.0)
