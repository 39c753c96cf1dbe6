"""`auditor check-labels`: check human labels against the guidelines, then measure the annotators.

Writes `labelqa.json` (everything) and `labelqa.md` (the report) to the output directory.
The span texts and notes of the labels are never copied into either file: they may hold
personal data.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from auditor.calibration.command import MIN_RESAMPLES
from auditor.calibration.loading import load_human_labels
from auditor.errors import UserError
from auditor.labelqa.agreement import CriterionAgreement, Options, analyse
from auditor.labelqa.guidelines import Guidelines, load_guidelines
from auditor.labelqa.report import to_markdown
from auditor.labelqa.rules import Violation, check_labels, read_responses


@dataclass
class LabelQA:
    inputs: dict[str, str]
    guidelines: str  # name@version
    n_labels: int  # labels that passed every rule
    violations: list[Violation]
    criteria: dict[str, CriterionAgreement]
    files: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[str]:
        return sorted({a for c in self.criteria.values() for a, r in c.annotators.items() if r.flagged})

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["flagged_annotators"] = self.flagged
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def run_check_labels(
    labels: Path,
    items: Path,
    guidelines_path: Path,
    out_dir: Path,
    *,
    gold: Path | None = None,
    options: Options | None = None,
) -> LabelQA:
    options = options or Options()
    if options.n_boot < MIN_RESAMPLES:
        raise UserError(f"n_boot: {options.n_boot} resamples are too few (use at least {MIN_RESAMPLES})")
    guidelines: Guidelines = load_guidelines(guidelines_path)
    responses, item_problems = read_responses(items)
    checked = check_labels(labels, responses, guidelines)
    gold_labels = load_human_labels(gold) if gold is not None else []
    inputs = {"labels": str(labels), "items": str(items), "guidelines": str(guidelines_path)}
    if gold is not None:
        inputs["gold"] = str(gold)
    result = LabelQA(
        inputs=inputs,
        guidelines=guidelines.full_version,
        n_labels=len(checked.labels),
        violations=item_problems + checked.violations,
        criteria=analyse(checked.labels, gold_labels, guidelines, options),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / "labelqa.md", out_dir / "labelqa.json"
    result.files = [str(md), str(js)]
    md.write_text(to_markdown(result.inputs, result.guidelines, result.violations, result.criteria), "utf-8")
    js.write_text(result.to_json(), encoding="utf-8")
    return result
