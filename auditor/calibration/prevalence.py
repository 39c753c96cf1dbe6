"""How often does the failure really occur? The judged rate corrected for the judge's errors.

A judge that misses leaks under-reports them; one that cries wolf over-reports. With
its true positive rate (TPR) and true negative rate (TNR) measured on the human-labelled
items, the Rogan-Gladen estimator corrects the rate judged over *all* its verdicts:

    corrected = (observed + TNR - 1) / (TPR + TNR - 1), clipped to [0, 1].

The correction divides by Youden's J = TPR + TNR - 1, so it exists only for a judge
better than chance (J > 0). The bootstrap resamples the judged items and the labelled
items independently, so the interval carries the uncertainty of both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from auditor.calibration.bootstrap import Estimate, FloatArray, item_weights, ratio, summarize


@dataclass(frozen=True)
class Prevalence:
    positive: str
    n_judged: int  # scored verdicts of the judge, labelled by humans or not
    n_labelled: int  # of those, items with a human reference
    observed: Estimate  # share of judged items the judge calls the failure
    corrected: Estimate
    tpr: Estimate
    tnr: Estimate
    human_rate: Estimate  # share of labelled items the humans call the failure


def corrected_prevalence(
    positive: str,
    judged: FloatArray,
    labelled_judge: FloatArray,
    labelled_human: FloatArray,
    n_boot: int,
    rng: np.random.Generator,
) -> Prevalence:
    """`judged`: 1.0 where a verdict names the failure (all verdicts); `labelled_*`: the same
    for the judge and the humans on the labelled items, aligned."""
    w_all = item_weights(judged.size, n_boot, rng)
    w_lab = item_weights(labelled_judge.size, n_boot, rng)
    observed = ratio(w_all @ judged, w_all.sum(axis=1))
    tpr = ratio(w_lab @ (labelled_judge * labelled_human), w_lab @ labelled_human)
    tnr = ratio(w_lab @ ((1 - labelled_judge) * (1 - labelled_human)), w_lab @ (1 - labelled_human))
    youden = tpr + tnr - 1
    corrected = np.where(youden > 0, np.clip(ratio(observed + tnr - 1, youden), 0.0, 1.0), np.nan)
    n_lab = labelled_judge.size
    return Prevalence(
        positive=positive,
        n_judged=judged.size,
        n_labelled=n_lab,
        observed=summarize(observed, judged.size, "no verdicts"),
        corrected=summarize(corrected, min(judged.size, n_lab), _why_uncorrectable(youden[0])),
        tpr=summarize(tpr, n_lab, f"undefined: the humans never chose '{positive}'"),
        tnr=summarize(tnr, n_lab, f"undefined: the humans always chose '{positive}'"),
        human_rate=summarize(ratio(w_lab @ labelled_human, w_lab.sum(axis=1)), n_lab, "no labelled items"),
    )


def _why_uncorrectable(youden: float) -> str:
    if np.isnan(youden):
        return "undefined: TPR or TNR cannot be measured (the humans chose only one label)"
    return (
        f"undefined: the judge is no better than chance on the labelled items "
        f"(TPR + TNR - 1 = {youden:.2f} <= 0), so its errors cannot be corrected for"
    )
