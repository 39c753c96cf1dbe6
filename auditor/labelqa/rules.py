"""The guideline rules, checked line by line: each broken rule names file, line and field.

A line that cannot be read at all (bad JSON, unknown field, no score or label) is a
violation too, and the check goes on with the next line: one bad label never hides the
others. Only labels that pass every rule are used for agreement.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from auditor.io import BadLine, read_items, read_numbered
from auditor.labelqa.guidelines import CriterionRules, Guidelines
from auditor.types import HumanLabel


@dataclass(frozen=True)
class Violation:
    rule: str
    file: str
    line: int | None
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Checked:
    """The labels that passed every rule, and every violation found."""

    labels: list[HumanLabel]
    violations: list[Violation]


def read_responses(path: Path) -> tuple[dict[str, str], list[Violation]]:
    """Each item's response (for span offsets); unreadable item lines are violations."""
    responses: dict[str, str] = {}
    problems: list[Violation] = []
    for entry in read_items(path):
        if isinstance(entry, BadLine):
            e = entry.error
            problems.append(Violation("unreadable_item", str(e.path), e.line, e.field, e.message))
        else:
            responses[entry.id] = entry.response
    return responses, problems


def check_labels(path: Path, responses: dict[str, str], guidelines: Guidelines) -> Checked:
    """Every rule except the per-item annotator count, which needs all lines (see `check_coverage`)."""
    good: list[HumanLabel] = []
    problems: list[Violation] = []
    readable: list[HumanLabel] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for line_no, entry in read_numbered(path, HumanLabel):
        if isinstance(entry, BadLine):
            e = entry.error
            problems.append(Violation("unreadable_label", str(e.path), e.line, e.field, e.message))
            continue
        readable.append(entry)
        found = _line_problems(entry, responses, guidelines)
        key = (entry.item_id, entry.criterion, entry.annotator)
        if key in first_line:
            found.append(
                (
                    "one_label",
                    "annotator",
                    f"second label by this annotator (first on line {first_line[key]})",
                )
            )
        else:
            first_line[key] = line_no
        problems += [Violation(rule, str(path), line_no, field, msg) for rule, field, msg in found]
        if not found:
            good.append(entry)
    problems += check_coverage(path, readable, guidelines)
    return Checked(good, problems)


def _line_problems(
    label: HumanLabel, responses: dict[str, str], guidelines: Guidelines
) -> list[tuple[str, str, str]]:
    if label.item_id not in responses:
        return [("known_item", "item_id", f"item '{label.item_id}' is not in the items file")]
    rules = guidelines.criteria.get(label.criterion)
    if rules is None:
        known = ", ".join(sorted(guidelines.criteria))
        return [("known_criterion", "criterion", f"'{label.criterion}' is not in the guidelines ({known})")]
    if rules.kind == "score":
        return _score_problems(label, rules)
    return _label_problems(label, rules, responses[label.item_id])


def _score_problems(label: HumanLabel, rules: CriterionRules) -> list[tuple[str, str, str]]:
    allowed = ", ".join(f"{s:g}" for s in rules.scores)
    if label.score is None or not math.isfinite(label.score) or label.score not in rules.scores:
        return [("allowed_value", "score", f"{label.score} is not an allowed score ({allowed})")]
    limit = rules.note_at_or_below
    if limit is not None and label.score <= limit and not (label.note or "").strip():
        return [("note_required", "note", f"a score of {label.score:g} (at or below {limit:g}) needs a note")]
    return []


def _label_problems(label: HumanLabel, rules: CriterionRules, response: str) -> list[tuple[str, str, str]]:
    if label.label not in rules.labels:
        return [
            ("allowed_value", "label", f"'{label.label}' is not an allowed label ({', '.join(rules.labels)})")
        ]
    if label.label in rules.spans_required_for and not label.spans:
        return [("spans_required", "spans", f"the label '{label.label}' needs at least one span")]
    out = []
    for n, span in enumerate(label.spans):
        field = f"spans.{n}"
        if not span.start < span.end <= len(response):
            out.append(
                (
                    "span_text",
                    field,
                    f"offsets {span.start}..{span.end} are outside the response ({len(response)} characters)",
                )
            )
        elif span.text is not None and response[span.start : span.end] != span.text:
            out.append(
                (
                    "span_text",
                    f"{field}.text",
                    f"the span's text differs from the response's text at {span.start}..{span.end}",
                )
            )
    return out


def check_coverage(path: Path, labels: list[HumanLabel], guidelines: Guidelines) -> list[Violation]:
    """Every labelled item and criterion needs `annotators_per_item` annotators (readable labels)."""
    who: dict[tuple[str, str], set[str]] = defaultdict(set)
    for label in labels:
        who[(label.item_id, label.criterion)].add(label.annotator)
    need = guidelines.annotators_per_item
    return [
        Violation(
            "annotator_count",
            str(path),
            None,
            "annotator",
            f"item '{item}', criterion '{criterion}': {len(names)} annotator(s) "
            f"({', '.join(sorted(names))}), {need} required",
        )
        for (item, criterion), names in sorted(who.items())
        if len(names) < need
    ]
