"""Run settings: `AuditConfig`, loaded from YAML and validated.

Every setting has a default; unknown keys are errors that name the key, the file and
the line. The files a config reads (`input`, a judge's `rubric` and `prompt`,
`regulatory.regulations`) are relative to the config file, so `auditor run /somewhere/demo.yaml`
works from any directory; a rubric, prompt or regulations file not found there is the one
shipped with auditor under that name (`rubrics/accuracy.yaml`, see `templates.locate`).
Where a run writes (`out`, `llm.cache_dir`) is relative to the current directory. Paths
given on the command line are relative to the current directory too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, model_validator

from auditor.acceptance.criteria import AcceptanceCriterion
from auditor.errors import UserError
from auditor.llm.settings import USER_CACHE, LLMSettings
from auditor.pii.severity import Severity
from auditor.regulatory.policy import RegulatoryConfig
from auditor.suites.options import SuiteConfig
from auditor.targets.config import TargetConfig
from auditor.templates import locate
from auditor.types import StrictModel
from auditor.yamlio import read_yaml, validate


class NoOptions(StrictModel):
    """The baseline judges take no options: any key under `options:` is a mistake."""


class LLMJudgeOptions(StrictModel):
    """`options:` of an `llm.*` judge."""

    # A typical reply's length, for the dry-run estimate; None: the judge's default for its mode.
    expected_output_tokens: int | None = Field(default=None, ge=1)


class PIIJudgeOptions(StrictModel):
    """`options:` of the `pii` judge (docs/pii.md); None leaves the judge's default."""

    adjudicate: StrictBool = False  # ambiguous spans go to a model (needs `rubric`, `prompt`, `llm:`)
    min_severity: Severity | None = None
    min_score: float | None = Field(default=None, ge=0.0, le=1.0)
    max_batch: int | None = Field(default=None, ge=1)
    max_wait_ms: float | None = Field(default=None, ge=0.0)
    # Worker processes for detection; None: one per core. 1: a worker thread in the run's process.
    workers: int | None = Field(default=None, ge=1)


class _JudgeFields(StrictModel):
    name: str
    rubric: str | None = None  # path to a rubric YAML (LLM judges, PII adjudication)
    prompt: str | None = None  # path to a prompt template (LLM judges, PII adjudication)
    samples: int = Field(default=1, ge=1)  # self-consistency samples (LLM judges)

    @property
    def calls_model(self) -> bool:
        """Whether the judge sends requests to the configured model."""
        return False


class BaselineJudgeConfig(_JudgeFields):
    """An offline deterministic judge."""

    kind: Literal["baseline.accuracy", "baseline.relevance"]
    options: NoOptions = Field(default_factory=NoOptions)


class LLMJudgeConfig(_JudgeFields):
    """A rubric-driven LLM judge; `criterion` is what its kind names."""

    kind: Literal["llm.accuracy", "llm.relevance"]
    options: LLMJudgeOptions = Field(default_factory=LLMJudgeOptions)

    @property
    def criterion(self) -> str:
        return self.kind.removeprefix("llm.")

    @property
    def calls_model(self) -> bool:
        return True


class PIIJudgeConfig(_JudgeFields):
    """The PII leakage judge, optionally with a model adjudicating ambiguous spans."""

    kind: Literal["pii"]
    options: PIIJudgeOptions = Field(default_factory=PIIJudgeOptions)

    @property
    def calls_model(self) -> bool:
        return self.options.adjudicate


# One judge to run. `kind` chooses the model, so a misspelt option is an unknown key
# named with its file and line, before any judge is built.
JudgeConfig = Annotated[BaselineJudgeConfig | LLMJudgeConfig | PIIJudgeConfig, Field(discriminator="kind")]


class RoutingConfig(StrictModel):
    """When an item may skip a human: see `auditor.routing`."""

    pass_score: float = 4.0  # scores below this on a 1-5 scale count as failures
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    thresholds_file: str | None = None  # written by `auditor calibrate`
    review_failures: bool = True  # a failing verdict is worth a human look
    max_score_spread: float = 1.0  # judges of one criterion further apart disagree


