"""`comparison.json`: what `auditor compare` computed, written and read back with one model.

`analysis.compare_targets` builds a `Comparison`; `command` writes it, and `auditor report`
reads it back with the same class, so a file of another shape is one error naming the
file and the field.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ConfigDict

from auditor.compare.stats import Interval, TestResult
from auditor.io import read_json_model, write_json_model
from auditor.types import StrictModel

ALPHA = 0.05
ALL_ITEMS = "all items"  # the slice of a comparison over every shared item


class _Record(StrictModel):
    # NaN stays NaN in the file (as `json.dumps` writes it) so that it reads back as NaN.
    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="constants")


class TargetSummary(_Record):
    target: str
    decided: int
    passed: int
    pass_rate: float | None
    pass_rate_ci: Interval | None
    scored: int
    mean_score: float | None
    mean_score_ci: Interval | None


class Paired(_Record):
    """One candidate against the baseline on one criterion, over one set of items."""

    candidate: str
    n_decided: int  # items both targets passed or failed
    pass_rate_diff: float | None  # candidate - baseline
    pass_rate_diff_ci: Interval | None
    regressed: int  # baseline passed, candidate failed
    improved: int
    mcnemar: TestResult
    n_scored: int  # items both targets scored
    score_diff: float | None
    score_diff_ci: Interval | None
    wilcoxon: TestResult
    wins: int
    ties: int
    losses: int
    regressed_items: list[str]  # failed where the baseline passed, or scored lower
    mcnemar_adjusted: float | None = None  # None: no test, or not yet adjusted
    wilcoxon_adjusted: float | None = None

    @property
    def significant_regression(self) -> bool:
        pass_worse = (self.pass_rate_diff or 0.0) < 0 and _below(self.mcnemar_adjusted)
        score_worse = (self.score_diff or 0.0) < 0 and _below(self.wilcoxon_adjusted)
        return pass_worse or score_worse


def _below(p: float | None) -> bool:
    return p is not None and p < ALPHA


class CriterionComparison(_Record):
    criterion: str
    slice_key: str | None  # None: all shared items
    slice_value: str | None
    items: int
    targets: list[TargetSummary]
    paired: list[Paired]

    @property
    def where(self) -> str:
        """`all items`, or the slice as `key=value`."""
        return ALL_ITEMS if self.slice_key is None else f"{self.slice_key}={self.slice_value}"


class Regression(_Record):
    """A significant regression of one candidate on one criterion and slice."""

    criterion: str
    slice: str  # CriterionComparison.where
    candidate: str
    pass_rate_diff: float | None
    score_diff: float | None
    mcnemar_adjusted: float | None
    wilcoxon_adjusted: float | None
    items: list[str]  # the items that regressed

    @classmethod
    def of(cls, c: CriterionComparison, p: Paired) -> Regression:
        return cls(
            criterion=c.criterion,
            slice=c.where,
            candidate=p.candidate,
            pass_rate_diff=p.pass_rate_diff,
            score_diff=p.score_diff,
            mcnemar_adjusted=p.mcnemar_adjusted,
            wilcoxon_adjusted=p.wilcoxon_adjusted,
            items=p.regressed_items,
        )


class Comparison(_Record):
    """The whole comparison: every number of comparison.json."""

    baseline: str
    targets: list[str]
    shared_items: int
    lacking: dict[str, int]  # target -> items of the union it lacks
    correction: str
    overall: list[CriterionComparison]
    slices: list[CriterionComparison]
    alpha: float
    regressions: list[Regression]  # every significant one, overall first, then by slice

    def write(self, path: Path) -> Path:
        """Write `comparison.json` to `path`."""
        return write_json_model(path, self)

    @classmethod
    def read(cls, path: Path) -> Comparison | None:
        """The comparison at `path`; None when `auditor compare` has not written one there."""
        if not path.is_file():
            return None
        return read_json_model(path, cls, what="comparison file", missing="not found")
