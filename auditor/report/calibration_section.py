"""The calibration summary in the report: `calibration.json` read with calibrate's own model.

What the report shows of it: per criterion, the statistics of its kind (in `SCORE_STATS`
or `LABEL_STATS` order) for each judge against the human reference and for the human
ceiling, and each judge's expected calibration error. A file of another shape is a
`UserError` naming the field (`CalibrationResult.read`).

Judge-human disagreements need each item's human reference: the human-label file named
in `inputs.human` is read and reduced with calibrate's own rule (majority label, mean
score) from `auditor.calibration.criteria`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.calibration.analysis import CriterionReport
from auditor.calibration.criteria import build_criteria
from auditor.calibration.loading import load_human_labels
from auditor.calibration.result import CalibrationResult
from auditor.calibration.scale import format_value, round_half_up
from auditor.calibration.statistics import TITLES
from auditor.report.failures import HumanOutcome

# The statistics shown per criterion kind, in this order, where the file has them.
SCORE_STATS = ("agreement", "kappa_quadratic", "spearman", "mae")
LABEL_STATS = ("agreement", "cohen_kappa", "gwet_ac1", "precision", "recall", "f1")
HEADLINE = {"score": "kappa_quadratic", "label": "cohen_kappa"}


@dataclass(frozen=True)
class Calibration:
    path: Path
    result: CalibrationResult
    notes: list[str] = field(default_factory=list)
    human_path: Path | None = None

    @property
    def criteria(self) -> list[CriterionReport]:
        return list(self.result.criteria.values())

    @property
    def system(self) -> str | None:
        """The target whose answers were calibrated (None: a run without targets)."""
        system = self.result.settings.get("system")
        return system if isinstance(system, str) else None


def read_calibration(directory: Path) -> Calibration:
    """The calibration summary in `directory`; a missing or unreadable file is a `UserError`."""
    path = directory / "calibration.json" if directory.is_dir() else directory
    result = CalibrationResult.read(path)
    notes = list(result.notes)
    if not result.criteria:
        notes.append(f"{path.name} holds no per-criterion results (a pairwise calibration is not summarised)")
    human = result.inputs.get("human")
    return Calibration(path, result, notes, _resolve(human, path.parent) if human else None)


def columns(report: CriterionReport) -> list[tuple[str, str]]:
    """(key, title) of every shown statistic a judge or the ceiling has, in display order."""
    comparisons = [j.vs_reference for j in report.judges.values()]
    if report.ceiling is not None:
        comparisons.append(report.ceiling)
    order = SCORE_STATS if report.kind == "score" else LABEL_STATS
    return [(k, TITLES[k]) for k in order if any(k in c.statistics for c in comparisons)]


def headline(report: CriterionReport) -> str:
    return HEADLINE.get(report.kind, "agreement")


def human_outcomes(
    calibration: Calibration, pass_score: float | None
) -> tuple[dict[str, dict[str, HumanOutcome]], str]:
    """Per criterion and item, the human reference and whether it fails the item; and a note.

    A label criterion fails on its failure label (`positive` in the file); a score
    criterion when the reference, rounded half up as calibrate rounds it, is below the
    run's pass mark. Criteria where neither applies are skipped and named in the note.
    """
    if calibration.human_path is None or not calibration.human_path.is_file():
        where = calibration.human_path or "(not named in the file)"
        return {}, f"judge-human disagreements are not listed: the human-label file {where} is not found"
    positive = {c.criterion: c.positive for c in calibration.criteria if c.positive}
    data = build_criteria([], load_human_labels(calibration.human_path), positive)
    out: dict[str, dict[str, HumanOutcome]] = {}
    skipped = []
    for name, crit in data.items():
        if crit.scale.kind == "score" and pass_score is not None:
            out[name] = {
                item: HumanOutcome(format_value(float(v)), round_half_up(float(v)) < pass_score)
                for item, v in crit.reference.items()
            }
        elif crit.scale.kind == "label" and crit.scale.positive is not None:
            out[name] = {
                item: HumanOutcome(str(v), v == crit.scale.positive) for item, v in crit.reference.items()
            }
        else:
            skipped.append(name)
    note = f"human references read from {calibration.human_path}"
    if skipped:
        note += f"; no pass/fail rule for {', '.join(skipped)}, so no disagreements there"
    return out, note


def _resolve(path: str, calibration_dir: Path) -> Path:
    # calibrate records the path as it was given; relative to where it ran, usually the project root.
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    beside = calibration_dir / candidate.name
    return beside if beside.exists() else candidate
