"""The test plan's acceptance criteria, as written under `acceptance:` in a config."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from auditor.types import StrictModel

Metric = Literal[
    "pass_rate",
    "mean_score",
    "leak_rate",
    "pass_rate_drop_vs_baseline",
    # robustness and fairness (auditor.suites, robustness.json)
    "pass_flip_rate",
    "score_flip_rate",
    "mean_score_change",
    "comply_rate",
    "max_gap",
    "group_flip_rate",
    "consistent_share",
    "fleiss_kappa",
]
DEFAULT_MIN_ITEMS = 10
FLIP_METRICS = ("pass_flip_rate", "score_flip_rate", "mean_score_change")
ROBUSTNESS_METRICS = (
    *FLIP_METRICS,
    "comply_rate",
    "max_gap",
    "group_flip_rate",
    "consistent_share",
    "fleiss_kappa",
)
# The suite a metric belongs to when it belongs to one only.
_SUITE_OF = {
    "comply_rate": "injection",
    "group_flip_rate": "counterfactual",
    "consistent_share": "samples",
    "fleiss_kappa": "samples",
}


class AcceptanceCriterion(StrictModel):
    """One bar, e.g. `{criterion: accuracy, metric: pass_rate, min: 0.90, by: marketplace}`.

    `min` and `max` bound the metric (inclusive; either or both). `by` decides once per value
    of that metadata field. Fewer than `min_items` items make a decision inconclusive.
    `baseline` names the target a `pass_rate_drop_vs_baseline` is measured against.
    `corrected` decides on the judge-bias-corrected rate (Rogan-Gladen, from a calibration).
    """

    criterion: str = Field(min_length=1)  # robustness metrics: default `all`, the item's overall verdict
    metric: Metric
    min: float | None = None
    max: float | None = None
    by: str | None = None
    min_items: int = Field(default=DEFAULT_MIN_ITEMS, ge=1)
    baseline: str | None = None
    corrected: bool = False  # decide on the Rogan-Gladen rate, with `auditor gate --calibration DIR`
    suite: str | None = None  # a robustness metric's suite: typos, injection, counterfactual...
    across: str | None = None  # max_gap: the cue (group, gender) or, without a suite, a metadata field

    @model_validator(mode="before")
    @classmethod
    def _robustness_defaults(cls, data: Any) -> Any:
        """A robustness metric decides on the overall verdict unless a criterion is named."""
        if isinstance(data, dict) and data.get("metric") in ROBUSTNESS_METRICS:
            data = {"criterion": "all", **data}
            if data["metric"] in _SUITE_OF:
                data.setdefault("suite", _SUITE_OF[data["metric"]])
        return data

    @model_validator(mode="after")
    def _robustness_fields(self) -> AcceptanceCriterion:
        if self.metric not in ROBUSTNESS_METRICS:
            if self.suite is not None or self.across is not None:
                raise ValueError(f"'suite' and 'across' belong to robustness metrics, not {self.metric}")
            return self
        if self.by is not None or self.corrected or self.baseline is not None:
            raise ValueError(f"{self.metric}: 'by', 'corrected' and 'baseline' do not apply (use 'across')")
        wanted = _SUITE_OF.get(self.metric)
        if wanted is not None and self.suite != wanted:
            raise ValueError(f"{self.metric} belongs to the {wanted} suite, not {self.suite}")
        if self.metric in FLIP_METRICS and self.suite is None:
            raise ValueError(f"{self.metric} needs 'suite' (typos, paraphrase, injection, ...)")
        if self.metric == "max_gap":
            if self.suite not in (None, "counterfactual"):
                raise ValueError("max_gap is measured across counterfactual groups or the input's slices")
            if self.suite is None and self.across is None:
                raise ValueError("max_gap needs 'suite: counterfactual' or 'across: FIELD' (a slice)")
        return self

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