def _baseline_judges() -> list[JudgeConfig]:
    return [
        BaselineJudgeConfig(name="accuracy_baseline", kind="baseline.accuracy"),
        BaselineJudgeConfig(name="relevance_baseline", kind="baseline.relevance"),
    ]


class AuditConfig(StrictModel):
    """Everything a run needs to know."""

    name: str = "audit"
    input: str | None = None
    out: str = "runs/latest"
    concurrency: int = Field(default=8, ge=1, le=1024)
    fail_fast: bool = False
    judges: list[JudgeConfig] = Field(default_factory=_baseline_judges)
    routing: RoutingConfig = Field(default_factory=RoutingConfig)
    llm: LLMSettings | None = None
    max_cost_usd: float | None = None
    report: bool = False  # write report.md/report.html at the end of a run
    acceptance: list[AcceptanceCriterion] = Field(default_factory=list)  # the bars `auditor gate` decides
    # which laws a leak touches and who must look (docs/regulatory.md)
    regulatory: RegulatoryConfig = Field(default_factory=RegulatoryConfig)
    suites: list[SuiteConfig] = Field(default_factory=list)  # perturbed copies of every item (auditor.suites)
    # Systems under test: each is asked every item's prompt and its answer judged (docs/benchmark.md).
    # Empty: the judges judge the input's `response`, as always.
    targets: list[TargetConfig] = Field(default_factory=list)
    # Reliability: each target is asked every input item this many times, at its temperature.
    samples: int = Field(default=1, ge=1, le=20)

    @model_validator(mode="after")
    def _unique_target_names(self) -> AuditConfig:
        names = [t.name for t in self.targets]
        if duplicates := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"target names must be unique, repeated: {', '.join(duplicates)}")
        if self.samples > 1 and not self.targets:
            raise ValueError("'samples' asks each target several times: the config has no 'targets:'")
        return self


def load_config(path: Path | str, overrides: dict[str, Any] | None = None) -> AuditConfig:
    """Read and validate a YAML config; `overrides` (from the CLI) win over the file."""
    path = Path(path)
    data, node = read_yaml(path, "config file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"{path}: a config must be a mapping of settings, got {type(data).__name__}")
    _resolve_reads(data, path.parent)
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    config = validate(path, node, data, AuditConfig)
    if config.llm is not None:
        config.llm = _cache_dir_beside(path, config.llm)
    return config


def _resolve_reads(data: dict[str, Any], base: Path) -> None:
    """Make the paths a config reads absolute, from the config's folder `base`.

    Only strings are touched: anything else is left for validation to name.
    """
    if isinstance(data.get("input"), str):
        data["input"] = str(base / data["input"])
    regulatory = data.get("regulatory")
    if isinstance(regulatory, dict) and isinstance(regulatory.get("regulations"), str):
        regulatory["regulations"] = str(locate(regulatory["regulations"], base))
    targets = data.get("targets")
    for target in targets if isinstance(targets, list) else []:
        if isinstance(target, dict) and isinstance(target.get("responses"), str):
            target["responses"] = str(base / target["responses"])
    judges = data.get("judges")
    for judge in judges if isinstance(judges, list) else []:
        for key in ("rubric", "prompt"):
            if isinstance(judge, dict) and isinstance(judge.get(key), str):
                judge[key] = str(locate(judge[key], base))


def _cache_dir_beside(config_path: Path, llm: LLMSettings) -> LLMSettings:
    """A relative `llm.cache_dir` names a directory beside the config file, not under the cwd."""
    if llm.cache_dir is None or llm.cache_dir == USER_CACHE:
        return llm
    directory = Path(llm.cache_dir).expanduser()
    if directory.is_absolute():
        return llm
    return llm.model_copy(update={"cache_dir": str(config_path.parent.resolve() / directory)})
