"""Deciding on judge-bias-corrected rates: Rogan-Gladen with the TPR and TNR from a calibration.

`auditor calibrate` measures, on human-labelled items, how often a label judge finds the
failure when humans see it (TPR) and clears an item humans clear (TNR). The run's observed
failure rate is then corrected: (observed + TNR - 1) / (TPR + TNR - 1), clipped to [0, 1]
(the estimator of `auditor.calibration.prevalence`). Its 95% CI comes from a parametric
bootstrap that redraws the run's failures and the labelled items' hits together, so it
carries the uncertainty of both; more run items cannot shrink the labelled part, which the
"items needed" search sees for itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from auditor.acceptance.measure import EMPTY, Measure
from auditor.compare.stats import CONFIDENCE, N_BOOT, Interval, rng_for
from auditor.errors import UserError


@dataclass(frozen=True)
class JudgeErrors:
    """A judge's measured hit rates on the labelled items of one criterion."""

    judge: str
    positive: str  # the failure label
    positives: int  # labelled items the humans called the failure
    negatives: int
    tpr: float
    tnr: float


def read_judge_errors(calibration_dir: Path, criterion: str) -> JudgeErrors:
    """The first judge of `criterion` in calibration.json whose TPR and TNR were measured."""
    path = calibration_dir / "calibration.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: not found (run `auditor calibrate` first)") from None
    except ValueError as exc:
        raise UserError(f"{path}: not valid JSON ({exc})") from None
    judges = data.get("criteria", {}).get(criterion, {}).get("judges", {})
    for name, judge in judges.items():
        p = judge.get("prevalence") or {}
        tpr, tnr, human = (p.get(k, {}).get("value") for k in ("tpr", "tnr", "human_rate"))
        if None not in (tpr, tnr, human):
            positives = round(human * p["n_labelled"])
            return JudgeErrors(name, p["positive"], positives, p["n_labelled"] - positives, tpr, tnr)
    raise UserError(
        f"{path}: no judge of '{criterion}' has a measured TPR and TNR "
        "(a corrected rate needs a two-label criterion with human labels of both kinds)"
    )


def corrected_failure_rate(failures: int, n: int, errors: JudgeErrors, key: str) -> Measure:
    """The Rogan-Gladen corrected share of failing items, with its bootstrap CI."""
    if n == 0:
        return EMPTY
    observed = failures / n
    youden = errors.tpr + errors.tnr - 1
    if youden <= 0:
        raise UserError(
            f"judge {errors.judge}: TPR + TNR - 1 = {youden:.2f} <= 0 on the labelled items; "
            "its errors cannot be corrected for (drop 'corrected:')"
        )
    estimate = float(np.clip((observed + errors.tnr - 1) / youden, 0.0, 1.0))

    def at(m: int) -> Interval:
        return _interval(observed, m, errors, rng_for(0, key))

    return Measure(n, estimate, at(n), at)


def _interval(observed: float, n: int, errors: JudgeErrors, rng: np.random.Generator) -> Interval:
    obs = rng.binomial(n, observed, N_BOOT) / n
    tpr = rng.binomial(errors.positives, errors.tpr, N_BOOT) / max(errors.positives, 1)
    tnr = rng.binomial(errors.negatives, errors.tnr, N_BOOT) / max(errors.negatives, 1)
    youden = tpr + tnr - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        corrected = np.where(youden > 0, np.clip((obs + tnr - 1) / youden, 0.0, 1.0), np.nan)
    defined = corrected[~np.isnan(corrected)]
    if defined.size == 0:
        return 0.0, 1.0
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high)
