"""Pre-labelling thresholds: from which confidence on may a judge's verdict skip a human?

For each criterion and judge, the candidate thresholds are the confidences seen on the
labelled items. The chosen one is the lowest t at which the items with confidence >= t
(the ones that would be auto-accepted) reach the target, and at least `MIN_ITEMS` of
them are left to show it. The target is exact agreement with the human reference (the
same "correct" as the reliability table) or, for a binary criterion, the precision of
the auto-accepted failure verdicts.

The result is a `Threshold` as `thresholds.json` (`auditor.thresholds`) holds it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from auditor.calibration.bootstrap import FloatArray
from auditor.calibration.compare import MIN_ITEMS
from auditor.thresholds import Target, Threshold
from auditor.types import JudgeIdentity


def find_threshold(
    judge: str,
    target: Target,
    confidence: FloatArray,
    correct: FloatArray,
    judged_positive: FloatArray | None,
    identity: JudgeIdentity | None = None,
) -> Threshold:
    """The lowest confidence that meets `target` on the labelled items.

    `correct` is 1.0 where the verdict equals the human reference; `judged_positive` is
    1.0 where the judge named the failure (None for a criterion that is not binary);
    `identity` is recorded so that routing applies the threshold to this judge only.
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
            return Threshold(judge, target, n, float(t), achieved, n_accepted, n_accepted / n, note, identity)
        if best is None or achieved > best[0]:
            best = (achieved, float(t), n_accepted)
    why = f"no threshold reaches {target.metric} {target.value:g} with at least {MIN_ITEMS} items accepted"
    if best is not None:
        why += f" (best: {best[0]:.3f} at confidence >= {best[1]:g})"
    if n < MIN_ITEMS:
        why = f"only {n} labelled verdicts carry a confidence (fewer than {MIN_ITEMS})"
    return Threshold(judge, target, n, None, None, 0, None, "; ".join(filter(None, [why, note])), identity)


def _metric(
    target: Target, accepted: npt.NDArray[np.bool_], correct: FloatArray, judged_positive: FloatArray | None
) -> float | None:
    if target.metric == "agreement":
        return float(correct[accepted].mean())
    assert judged_positive is not None
    flagged = accepted & (judged_positive == 1.0)
    return float(correct[flagged].mean()) if flagged.any() else None
