"""The annotation guidelines: a versioned YAML file shipped next to the rubrics (`auditor/rubrics/`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from auditor.templates import PACKAGE_DIR
from auditor.types import StrictModel
from auditor.yamlio import load_yaml_model

DEFAULT_GUIDELINES = PACKAGE_DIR / "rubrics" / "annotation_guidelines.yaml"


class CriterionRules(StrictModel):
    """What an annotator may answer for one criterion, and what must come with it."""

    scores: list[float] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    note_at_or_below: float | None = None  # a score at or below this needs a note
    spans_required_for: list[str] = Field(default_factory=list)  # labels that need spans

    @model_validator(mode="after")
    def _one_kind(self) -> CriterionRules:
        if bool(self.scores) == bool(self.labels):
            raise ValueError("give either 'scores' or 'labels'")
        unknown = sorted(set(self.spans_required_for) - set(self.labels))
        if unknown:
            raise ValueError(f"spans_required_for names labels not in 'labels': {', '.join(unknown)}")
        return self

    @property
    def kind(self) -> str:
        return "score" if self.scores else "label"


class Guidelines(StrictModel):
    name: str
    version: str
    annotators_per_item: int = Field(ge=1)
    agreement_threshold: float = Field(ge=-1.0, le=1.0)
    adjudicate_spread: float = Field(gt=0)  # scores: max - min on an item at least this
    adjudicate_agreement: float = Field(default=1.0, gt=0, le=1)  # labels: top label's share below this
    criteria: dict[str, CriterionRules] = Field(min_length=1)

    @property
    def full_version(self) -> str:
        return f"{self.name}@{self.version}"


def load_guidelines(path: Path) -> Guidelines:
    return load_yaml_model(path, Guidelines, "annotation guidelines")
