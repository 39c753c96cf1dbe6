"""One comparison of a rater against a reference on shared items, and whether it says anything.

A comparison with fewer than `MIN_ITEMS` items, or whose agreement interval is wider
than `MAX_CI_WIDTH`, is marked too small: it is still reported, with the reason, so that
a thin slice is visibly thin rather than silently missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from auditor.calibration.bootstrap import Estimate, rng_for
from auditor.calibration.scale import Scale, Value
from auditor.calibration.statistics import Paired, confusion, estimate_all

MIN_ITEMS = 10
MAX_CI_WIDTH = 0.4


@dataclass(frozen=True)
class Comparison:
    """A rater against a reference: the statistics, the confusion matrix, and any caveat."""

    rater: str
    reference: str
    n_items: int
    statistics: dict[str, Estimate]
    confusion: list[list[int]] | None = None  # rows: reference category, columns: rater category
    too_small: str | None = None
    note: str | None = None  # why there are no statistics at all


@dataclass(frozen=True)
class Settings:
    """What every comparison of one calibration shares."""

    n_boot: int
    seed: int


def compare(
    rater: tuple[str, Mapping[str, Value]],
    reference: tuple[str, Mapping[str, Value]],
    scale: Scale,
    settings: Settings,
    *,
    reference_is_mean: bool = False,
    key: str = "",
) -> Comparison:
    """Statistics of `rater` against `reference` on the items both have.

    `reference_is_mean` rounds the reference half up for the categorical statistics
    (a mean of annotators' scores); the numeric ones use it as it is.
    """
    (rater_name, x), (reference_name, y) = rater, reference
    items = sorted(set(x) & set(y))
    rows = [(i, x[item], y[item]) for i, item in enumerate(items)]
    return _compare(rater_name, reference_name, tuple(items), rows, scale, settings, reference_is_mean, key)


def compare_annotators(
    human: Mapping[str, Mapping[str, Value]], scale: Scale, settings: Settings, *, key: str = ""
) -> Comparison:
    """Human-human agreement, the ceiling: every pair of annotators on every item both labelled.

    With two annotators this is their Cohen-style agreement; with more, the pairs of an
    item are pooled and the item stays the unit that is resampled.
    """
    items = sorted(item for item, by_annotator in human.items() if len(by_annotator) >= 2)
    rows = []
    for i, item in enumerate(items):
        for a, b in combinations(sorted(human[item]), 2):
            rows.append((i, human[item][a], human[item][b]))
    annotators = sorted({a for by_annotator in human.values() for a in by_annotator})
    name = " vs ".join(annotators) if len(annotators) == 2 else "annotator pairs (pooled)"
    return _compare(name, "annotators", tuple(items), rows, scale, settings, False, key)


def _compare(
    rater: str,
    reference: str,
    items: tuple[str, ...],
    rows: list[tuple[int, Value, Value]],
    scale: Scale,
    settings: Settings,
    reference_is_mean: bool,
    key: str,
) -> Comparison:
    if not rows:
        note = f"no item has both a value from {rater} and from {reference}"
        return Comparison(rater, reference, 0, {}, note=note)
    paired = _paired(items, rows, scale, reference_is_mean)
    rng = rng_for(settings.seed, f"{key}|{rater}|{reference}")
    statistics = estimate_all(paired, scale, settings.n_boot, rng)
    matrix = confusion(paired, scale) if scale.categorical else None
    return Comparison(rater, reference, len(items), statistics, matrix, _too_small(len(items), statistics))


def _paired(
    items: tuple[str, ...], rows: list[tuple[int, Value, Value]], scale: Scale, reference_is_mean: bool
) -> Paired:
    row_item = np.array([r[0] for r in rows], dtype=np.int64)
    x_code = y_code = None
    if scale.categorical:
        x_code = np.array([scale.code(r[1]) for r in rows], dtype=np.int64)
        y_cats = [scale.category_of(r[2]) if reference_is_mean else r[2] for r in rows]
        y_code = np.array([scale.code(v) for v in y_cats], dtype=np.int64)
    x_value = y_value = None
    if scale.kind == "score":
        x_value = np.array([float(r[1]) for r in rows])
        y_value = np.array([float(r[2]) for r in rows])
    return Paired(items, row_item, x_code, y_code, x_value, y_value)


def _too_small(n_items: int, statistics: Mapping[str, Estimate]) -> str | None:
    if n_items < MIN_ITEMS:
        return f"only {n_items} item{'s' if n_items != 1 else ''} (fewer than {MIN_ITEMS})"
    agreement = statistics.get("agreement")
    width = agreement.ci_width if agreement is not None else None
    if width is not None and width > MAX_CI_WIDTH:
        return f"the 95% CI of agreement spans {width:.2f} (wider than {MAX_CI_WIDTH:.2f})"
    return None
