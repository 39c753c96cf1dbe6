"""Prompts and rubrics as versioned files.

A prompt (`auditor/prompts/*.yaml`) has a `version`, a `system` and a `user` template with named
`{{variables}}`. Rendering names every missing variable at once. A rubric
(`auditor/rubrics/*.yaml`) says what each level of a criterion's scale means, its decision rules
and few-shot examples, and carries a version too.

A version as written in a file can go stale when someone edits the text and forgets to
bump it, so the version recorded in provenance is the declared version plus a short hash
of the content: any edit shows up there and misses the LLM cache.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from auditor.errors import UserError
from auditor.types import StrictModel
from auditor.yamlio import load_yaml_model

PACKAGE_DIR = Path(__file__).parent  # holds the prompts/ and rubrics/ shipped with auditor

_VARIABLE = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


class PromptTemplate(StrictModel):
    """A judge or summarizer prompt with named variables."""

    name: str
    version: str
    description: str = ""
    system: str
    user: str

    @property
    def variables(self) -> set[str]:
        return set(_VARIABLE.findall(self.system)) | set(_VARIABLE.findall(self.user))

    @property
    def full_version(self) -> str:
        return f"{self.name}@{self.version}+{_digest(self.system, self.user)}"

    def render(self, **values: str) -> list[dict[str, str]]:
        """Chat messages with every variable filled; a UserError lists all missing ones."""
        missing = sorted(self.variables - values.keys())
        if missing:
            raise UserError(f"prompt '{self.name}': missing variables: {', '.join(missing)}")
        return [
            {"role": "system", "content": _fill(self.system, values)},
            {"role": "user", "content": _fill(self.user, values)},
        ]


class Scale(StrictModel):
    kind: Literal["ordinal", "labels"]
    min: int = 1
    max: int = 5
    labels: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Scale:
        if self.kind == "labels" and len(self.labels) < 2:
            raise ValueError("a 'labels' scale needs at least two labels")
        if self.kind == "ordinal" and self.min >= self.max:
            raise ValueError("'min' must be below 'max'")
        return self

    @property
    def points(self) -> list[str]:
        """The values a judge may answer, as the tokens it would write."""
        return self.labels if self.kind == "labels" else [str(n) for n in range(self.min, self.max + 1)]


class Example(StrictModel):
    prompt: str
    response: str
    reference: str | None = None
    context: str | None = None
    expected_score: int | None = None
    expected_label: str | None = None
    reasoning: str
    # Quotes a judge would give as evidence: each copied from `response`, as judges must.
    evidence: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _evidence_is_copied_from_the_response(self) -> Example:
        for quote in self.evidence:
            if not quote or quote not in self.response:
                raise ValueError(f"evidence {quote!r} is not copied from the example's response")
        return self


class Rubric(StrictModel):
    """What a criterion means, level by level, and how to decide."""

    criterion: str
    version: str
    description: str
    scale: Scale
    levels: dict[str, str]
    pass_levels: list[str]  # the levels (scores or labels) that pass
    decision_rules: list[str] = Field(default_factory=list)
    mode: Literal["holistic", "claims"] = "holistic"
    reasoning_language: str = "English"
    examples: list[Example] = Field(default_factory=list)

    @model_validator(mode="after")
    def _levels_match_scale(self) -> Rubric:
        points = set(self.scale.points)
        if set(self.levels) != points:
            raise ValueError(f"'levels' must describe exactly the scale's points {sorted(points)}")
        if not set(self.pass_levels) <= points:
            raise ValueError(f"'pass_levels' must be among the scale's points {sorted(points)}")
        return self

    @property
    def full_version(self) -> str:
        body = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return f"{self.criterion}@{self.version}+{_digest(body)}"

    def passes(self, score: float | None = None, label: str | None = None) -> bool | None:
        if label is not None:
            return label in self.pass_levels
        if score is not None:
            return min(float(p) for p in self.pass_levels) <= score
        return None

    def as_text(self) -> str:
        """The rubric as the judge reads it: description, levels, rules."""
        lines = [self.description.strip(), "", "Levels:"]
        lines += [f"- {point}: {self.levels[point].strip()}" for point in self.scale.points]
        if self.decision_rules:
            lines += ["", "Decision rules:"] + [f"- {rule.strip()}" for rule in self.decision_rules]
        return "\n".join(lines)


def locate(value: str, base: Path) -> Path:
    """The prompt or rubric file a config names: relative to `base` (the config's folder),
    else the file shipped with auditor under that name (`rubrics/accuracy.yaml`).

    When neither exists the answer is the path under `base`, for the caller's "not found".
    """
    path = Path(value)
    if path.is_absolute():
        return path
    return next((c for c in (base / path, PACKAGE_DIR / path) if c.is_file()), base / path)


def load_prompt(path: Path | str) -> PromptTemplate:
    return load_yaml_model(Path(path), PromptTemplate, "prompt template")


def load_rubric(path: Path | str) -> Rubric:
    return load_yaml_model(Path(path), Rubric, "rubric")


def _fill(template: str, values: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: values[m.group(1)], template)


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:8]
