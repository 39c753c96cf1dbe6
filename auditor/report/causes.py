"""The template text of findings found offline: `templates/causes.yaml`, loaded and checked.

An entry is looked up by what the group is made of: an error tag (`pii:*` tags share
the `pii` entry), else the kind of failure (unscored, missed, false alarm), else the
criterion. Loading names every unknown variable and every missing field, so a typo in
the file fails the first report rather than printing a stray brace to stakeholders.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from auditor.errors import UserError

CAUSES_FILE = Path(__file__).parent / "templates" / "causes.yaml"
FIELDS = ("title", "cause", "recommendation")
VARIABLES = frozenset({"count", "items", "criterion", "tag", "entity", "entities", "severity", "judges"})
SECTIONS = ("tags", "kinds", "criteria")
FALLBACK = "_other"
PII_PREFIX = "pii:"


@dataclass(frozen=True)
class CauseText:
    title: str
    cause: str
    recommendation: str

    def fill(self, **values: str) -> CauseText:
        return CauseText(*(getattr(self, f).format(**values) for f in FIELDS))


@dataclass(frozen=True)
class Causes:
    version: str
    tags: dict[str, CauseText]
    kinds: dict[str, CauseText]
    criteria: dict[str, CauseText]

    def for_tag(self, tag: str) -> CauseText:
        key = "pii" if tag.startswith(("pii-severity:", PII_PREFIX)) else tag
        return self.tags.get(key, self.tags[FALLBACK])

    def for_kind(self, kind: str) -> CauseText:
        return self.kinds[kind]

    def for_criterion(self, criterion: str) -> CauseText:
        return self.criteria.get(criterion, self.criteria[FALLBACK])


@cache
def load_causes(path: Path = CAUSES_FILE) -> Causes:
    """Read and check the causes file; every problem is named with its entry and field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"{path}: cannot read the causes file: {exc}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping with {', '.join(SECTIONS)}")
    problems: list[str] = []
    sections = {name: _section(data.get(name), name, problems) for name in SECTIONS}
    for name in ("tags", "criteria"):
        if FALLBACK not in sections[name]:
            problems.append(f"{name}: needs a '{FALLBACK}' entry")
    for kind in ("unscored", "missed", "false_alarm"):
        if kind not in sections["kinds"]:
            problems.append(f"kinds: needs a '{kind}' entry")
    if problems:
        raise UserError(f"{path}: " + "; ".join(problems))
    return Causes(version=str(data.get("version", "")), **sections)


def _section(raw: object, name: str, problems: list[str]) -> dict[str, CauseText]:
    if not isinstance(raw, dict):
        problems.append(f"'{name}' must be a mapping of entries")
        return {}
    out = {}
    for key, entry in raw.items():
        where = f"{name}.{key}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping with {', '.join(FIELDS)}")
            continue
        missing = [f for f in FIELDS if not isinstance(entry.get(f), str)]
        extra = sorted(set(entry) - set(FIELDS))
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
        if extra:
            problems.append(f"{where}: unknown field {', '.join(extra)}")
        if missing or extra:
            continue
        for field in FIELDS:
            unknown = _variables(entry[field]) - VARIABLES
            if unknown:
                problems.append(f"{where}.{field}: unknown variable {', '.join(sorted(unknown))}")
        out[str(key)] = CauseText(*(entry[f].strip() for f in FIELDS))
    return out


def _variables(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:  # an unmatched brace
        return {f"(bad braces: {exc})"}
