"""Chance-corrected agreement on categories, computed from weighted cross tables.

Every function takes `table` of shape (B, K, K): table[b, i, j] is the (resampled)
number of items the rater under test put in category i and the reference in category
j, with categories in scale order. It returns one value per resample, NaN where the
statistic is undefined (the caller turns that into null plus a reason).
"""

from __future__ import annotations

import numpy as np

from auditor.calibration.bootstrap import FloatArray, ratio


def exact_agreement(table: FloatArray) -> FloatArray:
    """Share of items where both raters chose the same category."""
    return ratio(np.trace(table, axis1=1, axis2=2), table.sum(axis=(1, 2)))


def nominal_distance(k: int) -> FloatArray:
    """0 on the diagonal, 1 elsewhere: unweighted kappa."""
    return 1.0 - np.eye(k)


def value_distance(values: FloatArray, power: int) -> FloatArray:
    """|v_i - v_j| ** power: linear (1) and quadratic (2) weighted kappa on the scale's values."""
    return np.abs(values[:, None] - values[None, :]) ** power


def cohen_kappa(table: FloatArray, distance: FloatArray) -> FloatArray:
    """Cohen's kappa with disagreement weights: 1 - sum(w * observed) / sum(w * expected).

    Undefined when the expected disagreement is zero, i.e. both raters used one category only.
    """
    total = table.sum(axis=(1, 2))[:, None, None]
    observed = ratio(table, total)
    expected = observed.sum(axis=2)[:, :, None] * observed.sum(axis=1)[:, None, :]
    disagree_observed = (distance * observed).sum(axis=(1, 2))
    disagree_expected = (distance * expected).sum(axis=(1, 2))
    return 1.0 - ratio(disagree_observed, disagree_expected)


def krippendorff_alpha(table: FloatArray, level: str, values: FloatArray | None = None) -> FloatArray:
    """Krippendorff's alpha for two raters per item, nominal or ordinal, via the coincidence matrix.

    Each item contributes the ordered pairs (i, j) and (j, i), so the coincidences are
    table + table^T and n = 2 * items. alpha = 1 - (n - 1) * sum(o * d) / sum(n_c * n_k * d).
    Undefined when every value is the same (no expected disagreement).
    """
    coincidences = table + np.swapaxes(table, 1, 2)
    marginals = coincidences.sum(axis=2)
    n = marginals.sum(axis=1)
    if level == "nominal":
        distance = np.broadcast_to(nominal_distance(table.shape[1]), coincidences.shape)
    elif level == "ordinal":
        distance = _ordinal_distance(marginals)
    else:
        raise ValueError(f"unknown level of measurement: {level}")
    observed = (coincidences * distance).sum(axis=(1, 2))
    expected = (marginals[:, :, None] * marginals[:, None, :] * distance).sum(axis=(1, 2))
    return np.asarray(1.0 - (n - 1.0) * ratio(observed, expected), dtype=np.float64)


def _ordinal_distance(marginals: FloatArray) -> FloatArray:
    """d(c, k) = (sum of n_g for g from c to k - (n_c + n_k) / 2) ** 2, per resample.

    With cum the running total of n_g, the bracket is cum_k - cum_c + (n_c - n_k) / 2
    for c <= k, and its negative for c > k; squaring makes it symmetric.
    """
    cum = np.cumsum(marginals, axis=1)
    spread = cum[:, None, :] - cum[:, :, None] + (marginals[:, :, None] - marginals[:, None, :]) / 2
    return np.asarray(spread**2, dtype=np.float64)


def gwet_ac1(table: FloatArray) -> FloatArray:
    """Gwet's AC1: (p_a - p_e) / (1 - p_e), p_e = sum(pi_k * (1 - pi_k)) / (K - 1).

    pi_k is the mean of the two raters' shares of category k and K the number of
    categories on the scale (not only those seen), which is what keeps AC1 stable when
    nearly every item falls in one category. Undefined for a one-category scale.
    """
    k = table.shape[1]
    total = table.sum(axis=(1, 2))
    if k < 2:
        return np.full(total.shape, np.nan)
    agreement = exact_agreement(table)
    pi = (ratio(table.sum(axis=2), total[:, None]) + ratio(table.sum(axis=1), total[:, None])) / 2
    chance = (pi * (1.0 - pi)).sum(axis=1) / (k - 1)
    return ratio(agreement - chance, np.asarray(1.0 - chance, dtype=np.float64))


def binary_counts(table: FloatArray, positive: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """(TP, FP, FN, TN) with `positive` the failure category; the rater under test is the prediction."""
    tp = table[:, positive, positive]
    predicted = table[:, positive, :].sum(axis=1)
    actual = table[:, :, positive].sum(axis=1)
    total = table.sum(axis=(1, 2))
    fp = predicted - tp
    fn = actual - tp
    return tp, fp, fn, total - tp - fp - fn


def precision(table: FloatArray, positive: int) -> FloatArray:
    tp, fp, _, _ = binary_counts(table, positive)
    return ratio(tp, tp + fp)


def recall(table: FloatArray, positive: int) -> FloatArray:
    """Recall, also the true positive rate (TPR)."""
    tp, _, fn, _ = binary_counts(table, positive)
    return ratio(tp, tp + fn)


def specificity(table: FloatArray, positive: int) -> FloatArray:
    """The true negative rate (TNR)."""
    _, fp, _, tn = binary_counts(table, positive)
    return ratio(tn, tn + fp)


def f1(table: FloatArray, positive: int) -> FloatArray:
    tp, fp, fn, _ = binary_counts(table, positive)
    return ratio(2 * tp, 2 * tp + fp + fn)
