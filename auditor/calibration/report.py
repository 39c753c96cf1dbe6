"""`calibration.json` and `calibration.md`: the same result, for machines and for reviewers.

The JSON is the result's dataclasses as they are. An undefined statistic is `null` with
a `reason` beside it; the JSON is written with NaN forbidden, so a NaN that slipped
through would stop the write rather than produce a file other tools cannot parse.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from auditor.calibration.analysis import CriterionReport, JudgeReport
from auditor.calibration.bootstrap import Estimate
from auditor.calibration.compare import MAX_CI_WIDTH, MIN_ITEMS, Comparison
from auditor.calibration.pairwise import PairwiseResult
from auditor.calibration.result import CalibrationResult
from auditor.calibration.statistics import TITLES

MAX_LISTED = 50  # disagreement rows shown in Markdown; the JSON has them all


def to_json(result: CalibrationResult) -> str:
    """The whole result as JSON text (NaN is an error, not a value)."""
    data = {"statistics": TITLES, **dataclasses.asdict(result)}
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=_plain) + "\n"


def _plain(value: object) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_markdown(result: CalibrationResult) -> str:
    """A report a reviewer can read top to bottom."""
    s = result.settings
    lines = [
        "# Calibration: judges against human labels",
        "",
        f"Verdicts: `{result.inputs['verdicts']}`. Human labels: `{result.inputs['human']}`.",
        f"Intervals: 95% percentile bootstrap over items, {s['n_boot']} resamples, seed {s['seed']}. "
        f"A comparison is *too small* below {MIN_ITEMS} items or when its agreement CI is wider "
        f"than {MAX_CI_WIDTH:.2f}; it is shown, marked, not hidden.",
        "",
    ]
    if result.notes:
        lines += ["## Notes", "", *[f"- {n}" for n in result.notes], ""]
    if result.criteria:
        lines += _summary(result.criteria.values())
    for report in result.criteria.values():
        lines += _criterion(report)
    if result.pairwise is not None:
        lines += _pairwise(result.pairwise)
    return "\n".join(lines).rstrip() + "\n"


def fmt(e: Estimate, digits: int = 3) -> str:
    if e.value is None:
        return f"— ({e.reason})"
    text = f"{e.value:.{digits}f}"
    if e.ci95 is not None:
        text += f" [{e.ci95[0]:.{digits}f}, {e.ci95[1]:.{digits}f}]"
    elif e.reason:
        text += f" ({e.reason})"
    return text


def _headline(report: CriterionReport) -> str:
    return "kappa_quadratic" if report.kind == "score" else "cohen_kappa"


def _summary(reports: Iterable[CriterionReport]) -> list[str]:
    lines = [
        "## Summary",
        "",
        "| criterion | judge | n | agreement | kappa | humans' kappa | unscored |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        key = _headline(r)
        ceiling = _stat(r.ceiling, key)
        for judge, jr in r.judges.items():
            c = jr.vs_reference
            lines.append(
                f"| {r.criterion} | {judge} | {c.n_items}{' (too small)' if c.too_small else ''} | "
                f"{_stat(c, 'agreement')} | {_stat(c, key)} | {ceiling} | {jr.counts.n_unscored} |"
            )
    kappa = "quadratic-weighted for scores, unweighted for labels"
    return [*lines, "", f"kappa: Cohen's kappa, {kappa}; agreement: exact.", ""]


def _stat(c: Comparison | None, key: str) -> str:
    if c is None or key not in c.statistics:
        return "—"
    return fmt(c.statistics[key], 2)


def _criterion(r: CriterionReport) -> list[str]:
    scale = "scores" if r.kind == "score" else "labels"
    lines = [f"## {r.criterion} ({scale}: {', '.join(r.categories)})", ""]
    lines.append(f"- Reference: {r.reference_rule}.")
    lines.append(f"- Annotators: {', '.join(r.annotators)}; labelled items: {r.n_labelled_items}.")
    if r.positive is not None:
        lines.append(
            f"- Positive class (the failure): **{r.positive}** ({r.positive_source}). "
            f"Precision, recall (TPR), F1 and TNR treat '{r.positive}' as positive."
        )
    lines += [f"- {n}" for n in r.notes]
    lines.append("")
    for jr in r.judges.values():
        lines += _judge(r, jr)
    if not r.judges and r.ceiling is not None:
        lines += ["No judge gave verdicts on this criterion; the humans' agreement:", ""]
        lines += _comparison_table([r.ceiling], [f"humans: {r.ceiling.rater}"])
    lines += _disagreements(r)
    return lines


def _judge(r: CriterionReport, jr: JudgeReport) -> list[str]:
    k = jr.counts
    reasons = "; ".join(f"{why} ({n})" for why, n in k.unscored_reasons.items())
    lines = [
        f"### {r.criterion} — judge `{jr.judge}`",
        "",
        f"{k.n_verdicts} verdicts: {k.n_unscored} unscored{f' ({reasons})' if reasons else ''}, "
        f"{k.n_without_value} without a {'score' if r.kind == 'score' else 'label'}, "
        f"{k.n_without_human_label} on items nobody labelled, {k.n_without_reference} on items without a "
        f"human majority; compared on {k.n_compared} items.",
        "",
    ]
    lines += [f"- {n}" for n in jr.notes]
    columns = [jr.vs_reference, *jr.vs_annotators.values()]
    headers = [f"vs {c.reference}" for c in columns]
    if r.ceiling is not None:
        columns.append(r.ceiling)
        headers.append(f"humans: {r.ceiling.rater} (ceiling)")
    lines += _comparison_table(columns, headers)
    lines += _too_small_notes(columns)
    if jr.vs_reference.confusion is not None and jr.vs_reference.n_items:
        rows = jr.vs_reference.reference + (" rounded half up" if r.kind == "score" else "")
        lines += _confusion(r.categories, jr.vs_reference, rows)
    for name in dict.fromkeys(s.field for s in jr.slices):
        lines += _slices(r, name, [s for s in jr.slices if s.field == name])
    lines += _reliability(jr) + _prevalence(jr) + _threshold(jr)
    return lines


def _comparison_table(columns: list[Comparison], headers: list[str]) -> list[str]:
    keys = list(dict.fromkeys(k for c in columns for k in c.statistics))
    lines = [
        "| statistic | " + " | ".join(headers) + " |",
        "|---|" + "---|" * len(headers),
        "| items | " + " | ".join(str(c.n_items) for c in columns) + " |",
    ]
    for key in keys:
        cells = [fmt(c.statistics[key]) if key in c.statistics else "—" for c in columns]
        lines.append(f"| {TITLES[key]} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _too_small_notes(columns: list[Comparison]) -> list[str]:
    notes = [f"- *{c.rater} vs {c.reference}*: {c.note}" for c in columns if c.note]
    notes += [f"- *{c.rater} vs {c.reference}* is too small: {c.too_small}" for c in columns if c.too_small]
    return [*notes, ""] if notes else []


def _confusion(categories: list[str], c: Comparison, rows: str) -> list[str]:
    assert c.confusion is not None
    lines = [
        f"Confusion matrix (rows: {rows}, columns: {c.rater}):",
        "",
        "| | " + " | ".join(categories) + " |",
        "|---|" + "---|" * len(categories),
    ]
    lines += [
        f"| **{cat}** | " + " | ".join(str(n) for n in row) + " |"
        for cat, row in zip(categories, c.confusion, strict=True)
    ]
    return [*lines, ""]


def _slices(r: CriterionReport, name: str, slices: list[Any]) -> list[str]:
    third = ("f1", "F1") if r.positive else ("mae", "MAE") if r.kind == "score" else ("gwet_ac1", "AC1")
    key = _headline(r)
    lines = [
        f"Slices by `{name}`:",
        "",
        f"| {name} | n | agreement | kappa | {third[1]} | status |",
        "|---|---|---|---|---|---|",
    ]
    for s in slices:
        c = s.comparison
        status = f"too small: {c.too_small}" if c.too_small else (c.note or "ok")
        cells = [s.value, str(c.n_items), _stat(c, "agreement"), _stat(c, key), _stat(c, third[0]), status]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _reliability(jr: JudgeReport) -> list[str]:
    rel = jr.reliability
    if rel is None:
        return []
    lines = [
        f"Confidence calibration ({rel.n} verdicts with a confidence and a human reference; "
        f"correct = equal to the reference): expected calibration error {fmt(rel.ece)}.",
        "",
        "| confidence | n | mean confidence | share correct |",
        "|---|---|---|---|",
    ]
    for b in rel.bins:
        if b.n:
            lines.append(
                f"| {b.lower:.1f}–{b.upper:.1f} | {b.n} | {b.mean_confidence:.3f} | {b.accuracy:.3f} |"
            )
    return [*lines, ""]


def _prevalence(jr: JudgeReport) -> list[str]:
    p = jr.prevalence
    if p is None:
        return []
    return [
        f"Failure rate ('{p.positive}'): judged {fmt(p.observed)} over {p.n_judged} verdicts; "
        f"corrected for the judge's TPR {fmt(p.tpr)} and TNR {fmt(p.tnr)} (measured on {p.n_labelled} "
        f"labelled items, Rogan-Gladen): {fmt(p.corrected)}. "
        f"Humans on the labelled items: {fmt(p.human_rate)}.",
        "",
    ]


def _threshold(jr: JudgeReport) -> list[str]:
    t = jr.threshold
    goal = f"{t.target.metric} >= {t.target.value:g}"
    if t.min_confidence is None:
        return [f"Pre-labelling threshold ({goal}): none — {t.reason}.", ""]
    share = f"{t.auto_accept_share:.0%}" if t.auto_accept_share is not None else "—"
    text = (
        f"Pre-labelling threshold ({goal}): confidence >= {t.min_confidence:g} reaches {t.achieved:.3f} and "
        f"would auto-accept {t.n_accepted} of {t.n} labelled items ({share})."
    )
    return [text + (f" Note: {t.reason}." if t.reason else ""), ""]


def _disagreements(r: CriterionReport) -> list[str]:
    if not r.disagreements:
        return ["No item where the annotators disagree.", ""] if len(r.annotators) > 1 else []
    judges = list(r.judges)
    lines = [
        f"### {r.criterion} — items where the humans disagree ({len(r.disagreements)})",
        "",
        "| item | " + " | ".join(r.annotators) + " | reference | " + " | ".join(judges) + " |",
        "|---|" + "---|" * (len(r.annotators) + 1 + len(judges)),
    ]
    for d in r.disagreements[:MAX_LISTED]:
        cells = [d.annotators.get(a, "") for a in r.annotators] + [d.reference or "no majority"]
        cells += [d.judges.get(j, "") for j in judges]
        lines.append(f"| {d.item_id} | " + " | ".join(cells) + " |")
    if len(r.disagreements) > MAX_LISTED:
        lines.append(f"\n… and {len(r.disagreements) - MAX_LISTED} more (all in calibration.json).")
    return [*lines, ""]


def _pairwise(p: PairwiseResult) -> list[str]:
    lines = [
        "## Pairwise judges",
        "",
        f"Annotators: {', '.join(p.annotators)}; labelled items: {p.n_labelled}; human-human agreement "
        f"(the ceiling): {fmt(p.human_agreement)}. Items without a human majority: {len(p.no_majority)}.",
        "",
        "Accuracy is against the human majority winner, averaged over both presentation orders; a tie is "
        "right only when the majority is a tie. Position bias: of the items whose verdict changed with the "
        "order, the share where the first-shown output won both times.",
        "",
        "| judge | items (both orders) | accuracy | accuracy, original order | accuracy, swapped "
        "| agreement with annotators | consistency | position bias | second-shown bias | tie involved "
        "| tie rate |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for judge, j in p.judges.items():
        cells = [
            j.accuracy,
            j.accuracy_unswapped,
            j.accuracy_swapped,
            j.agreement_with_annotators,
            j.consistency,
            j.position_bias,
            j.second_shown_bias,
            j.tie_involved,
            j.tie_rate,
        ]
        lines.append(
            f"| {judge} | {j.n_items} ({j.n_both_orders}) | " + " | ".join(fmt(c, 2) for c in cells) + " |"
        )
    if p.disagreements:
        lines += ["", f"Items where the humans disagree ({len(p.disagreements)}):", ""]
        for item, by in list(p.disagreements.items())[:MAX_LISTED]:
            lines.append(f"- {item}: " + ", ".join(f"{a}: {w}" for a, w in by.items()))
    return [*lines, ""]
