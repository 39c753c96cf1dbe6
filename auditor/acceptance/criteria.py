"""The test plan's acceptance criteria, as written under `acceptance:` in a config."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from auditor.types import StrictModel

Metric = Literal["pass_rate", "mean_score", "leak_rate", "pass_rate_drop_vs_baseline"]
DEFAULT_MIN_ITEMS = 10


class AcceptanceCriterion(StrictModel):
    """One bar, e.g. `{criterion: accuracy, metric: pass_rate, min: 0.90, by: marketplace}`.

    `min` and `max` bound the metric (inclusive; either or both). `by` decides once per value
    of that metadata field. Fewer than `min_items` items make a decision inconclusive.
    `baseline` names the target a `pass_rate_drop_vs_baseline` is measured against.
    `corrected` decides on the judge-bias-corrected rate (Rogan-Gladen, from a calibration).
    """

    criterion: str = Field(min_length=1)
    metric: Metric
    min: float | None = None
    max: float | None = None
    by: str | None = None
    min_items: int = Field(default=DEFAULT_MIN_ITEMS, ge=1)
    baseline: str | None = None
    corrected: bool = False  # decide on the Rogan-Gladen rate, with `auditor gate --calibration DIR`

    @model_validator(mode="after")
    def _has_a_bar(self) -> AcceptanceCriterion:
        if self.min is None and self.max is None:
            raise ValueError("needs a 'min' or a 'max'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"'min' ({self.min}) is above 'max' ({self.max})")
        if self.corrected and self.metric not in ("pass_rate", "leak_rate"):
            raise ValueError("'corrected' applies to pass_rate and leak_rate only")
        return self

    @property
    def bar(self) -> str:
        parts = [
            f">= {self.min:g}" if self.min is not None else "",
            f"<= {self.max:g}" if self.max is not None else "",
        ]
        return " and ".join(p for p in parts if p)
