"""The Markdown report of `auditor check-labels`: broken rules first, then the annotators."""

from __future__ import annotations

from auditor.calibration.bootstrap import Estimate
from auditor.labelqa.agreement import CriterionAgreement
from auditor.labelqa.rules import Violation

MAX_VIOLATIONS_SHOWN = 200


def to_markdown(
    inputs: dict[str, str],
    guidelines: str,
    violations: list[Violation],
    criteria: dict[str, CriterionAgreement],
) -> str:
    lines = ["# Annotation QA", ""]
    lines += [f"- {name}: `{path}`" for name, path in inputs.items()]
    lines += [f"- guidelines version: `{guidelines}`", ""]
    lines += _violations(violations)
    for report in criteria.values():
        lines += _criterion(report)
    return "\n".join(lines) + "\n"


def _violations(violations: list[Violation]) -> list[str]:
    if not violations:
        return ["## Guideline rules", "", "Every label follows the guidelines.", ""]
    lines = ["## Guideline rules", "", f"**{len(violations)} broken rule(s)**: fix these labels first.", ""]
    lines += ["| rule | file | line | field | problem |", "|---|---|---|---|---|"]
    for v in violations[:MAX_VIOLATIONS_SHOWN]:
        lines.append(f"| {v.rule} | {v.file} | {v.line or ''} | {v.field or ''} | {_cell(v.message)} |")
    if len(violations) > MAX_VIOLATIONS_SHOWN:
        lines.append(f"\n{len(violations) - MAX_VIOLATIONS_SHOWN} more in labelqa.json.")
    return [*lines, ""]


def _criterion(report: CriterionAgreement) -> list[str]:
    key = report.key_statistic
    lines = [f"## {report.criterion} ({report.kind})", ""]
    lines += [
        f"Agreement with the consensus of the other annotators; flagged below the threshold on `{key}`.",
        "",
        f"| annotator | items | {key} with consensus | agreement | offset | gold accuracy | flagged |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report.annotators.values():
        offset = "" if r.offset is None else f"{r.offset:+.2f}"
        gold = "" if r.gold_accuracy is None else f"{r.gold_accuracy:.0%} of {r.gold_items}"
        flag = f"**yes**: {r.flag_reason}" if r.flagged else "no"
        lines.append(
            f"| {r.annotator} | {r.n_items} | {_est(r.with_consensus[key])} | "
            f"{_est(r.with_consensus['agreement'])} | {offset} | {gold} | {flag} |"
        )
    lines += ["", f"Pairwise `{key}`:", ""]
    names = list(report.annotators)
    lines += ["| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for a in names:
        others = report.annotators[a].with_others
        cells = ["—" if b == a else _est(others[b][key]) for b in names]
        lines.append(f"| {a} | " + " | ".join(cells) + " |")
    lines += ["", f"Items for adjudication: {len(report.adjudicate)}", ""]
    for entry in report.adjudicate:
        lines.append(f"- `{entry['item_id']}`: {entry['why']} ({entry['values']})")
    return [*lines, ""]


def _est(e: Estimate) -> str:
    if e.value is None:
        return f"— ({e.reason})"
    ci = "" if e.ci95 is None else f" [{e.ci95[0]:.2f}, {e.ci95[1]:.2f}]"
    return f"{e.value:.2f}{ci}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
