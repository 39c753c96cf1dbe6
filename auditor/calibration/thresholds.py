"""Pre-labelling thresholds: from which confidence on may a judge's verdict skip a human?

For each criterion and judge, the candidate thresholds are the confidences seen on the
labelled items. The chosen one is the lowest t at which the items with confidence >= t
(the ones that would be auto-accepted) reach the target, and at least `MIN_ITEMS` of
them are left to show it. The target is exact agreement with the human reference (the
same "correct" as the reliability table) or, for a binary criterion, the precision of
the auto-accepted failure verdicts.

`thresholds.json`, which `auditor run` reads for routing (`routing.thresholds_file`):

    {"version": 1,
     "criteria": {
        "<criterion>": {"judge": "<judge>", "min_confidence": 0.7 | null,
                        "target": {"metric": "agreement" | "precision", "value": 0.9},
                        "achieved": 0.93 | null, "auto_accept_share": 0.6 | null,
                        "n": 70, "n_accepted": 42, "reason": null | "<why no threshold>"}},
     "judges": {"<criterion>": {"<judge>": {same fields without "judge"}}}}

`n` counts the labelled items whose verdict has a confidence; `auto_accept_share` is
n_accepted / n. `criteria` holds, per criterion, the judge whose threshold auto-accepts
the most items (or, if none reaches the target, the first judge, with a null threshold:
route everything to a human). `judges` holds every judge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from auditor.calibration.bootstrap import FloatArray
from auditor.calibration.compare import MIN_ITEMS
from auditor.errors import UserError

VERSION = 1
Metric = Literal["agreement", "precision"]


@dataclass(frozen=True)
class Target:
    """What auto-accepted verdicts must reach."""

    metric: Metric = "agreement"
    value: float = 0.9

    @classmethod
    def parse(cls, text: str) -> Target:
        """'agreement=0.9' or 'precision=0.95' (the CLI's --target)."""
        metric, _, value = text.partition("=")
        if metric not in ("agreement", "precision"):
            raise UserError(f"--target: unknown metric '{metric}' (use agreement=0.9 or precision=0.95)")
        try:
            number = float(value)
        except ValueError:
            raise UserError(f"--target: '{value}' is not a number (e.g. agreement=0.9)") from None
        if not 0.0 < number <= 1.0:
            raise UserError(f"--target: {number} is outside (0, 1]")
        return cls("agreement" if metric == "agreement" else "precision", number)


DEFAULT_TARGET = Target()


@dataclass(frozen=True)
class Threshold:
    judge: str
    target: Target
    n: int
    min_confidence: float | None
    achieved: float | None
    n_accepted: int
    auto_accept_share: float | None
    reason: str | None = None


def find_threshold(
    judge: str,
    target: Target,
    confidence: FloatArray,
    correct: FloatArray,
    judged_positive: FloatArray | None,
) -> Threshold:
    """The lowest confidence that meets `target` on the labelled items.

    `correct` is 1.0 where the verdict equals the human reference; `judged_positive` is
    1.0 where the judge named the failure (None for a criterion that is not binary).
    """
    note = None
    if target.metric == "precision" and judged_positive is None:
        note = "precision needs a binary criterion; exact agreement was used"
        target = Target("agreement", target.value)
    n = confidence.size
    best: tuple[float, float, int] | None = None  # (achieved, threshold, accepted) of the best try
    for t in np.unique(confidence):
        accepted = confidence >= t
        if accepted.sum() < MIN_ITEMS:
            break  # higher thresholds accept even fewer
        achieved = _metric(target, accepted, correct, judged_positive)
        if achieved is None:
            continue
        n_accepted = int(accepted.sum())
        if achieved >= target.value:
            return Threshold(judge, target, n, float(t), achieved, n_accepted, n_accepted / n, note)
        if best is None or achieved > best[0]:
            best = (achieved, float(t), n_accepted)
    why = f"no threshold reaches {target.metric} {target.value:g} with at least {MIN_ITEMS} items accepted"
    if best is not None:
        why += f" (best: {best[0]:.3f} at confidence >= {best[1]:g})"
    if n < MIN_ITEMS:
        why = f"only {n} labelled verdicts carry a confidence (fewer than {MIN_ITEMS})"
    return Threshold(judge, target, n, None, None, 0, None, "; ".join(filter(None, [why, note])))


def _metric(
    target: Target, accepted: npt.NDArray[np.bool_], correct: FloatArray, judged_positive: FloatArray | None
) -> float | None:
    if target.metric == "agreement":
        return float(correct[accepted].mean())
    assert judged_positive is not None
    flagged = accepted & (judged_positive == 1.0)
    return float(correct[flagged].mean()) if flagged.any() else None


def thresholds_document(by_criterion: Mapping[str, list[Threshold]]) -> dict[str, Any]:
    """The `thresholds.json` content (see the module docstring)."""
    criteria: dict[str, Any] = {}
    judges: dict[str, Any] = {}
    for criterion, found in by_criterion.items():
        if not found:
            continue
        judges[criterion] = {t.judge: _entry(t, with_judge=False) for t in found}
        reached = [t for t in found if t.min_confidence is not None]
        chosen = max(reached, key=lambda t: (t.n_accepted, t.achieved or 0.0)) if reached else found[0]
        criteria[criterion] = _entry(chosen, with_judge=True)
    return {"version": VERSION, "criteria": criteria, "judges": judges}


def _entry(t: Threshold, *, with_judge: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"judge": t.judge} if with_judge else {}
    entry.update(
        {
            "min_confidence": t.min_confidence,
            "target": {"metric": t.target.metric, "value": t.target.value},
            "achieved": t.achieved,
            "auto_accept_share": t.auto_accept_share,
            "n": t.n,
            "n_accepted": t.n_accepted,
            "reason": t.reason,
        }
    )
    return entry
