"""What a criterion's values are: scores on a numeric scale, or labels (possibly binary).

A criterion is a *score* criterion when every human label for it carries a score, and a
*label* criterion when every one carries a label. Its categories are every value seen
from humans and judges, so a resample or a slice that lacks one still has the full scale.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from auditor.calibration.bootstrap import FloatArray
from auditor.types import LEAK

Value = float | str

# Kappa-style statistics need a discrete scale; past this many distinct values the
# scores are treated as continuous and only correlations, MAE and interval alpha apply.
MAX_CATEGORIES = 20

# Labels that name a failure, so that the positive class of a binary criterion is the
# failure without being told. `passed: false` on a verdict and an explicit choice win.
FAILURE_LABELS = frozenset(
    {LEAK, "fail", "failed", "failure", "unsafe", "violation", "incorrect", "wrong", "irrelevant"}
)


@dataclass(frozen=True)
class Scale:
    """The categories of one criterion, in order, and the failure label of a binary one."""

    kind: Literal["score", "label"]
    categories: tuple[Value, ...]
    positive: str | None = None
    positive_source: str | None = None  # how the failure label was chosen
    binary_reason: str | None = None  # why a two-label criterion gets no precision/recall
    categorical_reason: str | None = None  # why kappa-style statistics do not apply

    @property
    def categorical(self) -> bool:
        return self.categorical_reason is None

    @property
    def binary(self) -> bool:
        return self.positive is not None

    @property
    def names(self) -> list[str]:
        return [format_value(c) for c in self.categories]

    def values(self) -> FloatArray:
        """The numeric value of each category (scores only)."""
        return np.array([float(c) for c in self.categories])

    def code(self, value: Value) -> int:
        return self.categories.index(value)

    def category_of(self, value: Value) -> Value:
        """The category a reference value falls in: a mean score is rounded half up."""
        if self.kind == "score" and isinstance(value, float):
            return round_half_up(value)
        return value


def round_half_up(value: float) -> float:
    """3.5 -> 4.0, 2.5 -> 3.0 (Python's round() would give 4.0 and 2.0)."""
    return float(math.floor(value + 0.5))


def format_value(value: Value) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return value


def score_scale(judge_values: Iterable[float], reference_values: Iterable[float]) -> Scale:
    """The categories of a score criterion: judges' scores and rounded reference scores."""
    seen = {float(v) for v in judge_values} | {round_half_up(v) for v in reference_values}
    categories = tuple(sorted(seen))
    reason = None
    if len(categories) > MAX_CATEGORIES:
        reason = f"scores take {len(categories)} distinct values; kappa needs a discrete scale"
    return Scale(kind="score", categories=categories, categorical_reason=reason)


def label_scale(labels: Iterable[str], explicit: str | None, failed_labels: Iterable[str]) -> Scale:
    """The categories of a label criterion and, when it is binary, its failure label.

    The failure is, in order: the label chosen explicitly; the label judges gave with
    `passed: false`; a label that names a failure (leak, fail, ...). A chosen label that
    nobody used is added to the scale so that a one-sided criterion still has two sides.
    """
    categories = sorted(set(labels) | ({explicit} if explicit else set()))
    if explicit is not None:
        positive, source = explicit, "chosen explicitly"
    else:
        failed = sorted(set(failed_labels) & set(categories))
        named = sorted(set(categories) & FAILURE_LABELS)
        if len(failed) == 1:
            positive, source = failed[0], "the label judges gave with passed=false"
        elif len(named) == 1:
            positive, source = named[0], "a label that names a failure"
        else:
            positive, source = None, None
    if len(categories) != 2:
        why = f"{len(categories)} labels ({', '.join(categories)}): precision and recall need two"
        return Scale(kind="label", categories=tuple(categories), binary_reason=why)
    if positive is None:
        why = "cannot tell which of the two labels is the failure; choose it explicitly"
        return Scale(kind="label", categories=tuple(categories), binary_reason=why)
    return Scale("label", tuple(categories), positive, source)
