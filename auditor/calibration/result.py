"""What `run_calibration` returns and writes to `calibration.json`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.calibration.analysis import CriterionReport
from auditor.calibration.pairwise import PairwiseResult


@dataclass(frozen=True)
class CalibrationResult:
    """Judge-versus-human agreement for every criterion and judge (or pairwise judge)."""

    inputs: dict[str, str]  # the verdicts and human-label files read
    settings: dict[str, Any]  # seed, resamples, slicing fields, threshold target
    criteria: dict[str, CriterionReport] = field(default_factory=dict)
    pairwise: PairwiseResult | None = None
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # everything written to the output directory
