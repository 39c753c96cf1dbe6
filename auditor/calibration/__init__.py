"""Calibration: how far a judge agrees with human annotators, and what that allows.

`run_calibration` (the `auditor calibrate` command) reads verdicts and human labels and
writes calibration.json, calibration.md, thresholds.json and PNG figures.
See docs/calibration.md for the input formats and the definitions.
"""

from auditor.calibration.command import run_calibration
from auditor.calibration.result import CalibrationResult
from auditor.thresholds import Target

__all__ = ["CalibrationResult", "Target", "run_calibration"]
