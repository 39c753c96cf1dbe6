"""The regulations file: laws, what each treats as sensitive, and which apply where.

`auditor/rubrics/regulations.yaml` ships with auditor; a config may name its own
(`regulatory.regulations`). Loading validates it strictly: every kind must be a PII entity
type the judge reports, every jurisdiction must name known laws, and an entry without an
article must say why in its note. The version recorded on each verdict is the declared
version plus a hash of the content, as for rubrics (`auditor.templates`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from auditor.pii.severity import PERSONAL_ENTITIES
from auditor.templates import PACKAGE_DIR
from auditor.types import StrictModel
from auditor.yamlio import load_yaml_model

DEFAULT_REGULATIONS = PACKAGE_DIR / "rubrics" / "regulations.yaml"

Jurisdiction = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


def _unknown_kinds(kinds: list[str]) -> list[str]:
    return sorted(set(kinds) - PERSONAL_ENTITIES)


class Category(StrictModel):
    """A class of data one law singles out, with the kinds auditor detects that fall in it."""

    name: str = Field(min_length=1)
    sensitive: bool  # a sensitive or special category (escalation rules can ask for it)
    article: str | None  # None only with a note saying why
    kinds: list[str] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _checked(self) -> Category:
        if unknown := _unknown_kinds(self.kinds):
            raise ValueError(f"unknown PII kinds {unknown}; see auditor/pii/severity.py")
        if self.article is None and not self.note:
            raise ValueError("an entry without an 'article' needs a 'note' saying why")
        return self


class Law(StrictModel):
    """One data-protection law."""

    title: str = Field(min_length=1)
    personal_data: str | None  # the article defining personal data; None: not confirmed
    applies_to: list[str] | None = None  # None: every personal-data kind; a list: only these
    categories: list[Category] = Field(default_factory=list)
    note: str | None = None
    sources: list[str] = Field(min_length=1)  # where the entries were looked up

    @model_validator(mode="after")
    def _checked(self) -> Law:
        if self.applies_to is not None and (unknown := _unknown_kinds(self.applies_to)):
            raise ValueError(f"applies_to: unknown PII kinds {unknown}")
        kinds = [k for c in self.categories for k in c.kinds]
        if repeated := sorted({k for k in kinds if kinds.count(k) > 1}):
            raise ValueError(f"kinds in more than one category: {repeated}")
        cited = self.personal_data is not None or any(c.article for c in self.categories)
        if not cited and not self.note:
            raise ValueError("a law without any cited article needs a 'note' saying why")
        return self

    def covers(self, kind: str) -> bool:
        return kind in PERSONAL_ENTITIES and (self.applies_to is None or kind in self.applies_to)

    def category_of(self, kind: str) -> Category | None:
        return next((c for c in self.categories if kind in c.kinds), None)


class Regulations(StrictModel):
    name: str
    version: str
    laws: dict[str, Law] = Field(min_length=1)
    jurisdictions: dict[Jurisdiction, list[str]] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_laws(self) -> Regulations:
        for code, laws in self.jurisdictions.items():
            if unknown := sorted(set(laws) - set(self.laws)):
                raise ValueError(f"jurisdiction {code} names unknown laws {unknown}")
        return self

    @property
    def full_version(self) -> str:
        body = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return f"{self.name}@{self.version}+{hashlib.sha256(body.encode('utf-8')).hexdigest()[:8]}"

    def laws_of(self, jurisdiction: str) -> list[str]:
        """The laws that apply in `jurisdiction` (a marketplace or country code); [] when unmapped."""
        return self.jurisdictions.get(jurisdiction.strip().upper(), [])


def load_regulations(path: Path = DEFAULT_REGULATIONS) -> Regulations:
    """The regulations file, validated; a `UserError` names the file, line and key."""
    return load_yaml_model(path, Regulations, "regulations file")
