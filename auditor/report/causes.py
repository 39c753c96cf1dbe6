"""The template text of findings found offline: `templates/causes.yaml`, loaded and checked.

An entry is looked up by what the group is made of: an error tag (`pii:*` tags share
the `pii` entry), else the kind of failure (unscored, missed, false alarm), else the
criterion. Loading names every unknown variable and every missing field, so a typo in
the file fails the first report rather than printing a stray brace to stakeholders.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from pydantic import field_validator, model_validator

from auditor.types import StrictModel
from auditor.yamlio import load_yaml_model

CAUSES_FILE = Path(__file__).parent / "templates" / "causes.yaml"
FIELDS = ("title", "cause", "recommendation")
VARIABLES = frozenset({"count", "items", "criterion", "tag", "entity", "entities", "severity", "judges"})
FALLBACK = "_other"
KINDS = ("unscored", "missed", "false_alarm")
PII_PREFIX = "pii:"


class CauseText(StrictModel):
    """One entry: a finding's title, its likely cause and the recommendation, with variables."""

    title: str
    cause: str
    recommendation: str

    @field_validator(*FIELDS)
    @classmethod
    def _known_variables(cls, text: str) -> str:
        unknown = _variables(text) - VARIABLES
        if unknown:
            raise ValueError(f"unknown variable {', '.join(sorted(unknown))}")
        return text.strip()

    def fill(self, **values: str) -> CauseText:
        # Filled text is no template: braces a value brings in are not variables to check.
        return CauseText.model_construct(**{f: getattr(self, f).format(**values) for f in FIELDS})


class Causes(StrictModel):
    """The causes file: entries by error tag, by kind of failure and by criterion."""

    version: str = ""
    tags: dict[str, CauseText]
    kinds: dict[str, CauseText]
    criteria: dict[str, CauseText]

    @model_validator(mode="after")
    def _fallbacks_and_kinds(self) -> Causes:
        problems = [
            f"{name}: needs a '{FALLBACK}' entry"
            for name in ("tags", "criteria")
            if FALLBACK not in getattr(self, name)
        ]
        problems += [f"kinds: needs a '{kind}' entry" for kind in KINDS if kind not in self.kinds]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def for_tag(self, tag: str) -> CauseText:
        key = "pii" if tag.startswith(("pii-severity:", PII_PREFIX)) else tag
        return self.tags.get(key, self.tags[FALLBACK])

    def for_kind(self, kind: str) -> CauseText:
        return self.kinds[kind]

    def for_criterion(self, criterion: str) -> CauseText:
        return self.criteria.get(criterion, self.criteria[FALLBACK])


@cache
def load_causes(path: Path = CAUSES_FILE) -> Causes:
    """Read and check the causes file; every problem is named with its line and key."""
    return load_yaml_model(path, Causes, "causes file")


def _variables(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:  # an unmatched brace
        return {f"(bad braces: {exc})"}
