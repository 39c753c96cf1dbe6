"""`batch/batch.json`: every round of a batch run, its request files and batch ids, as one model.

Written (atomically) after every step that must survive a kill: a round's request files,
each batch as soon as it is created, each download and ingest. `--resume` reads it to
pick up the batches in flight by id, so nothing is submitted twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from auditor.errors import UserError
from auditor.io import write_json_model
from auditor.types import StrictModel

BATCH_DIR = "batch"
LOG = "batch.json"
TERMINAL = ("completed", "failed", "expired", "cancelled")


class BatchJob(StrictModel):
    """One submitted request file: its Batch API ids and where it stands."""

    requests: str  # the local request file
    input_file_id: str
    id: str  # the batch's id
    status: str = "validating"
    done: int = 0  # requests answered or failed so far
    output_file_id: str | None = None
    error_file_id: str | None = None
    downloaded: list[str] = Field(default_factory=list)  # local copies of its output and error files
    ingested: bool = False

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL


class Round(StrictModel):
    """One pass's requests and what became of them."""

    number: int
    mode: Literal["api", "files"]  # submitted by auditor, or exported for another engine
    requests: list[str]
    models: dict[str, str] = Field(default_factory=dict)  # request file -> the model it asks
    request_count: int
    batches: list[BatchJob] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=list)  # output files ingested (files mode)
    ingested: bool = False
    answered: int = 0
    failed: int = 0
    missing: int = 0
    unknown: int = 0


class BatchLog(StrictModel):
    """Everything `batch.json` holds."""

    export_dir: str | None = None  # where --batch-export writes request files
    rounds: list[Round] = Field(default_factory=list)

    @property
    def open_round(self) -> Round | None:
        """The last round, while its answers are not yet ingested."""
        return self.rounds[-1] if self.rounds and not self.rounds[-1].ingested else None

    @staticmethod
    def path(run_dir: Path) -> Path:
        return run_dir / BATCH_DIR / LOG

    @classmethod
    def read(cls, run_dir: Path) -> BatchLog:
        path = cls.path(run_dir)
        if not path.is_file():
            return cls()
        try:
            return cls.model_validate_json(path.read_bytes())
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"]) or "(top level)"
            raise UserError(f"{path}: field '{where}': {problem['msg']}") from None

    def write(self, run_dir: Path) -> None:
        path = self.path(run_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json_model(path, self)
