"""`acceptance.json`: what `auditor gate` decided, written and read back with one model."""

from __future__ import annotations

from pathlib import Path

from auditor.acceptance.decide import Decision
from auditor.io import read_json_model, write_json_model
from auditor.types import StrictModel

ACCEPTANCE = "acceptance.json"


class GateFile(StrictModel):
    """The verdict, the exit code it gives, where the criteria came from and every decision."""

    verdict: str  # go, no-go, inconclusive
    exit_code: int
    criteria_from: str
    baseline_run: str | None = None
    calibration: str | None = None
    decisions: list[Decision]

    def write(self, run_dir: Path) -> Path:
        """Write `run_dir/acceptance.json`."""
        return write_json_model(run_dir / ACCEPTANCE, self)

    @classmethod
    def read(cls, run_dir: Path) -> GateFile | None:
        """The run's `acceptance.json`; None when the gate has not run on it."""
        path = run_dir / ACCEPTANCE
        if not path.is_file():
            return None
        return read_json_model(path, cls, what="acceptance file", missing="not found")
