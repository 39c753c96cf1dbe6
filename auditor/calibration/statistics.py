"""The statistics reported for one comparison of two raters, each with a bootstrap CI.

Which statistics apply depends on the scale: labels get agreement, kappa, nominal
alpha and AC1 (plus precision, recall, F1, TPR and TNR when binary); scores get all of
those on the (rounded) categories and, on the raw values, Pearson, Spearman, Kendall's
tau-b, interval alpha and the mean absolute error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from auditor.calibration import agreement as ag
from auditor.calibration import correlation as co
from auditor.calibration.bootstrap import Estimate, FloatArray, IntArray, item_weights, summarize
from auditor.calibration.scale import Scale


@dataclass(frozen=True)
class Paired:
    """Two raters on the same items: one row per rating pair, grouped by item for resampling.

    `x_code`/`y_code` index the scale's categories (the reference rounded); `x_value`/
    `y_value` are the raw numbers of a score criterion (the reference may be a mean).
    """

    item_ids: tuple[str, ...]
    row_item: IntArray
    x_code: IntArray | None = None
    y_code: IntArray | None = None
    x_value: FloatArray | None = None
    y_value: FloatArray | None = None

    @property
    def n_items(self) -> int:
        return len(self.item_ids)


@dataclass
class Resampled:
    """One comparison's rows with their weights for the observed sample and every resample."""

    paired: Paired
    scale: Scale
    weights: FloatArray  # (1 + B, rows)

    @cached_property
    def table(self) -> FloatArray:
        """(1 + B, K, K) cross tables: rater under test (rows) by reference (columns)."""
        assert self.paired.x_code is not None and self.paired.y_code is not None, "needs categories"
        k = len(self.scale.categories)
        cells = self.paired.x_code * k + self.paired.y_code
        onehot = np.zeros((cells.size, k * k))
        onehot[np.arange(cells.size), cells] = 1.0
        return (self.weights @ onehot).reshape(-1, k, k)

    @property
    def x(self) -> FloatArray:
        assert self.paired.x_value is not None, "numeric statistics need values"
        return self.paired.x_value

    @property
    def y(self) -> FloatArray:
        assert self.paired.y_value is not None, "numeric statistics need values"
        return self.paired.y_value

    @property
    def positive(self) -> int:
        assert self.scale.positive is not None
        return self.scale.code(self.scale.positive)


@dataclass(frozen=True)
class Statistic:
    key: str
    title: str
    compute: Callable[[Resampled], FloatArray]
    undefined: str  # why the value can be missing


_ONE_CATEGORY = "undefined: one category only"
_CONSTANT = "undefined: a rater gives every item the same value"

CATEGORICAL = (
    Statistic("agreement", "Exact agreement", lambda r: ag.exact_agreement(r.table), "no items"),
    Statistic(
        "cohen_kappa",
        "Cohen's kappa",
        lambda r: ag.cohen_kappa(r.table, ag.nominal_distance(r.table.shape[1])),
        _ONE_CATEGORY,
    ),
    Statistic(
        "alpha_nominal",
        "Krippendorff's alpha (nominal)",
        lambda r: ag.krippendorff_alpha(r.table, "nominal"),
        _ONE_CATEGORY,
    ),
    Statistic(
        "gwet_ac1", "Gwet's AC1", lambda r: ag.gwet_ac1(r.table), "undefined: the scale has one category"
    ),
)

ORDINAL = (
    Statistic(
        "kappa_linear",
        "Cohen's kappa (linear weights)",
        lambda r: ag.cohen_kappa(r.table, ag.value_distance(r.scale.values(), 1)),
        _ONE_CATEGORY,
    ),
    Statistic(
        "kappa_quadratic",
        "Cohen's kappa (quadratic weights)",
        lambda r: ag.cohen_kappa(r.table, ag.value_distance(r.scale.values(), 2)),
        _ONE_CATEGORY,
    ),
    Statistic(
        "alpha_ordinal",
        "Krippendorff's alpha (ordinal)",
        lambda r: ag.krippendorff_alpha(r.table, "ordinal"),
        _ONE_CATEGORY,
    ),
)

NUMERIC = (
    Statistic(
        "alpha_interval",
        "Krippendorff's alpha (interval)",
        lambda r: co.krippendorff_alpha_interval(r.weights, r.x, r.y),
        "undefined: every value is the same",
    ),
    Statistic("pearson", "Pearson's r", lambda r: co.pearson(r.weights, r.x, r.y), _CONSTANT),
    Statistic("spearman", "Spearman's rho", lambda r: co.spearman(r.weights, r.x, r.y), _CONSTANT),
    Statistic("kendall_tau_b", "Kendall's tau-b", lambda r: co.kendall_tau_b(r.weights, r.x, r.y), _CONSTANT),
    Statistic(
        "mae", "Mean absolute error", lambda r: co.mean_absolute_error(r.weights, r.x, r.y), "no items"
    ),
)

BINARY = (
    Statistic(
        "precision",
        "Precision",
        lambda r: ag.precision(r.table, r.positive),
        "undefined: the rater never chose the failure label",
    ),
    Statistic(
        "recall",
        "Recall (TPR)",
        lambda r: ag.recall(r.table, r.positive),
        "undefined: the reference never chose the failure label",
    ),
    Statistic("f1", "F1", lambda r: ag.f1(r.table, r.positive), "undefined: nobody chose the failure label"),
    Statistic(
        "tnr",
        "Specificity (TNR)",
        lambda r: ag.specificity(r.table, r.positive),
        "undefined: the reference always chose the failure label",
    ),
)

TITLES = {s.key: s.title for s in CATEGORICAL + ORDINAL + NUMERIC + BINARY}


def statistics_for(scale: Scale) -> tuple[Statistic, ...]:
    """The statistics that mean something on this scale, in report order."""
    chosen: tuple[Statistic, ...] = ()
    if scale.categorical:
        chosen += CATEGORICAL
        if scale.kind == "score":
            chosen += ORDINAL
    if scale.kind == "score":
        chosen += NUMERIC
    if scale.binary:
        chosen += BINARY
    return chosen


def estimate_all(paired: Paired, scale: Scale, n_boot: int, rng: np.random.Generator) -> dict[str, Estimate]:
    """Every applicable statistic with its 95% percentile CI (items resampled with replacement)."""
    weights = item_weights(paired.n_items, n_boot, rng)[:, paired.row_item]
    resampled = Resampled(paired, scale, weights)
    out: dict[str, Estimate] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for stat in statistics_for(scale):
            out[stat.key] = summarize(stat.compute(resampled), paired.n_items, stat.undefined)
    return out


def confusion(paired: Paired, scale: Scale) -> list[list[int]]:
    """Counts with the reference's category as the row and the rater's as the column."""
    assert paired.x_code is not None and paired.y_code is not None, "needs categories"
    k = len(scale.categories)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (paired.y_code, paired.x_code), 1)
    return [[int(c) for c in row] for row in counts]
