"""The calibration summary: what `auditor calibrate` wrote to `calibration.json`, read defensively.

Coded against the file as `auditor.calibration` writes it (the result's dataclasses as
JSON): `criteria.<name>` with `kind`, `positive`, `annotators`, `n_labelled_items`,
`ceiling` (annotator against annotator) and `judges.<judge>` holding `vs_reference`
(`n_items`, `statistics.<key>` = `{value, ci95, reason}`, `confusion`, `too_small`)
and `reliability` (`ece`, `bins`). A part that is missing or of another shape is left
out with a note; the report never invents a number the file does not hold.

Judge-human disagreements need each item's human reference: the human-label file named
in `inputs.human` is read and reduced with calibrate's own rule (majority label, mean
score) from `auditor.calibration.criteria`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.calibration.criteria import build_criteria
from auditor.calibration.loading import load_human_labels
from auditor.calibration.scale import format_value, round_half_up
from auditor.errors import UserError
from auditor.report.failures import HumanOutcome

CALIBRATION_FILE = "calibration.json"
# The statistics shown per criterion kind, in this order, where the file has them.
SCORE_STATS = ("agreement", "kappa_quadratic", "spearman", "mae")
LABEL_STATS = ("agreement", "cohen_kappa", "gwet_ac1", "precision", "recall", "f1")
HEADLINE = {"score": "kappa_quadratic", "label": "cohen_kappa"}


@dataclass(frozen=True)
class Stat:
    key: str
    title: str
    value: float | None
    ci95: tuple[float, float] | None
    reason: str | None


@dataclass(frozen=True)
class ReliabilityBin:
    lower: float
    upper: float
    n: int
    confidence: float | None
    accuracy: float | None


@dataclass(frozen=True)
class JudgeCalibration:
    judge: str
    n_items: int | None
    too_small: str | None
    stats: list[Stat]
    confusion: list[list[int]] | None
    ece: Stat | None
    bins: list[ReliabilityBin]


@dataclass(frozen=True)
class CriterionCalibration:
    criterion: str
    kind: str
    categories: list[str]
    positive: str | None
    annotators: list[str]
    n_labelled: int | None
    ceiling: list[Stat]
    ceiling_items: int | None
    judges: list[JudgeCalibration]

    @property
    def headline(self) -> str:
        return HEADLINE.get(self.kind, "agreement")

    @property
    def columns(self) -> list[tuple[str, str]]:
        """(key, title) of every statistic a judge or the ceiling has, in display order."""
        seen: dict[str, str] = {}
        for stats in [*(j.stats for j in self.judges), self.ceiling]:
            for st in stats:
                seen.setdefault(st.key, st.title)
        order = SCORE_STATS if self.kind == "score" else LABEL_STATS
        return sorted(seen.items(), key=lambda kv: order.index(kv[0]))


@dataclass(frozen=True)
class Calibration:
    path: Path
    criteria: list[CriterionCalibration]
    notes: list[str] = field(default_factory=list)
    human_path: Path | None = None


def read_calibration(directory: Path) -> Calibration:
    """The calibration summary in `directory`; a missing or unreadable file is a `UserError`."""
    path = directory / CALIBRATION_FILE if directory.is_dir() else directory
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no calibration found (run `auditor calibrate` first)") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: not a readable calibration file: {exc}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a JSON object")
    notes = [str(n) for n in _list(data.get("notes"))]
    titles = {str(k): str(v) for k, v in _dict(data.get("statistics")).items()}
    criteria = []
    for name, raw in _dict(data.get("criteria")).items():
        if isinstance(raw, dict):
            criteria.append(_criterion(str(name), raw, titles))
        else:
            notes.append(f"criterion '{name}': not in the expected shape; left out")
    if not criteria:
        notes.append(f"{path.name} holds no per-criterion results (a pairwise calibration is not summarised)")
    human = _dict(data.get("inputs")).get("human")
    return Calibration(
        path, criteria, notes, _resolve(human, path.parent) if isinstance(human, str) else None
    )


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


def _criterion(name: str, raw: dict[str, Any], titles: Mapping[str, str]) -> CriterionCalibration:
    kind = str(raw.get("kind") or "label")
    keys = SCORE_STATS if kind == "score" else LABEL_STATS
    judges = [
        _judge(str(judge), body, keys, titles)
        for judge, body in _dict(raw.get("judges")).items()
        if isinstance(body, dict)
    ]
    positive = raw.get("positive")
    return CriterionCalibration(
        criterion=name,
        kind=kind,
        categories=[str(c) for c in _list(raw.get("categories"))],
        positive=str(positive) if positive is not None else None,
        annotators=[str(a) for a in _list(raw.get("annotators"))],
        n_labelled=_int(raw.get("n_labelled_items")),
        ceiling=_stats(_dict(_dict(raw.get("ceiling")).get("statistics")), keys, titles),
        ceiling_items=_int(_dict(raw.get("ceiling")).get("n_items")),
        judges=judges,
    )


def _judge(
    name: str, raw: dict[str, Any], keys: tuple[str, ...], titles: Mapping[str, str]
) -> JudgeCalibration:
    reference = _dict(raw.get("vs_reference"))
    reliability = _dict(raw.get("reliability"))
    confusion = reference.get("confusion")
    ece = _stat("ece", "Expected calibration error", reliability.get("ece")) if reliability else None
    return JudgeCalibration(
        judge=name,
        n_items=_int(reference.get("n_items")),
        too_small=str(reference["too_small"]) if reference.get("too_small") else None,
        stats=_stats(_dict(reference.get("statistics")), keys, titles),
        confusion=_matrix(confusion),
        ece=ece,
        bins=[b for b in (_bin(x) for x in _list(reliability.get("bins"))) if b is not None],
    )


def _stats(raw: Mapping[str, Any], keys: tuple[str, ...], titles: Mapping[str, str]) -> list[Stat]:
    found = (_stat(k, titles.get(k, k), raw[k]) for k in keys if k in raw)
    return [s for s in found if s is not None]


def _stat(key: str, title: str, raw: object) -> Stat | None:
    if not isinstance(raw, dict):
        return None
    ci = raw.get("ci95")
    interval = None
    if isinstance(ci, list) and len(ci) == 2 and all(_number(x) is not None for x in ci):
        interval = (float(ci[0]), float(ci[1]))
    reason = raw.get("reason")
    return Stat(key, title, _number(raw.get("value")), interval, str(reason) if reason else None)


def _bin(raw: object) -> ReliabilityBin | None:
    if not isinstance(raw, dict):
        return None
    lower, upper, n = _number(raw.get("lower")), _number(raw.get("upper")), _int(raw.get("n"))
    if lower is None or upper is None or n is None:
        return None
    return ReliabilityBin(lower, upper, n, _number(raw.get("mean_confidence")), _number(raw.get("accuracy")))


def _matrix(raw: object) -> list[list[int]] | None:
    if not isinstance(raw, list) or not raw:
        return None
    rows = []
    for row in raw:
        if not isinstance(row, list) or not all(isinstance(x, int) for x in row):
            return None
        rows.append([int(x) for x in row])
    return rows if all(len(r) == len(rows) for r in rows) else None


def _resolve(path: str, calibration_dir: Path) -> Path:
    # calibrate records the path as it was given; relative to where it ran, usually the project root.
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    beside = calibration_dir / candidate.name
    return beside if beside.exists() else candidate


def _dict(raw: object) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {}


def _list(raw: object) -> list[Any]:
    return raw if isinstance(raw, list) else []


def _number(raw: object) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        return None
    return float(raw)


def _int(raw: object) -> int | None:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
