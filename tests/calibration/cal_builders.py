"""Small builders for calibration tests: verdicts, records and label files written in code."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from auditor.calibration.compare import Comparison, Settings, compare
from auditor.calibration.scale import label_scale, score_scale
from auditor.types import AuditRecord, Provenance, Route, Verdict

PROVENANCE = Provenance(backend="baseline")


def verdict(
    judge: str,
    criterion: str,
    *,
    score: float | None = None,
    label: str | None = None,
    confidence: float | None = None,
    passed: bool | None = None,
    unscored: str | None = None,
) -> Verdict:
    if unscored is not None:
        return Verdict.unscored(judge, criterion, unscored, PROVENANCE)
    return Verdict(
        judge=judge,
        criterion=criterion,
        score=score,
        label=label,
        confidence=confidence,
        passed=passed,
        provenance=PROVENANCE,
    )


def record(item_id: str, verdicts: Sequence[Verdict], **metadata: Any) -> AuditRecord:
    return AuditRecord(
        item_id=item_id, verdicts=list(verdicts), route=Route(decision="human_review"), metadata=metadata
    )


def write_records(path: Path, records: Iterable[AuditRecord]) -> Path:
    path.write_text("".join(r.model_dump_json(exclude_none=True) + "\n" for r in records), encoding="utf-8")
    return path


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def compare_scores(judge: Iterable[float], human: Iterable[float], n_boot: int = 200) -> Comparison:
    """The judge against one human on items i0, i1, ... (scores)."""
    judge, human = [float(v) for v in judge], [float(v) for v in human]
    items = [f"i{k}" for k in range(len(judge))]
    scale = score_scale([float(v) for v in judge] + [float(v) for v in human], [])
    x = {i: float(v) for i, v in zip(items, judge, strict=True)}
    y = {i: float(v) for i, v in zip(items, human, strict=True)}
    return compare(("judge", x), ("human", y), scale, Settings(n_boot=n_boot, seed=0))


def compare_labels(
    judge: Sequence[str], human: Sequence[str], positive: str | None = None, n_boot: int = 200
) -> Comparison:
    """The judge against one human on items i0, i1, ... (labels)."""
    items = [f"i{k}" for k in range(len(judge))]
    scale = label_scale(list(judge) + list(human), positive, [])
    x = dict(zip(items, judge, strict=True))
    y = dict(zip(items, human, strict=True))
    return compare(("judge", x), ("human", y), scale, Settings(n_boot=n_boot, seed=0))
