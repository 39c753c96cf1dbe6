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

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from auditor.acceptance.measure import EMPTY, Measure
from auditor.calibration.bootstrap import CONFIDENCE, rng_for
from auditor.calibration.result import CalibrationResult
from auditor.compare.stats import N_BOOT, Interval
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
    result = CalibrationResult.read(calibration_dir)
    report = result.criteria.get(criterion)
    for name, judge in (report.judges if report else {}).items():
        p = judge.prevalence
        if p is None:
            continue
        tpr, tnr, human = p.tpr.value, p.tnr.value, p.human_rate.value
        if tpr is not None and tnr is not None and human is not None:
            positives = round(human * p.n_labelled)
            return JudgeErrors(name, p.positive, positives, p.n_labelled - positives, tpr, tnr)
    raise UserError(
        f"{CalibrationResult.file_in(calibration_dir)}: no judge of '{criterion}' has a measured TPR and TNR "
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
