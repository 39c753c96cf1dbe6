"""`auditor calibrate`: read verdicts and human labels, compare, write the report files.

Files written to `out_dir`: `calibration.json` (everything), `calibration.md` (the
report), `thresholds.json` (pre-labelling thresholds for routing; not for pairwise
judges, which carry no confidence) and PNG figures: `agreement_<criterion>.png`,
`confusion_<criterion>_<judge>.png`, `reliability_<criterion>_<judge>.png`, or
`pairwise.png`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from auditor.calibration.analysis import Options, analyse, unmatched_notes
from auditor.calibration.compare import Settings
from auditor.calibration.loading import (
    PairwiseLabel,
    is_pairwise,
    load_human_labels,
    load_pairwise_labels,
    load_pairwise_verdicts,
    load_verdicts,
)
from auditor.calibration.pairwise import analyse_pairwise
from auditor.calibration.plots import plot_criterion, plot_pairwise
from auditor.calibration.report import to_markdown
from auditor.calibration.result import CalibrationResult
from auditor.errors import UserError
from auditor.thresholds import DEFAULT_TARGET, Target, Thresholds
from auditor.types import HumanLabel

L = TypeVar("L", HumanLabel, PairwiseLabel)

MIN_RESAMPLES = 100


def run_calibration(
    verdicts: Path,
    human: Path,
    out_dir: Path,
    *,
    by: Sequence[str] = (),
    seed: int = 0,
    n_boot: int = 1000,
    pairwise: bool = False,
    target: Target = DEFAULT_TARGET,
    positive: Mapping[str, str] | None = None,
    exclude_annotators: Sequence[str] = (),
    system: str | None = None,
) -> CalibrationResult:
    """Compare judges with humans and write the report files to `out_dir`.

    `verdicts` is a run directory, its records.jsonl, or a JSONL of external verdicts
    (pairwise verdicts when `pairwise`, or when its first line is one); `human` a JSONL or
    CSV of human labels. `by`
    names item-metadata fields to slice by; `target` is what auto-accepted verdicts must
    reach for a pre-labelling threshold; `positive` names the failure label of binary
    criteria whose labels do not make it clear (criterion -> label). `exclude_annotators`
    leaves those annotators' labels out (the report says so). `system` chooses the target
    whose answers are calibrated in a run with several (a run with one needs no choice);
    the result names it (`settings["system"]`).
    """
    if n_boot < MIN_RESAMPLES:
        raise UserError(f"n_boot: {n_boot} resamples are too few for a 95% CI (use at least {MIN_RESAMPLES})")
    settings = Settings(n_boot=n_boot, seed=seed)
    notes = []
    if not pairwise and is_pairwise(verdicts):
        pairwise = True
        notes.append("pairwise verdicts (winner, swapped) recognised on the first line of the verdicts")
    config = {
        "seed": seed,
        "n_boot": n_boot,
        "by": list(by),
        "pairwise": pairwise,
        "target": {"metric": target.metric, "value": target.value},
        "positive": dict(positive or {}),
        "exclude_annotators": sorted(exclude_annotators),
    }
    if pairwise:
        result = CalibrationResult(
            inputs={"verdicts": str(verdicts), "human": str(human)},
            settings=config,
            pairwise=analyse_pairwise(
                load_pairwise_verdicts(verdicts),
                _without(load_pairwise_labels(human), exclude_annotators, human, notes),
                settings,
            ),
            notes=notes,
        )
    else:
        verdict_set = load_verdicts(verdicts, system)
        config["system"] = verdict_set.target
        if verdict_set.target is not None:
            notes.append(
                f"the judges' verdicts on the answers of target '{verdict_set.target}' were calibrated"
            )
        labels = _without(load_human_labels(human), exclude_annotators, human, notes)
        options = Options(settings=settings, by=tuple(by), target=target, positive=dict(positive or {}))
        result = CalibrationResult(
            inputs={"verdicts": str(verdict_set.path), "human": str(human)},
            settings=config,
            criteria=analyse(verdict_set, labels, options),
            notes=notes + unmatched_notes(verdict_set, labels),
        )
    return _write(result, out_dir)


def _without(labels: list[L], excluded: Sequence[str], path: Path, notes: list[str]) -> list[L]:
    """The labels of every annotator not excluded; the note names who was left out."""
    if not excluded:
        return labels
    kept = [label for label in labels if label.annotator not in excluded]
    dropped = len(labels) - len(kept)
    notes.append(f"annotators left out: {', '.join(sorted(excluded))} ({dropped} labels)")
    if not kept:
        raise UserError(f"{path}: no human labels left after leaving out {', '.join(sorted(excluded))}")
    return kept


def _write(result: CalibrationResult, out_dir: Path) -> CalibrationResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    if result.pairwise is not None:
        files.append(plot_pairwise(result.pairwise, out_dir))
    else:
        for report in result.criteria.values():
            files += plot_criterion(report, out_dir)
        found = {name: [j.threshold for j in r.judges.values()] for name, r in result.criteria.items()}
        files.append(Thresholds.of(found).write(out_dir / "thresholds.json"))
    files.append(_write_text(out_dir / "calibration.md", to_markdown(result)))
    json_path = out_dir / "calibration.json"
    files.append(json_path)
    result.files.extend(sorted(files))
    # Written last so that it lists every file, itself included.
    _write_text(json_path, result.to_json())
    return result


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
