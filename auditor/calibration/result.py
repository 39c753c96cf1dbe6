"""`calibration.json`: what `run_calibration` returns, writes, and `auditor report` reads back.

One model, written and read with the same class. An undefined statistic is `null` with
a `reason` beside it; the JSON is written with NaN forbidden, so a NaN that slipped
through stops the write rather than producing a file other tools cannot parse.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import Field

from auditor.calibration.analysis import CriterionReport
from auditor.calibration.pairwise import PairwiseResult
from auditor.calibration.statistics import TITLES
from auditor.io import read_json_model
from auditor.types import StrictModel

CALIBRATION_FILE = "calibration.json"


class CalibrationResult(StrictModel):
    """Judge-versus-human agreement for every criterion and judge (or pairwise judge)."""

    statistics: dict[str, str] = Field(default_factory=lambda: dict(TITLES))  # key -> title
    inputs: dict[str, str]  # the verdicts and human-label files read
    settings: dict[str, Any]  # seed, resamples, slicing fields, threshold target
    criteria: dict[str, CriterionReport] = Field(default_factory=dict)
    pairwise: PairwiseResult | None = None
    notes: list[str] = Field(default_factory=list)
    files: list[Path] = Field(default_factory=list)  # everything written to the output directory

    def to_json(self) -> str:
        """The whole result as JSON text (NaN is an error, not a value)."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    @staticmethod
    def file_in(directory: Path) -> Path:
        """`calibration.json` in `directory`, or `directory` itself when it names that file."""
        return directory / CALIBRATION_FILE if directory.is_dir() else directory

    @classmethod
    def read(cls, directory: Path) -> CalibrationResult:
        """`calibration.json` in `directory` (or that file); missing or of another shape: `UserError`."""
        missing = "no calibration found (run `auditor calibrate` first)"
        return read_json_model(cls.file_in(directory), cls, what="calibration file", missing=missing)
