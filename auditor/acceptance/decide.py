"""Deciding one acceptance criterion on one target (and slice) from its 95% CI.

`pass` only when the whole interval clears the bar, `fail` when it lies wholly on the wrong
side, otherwise `inconclusive`, with the number of items that would likely decide it if
the observed rate held. Fewer items than the criterion's `min_items` is inconclusive too,
never a silent pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auditor.acceptance.criteria import AcceptanceCriterion
from auditor.acceptance.measure import Measure
from auditor.compare.stats import Interval

Status = Literal["pass", "fail", "inconclusive"]
MAX_ITEMS = 10_000_000  # beyond this, "more items" is no longer advice


@dataclass(frozen=True)
class Decision:
    criterion: str
    metric: str
    bar: str
    target: str
    slice: str | None  # "marketplace=DE"; None: all items
    n: int
    estimate: float | None
    ci95: Interval | None
    status: Status
    reason: str
    items_needed: int | None = None  # inconclusive: about this many items would decide it


def decide(spec: AcceptanceCriterion, measure: Measure, target: str, where: str | None) -> Decision:
    def made(status: Status, reason: str, needed: int | None = None) -> Decision:
        return Decision(
            spec.criterion, spec.metric, spec.bar, target, where, measure.n, measure.estimate, measure.ci,
            status, reason, needed,
        )  # fmt: skip

    if measure.n == 0 or measure.estimate is None:
        return made("inconclusive", f"no item has a decided verdict on '{spec.criterion}'", spec.min_items)
    status = _status(spec, measure.ci)
    needed = None if status != "inconclusive" else items_needed(spec, measure)
    if measure.n < spec.min_items:
        wanted = max(spec.min_items, needed or 0)
        why = f"only {measure.n} items, fewer than min_items {spec.min_items}"
        if needed is not None or status != "inconclusive":
            why += f"; about {wanted} items would likely decide it"
        return made("inconclusive", why, wanted)
    if status == "pass":
        return made("pass", "the whole 95% CI clears the bar")
    if status == "fail":
        return made("fail", "the whole 95% CI lies on the wrong side of the bar")
    if measure.ci is None:
        return made("inconclusive", "no confidence interval (one item)", needed)
    if needed is None:
        return made("inconclusive", _undecidable(spec, measure.estimate))
    return made(
        "inconclusive", f"the 95% CI straddles the bar; about {needed} items would likely decide it", needed
    )


def _status(spec: AcceptanceCriterion, ci: Interval | None) -> Status:
    if ci is None:
        return "inconclusive"
    low, high = ci
    if (spec.min is not None and high < spec.min) or (spec.max is not None and low > spec.max):
        return "fail"
    if (spec.min is None or low >= spec.min) and (spec.max is None or high <= spec.max):
        return "pass"
    return "inconclusive"


def items_needed(spec: AcceptanceCriterion, measure: Measure) -> int | None:
    """The fewest items (above the current count) whose CI at the same estimate decides the bar."""

    def decided(m: int) -> bool:
        return _status(spec, measure.at(m)) != "inconclusive"

    low = max(measure.n, 1)
    high = low * 2
    while not decided(high):
        if high >= MAX_ITEMS:
            return None
        low, high = high, min(high * 2, MAX_ITEMS)
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if decided(mid) else (mid, high)
    return high


def _undecidable(spec: AcceptanceCriterion, estimate: float) -> str:
    bars = [b for b in (spec.min, spec.max) if b is not None]
    if spec.max == 0.0 and estimate == 0.0:
        return (
            "a maximum of 0 cannot be shown by any sample (the CI's upper end stays above 0); use a small max"
        )
    if estimate in bars:
        return "the estimate sits on the bar: no number of items would decide it"
    return f"not decidable below {MAX_ITEMS:,} items at the observed rate"
