"""Run settings: `AuditConfig`, loaded from YAML and validated.

Every setting has a default; unknown keys are errors that name the key, the file and
the line. Relative paths in a config are resolved against the current directory, as a
user typing `auditor run configs/demo.yaml` from the project root expects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from auditor.acceptance.criteria import AcceptanceCriterion
from auditor.errors import UserError
from auditor.llm.settings import LLMSettings
from auditor.types import StrictModel
from auditor.yamlio import read_yaml, validate


class JudgeConfig(StrictModel):
    """One judge to run: its kind and the files that define it."""

    name: str
    kind: str  # e.g. "baseline.accuracy", "llm.accuracy", "pii"
    rubric: str | None = None  # path to a rubric YAML (LLM judges)
    prompt: str | None = None  # path to a prompt template (LLM judges)
    samples: int = Field(default=1, ge=1)  # self-consistency samples (LLM judges)
    options: dict[str, Any] = Field(default_factory=dict)


class RoutingConfig(StrictModel):
    """When an item may skip a human: see `auditor.graph.route`."""

    pass_score: float = 4.0  # scores below this on a 1-5 scale count as failures
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    thresholds_file: str | None = None  # written by `auditor calibrate`
    review_failures: bool = True  # a failing verdict is worth a human look
    max_score_spread: float = 1.0  # judges of one criterion further apart disagree


class AuditConfig(StrictModel):
    """Everything a run needs to know."""

    name: str = "audit"
    input: str | None = None
    out: str = "runs/latest"
    concurrency: int = Field(default=8, ge=1, le=1024)
    fail_fast: bool = False
    judges: list[JudgeConfig] = Field(
        default_factory=lambda: [
            JudgeConfig(name="accuracy_baseline", kind="baseline.accuracy"),
            JudgeConfig(name="relevance_baseline", kind="baseline.relevance"),
        ]
    )
    routing: RoutingConfig = Field(default_factory=RoutingConfig)
    llm: LLMSettings | None = None
    max_cost_usd: float | None = None
    report: bool = False  # write report.md/report.html at the end of a run
    acceptance: list[AcceptanceCriterion] = Field(default_factory=list)  # the bars `auditor gate` decides


def load_config(path: Path | str, overrides: dict[str, Any] | None = None) -> AuditConfig:
    """Read and validate a YAML config; `overrides` (from the CLI) win over the file."""
    path = Path(path)
    data, node = read_yaml(path, "config file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"{path}: a config must be a mapping of settings, got {type(data).__name__}")
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return validate(path, node, data, AuditConfig)
