"""Simulated annotators: what Label Studio's "JSON" export looks like after people worked.

Each annotator starts from the "auditor consensus" prediction (as with "use predictions
to pre-label" and that model version selected) and submits it, some after edits.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from auditor.labelstudio.tasks import CONSENSUS_VERSION

ANA = {"id": 1, "first_name": "Ana", "last_name": "Ruiz", "email": "ana@audit.example"}
BEN = 2  # older exports give only the user id
CY = {"id": 3, "first_name": "Cy", "last_name": "", "email": "cy@audit.example"}


def prefilled(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The consensus prediction's results, as an annotator who accepts the pre-labels submits."""
    (consensus,) = [p for p in task["predictions"] if p["model_version"] == CONSENSUS_VERSION]
    return copy.deepcopy(consensus["result"])


def ls_export(tasks: list[dict[str, Any]], annotators: list[Any]) -> list[dict[str, Any]]:
    """The tasks as Label Studio exports them once each annotator submitted the pre-labels."""
    out = []
    for n, task in enumerate(tasks):
        task_id = 1000 + n
        annotations = [
            {
                "id": 5000 + 10 * n + k,
                "completed_by": copy.deepcopy(who),
                "result": prefilled(task),
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": "2026-11-30T10:00:00.000000Z",
                "updated_at": "2026-11-30T10:01:00.000000Z",
                "lead_time": 42.5,
                "task": task_id,
                "project": 7,
                "parent_prediction": None,
            }
            for k, who in enumerate(annotators)
        ]
        out.append({"id": task_id, "data": task["data"], "annotations": annotations,
                    "predictions": task["predictions"], "drafts": [], "project": 7})  # fmt: skip
    return out


def annotation(export: list[dict[str, Any]], item_id: str, who: Any) -> dict[str, Any]:
    """The annotation `who` made on the task of `item_id`."""
    task = next(t for t in export if t["data"]["item_id"] == item_id)
    return next(a for a in task["annotations"] if a["completed_by"] == who)


def set_value(ann: dict[str, Any], control: str, value: dict[str, Any]) -> None:
    """Change (or add) the result of a control, as an annotator clicking another star or choice."""
    for region in ann["result"]:
        if region["from_name"] == control:
            region["value"] = value
            return
    kind = {"note": "textarea", "pii_leakage": "choices"}.get(control, "rating")
    ann["result"].append({"id": f"new-{control}", "from_name": control, "to_name": "response",
                          "type": kind, "value": value})  # fmt: skip


def drop(ann: dict[str, Any], control: str, entity: str | None = None) -> None:
    """Remove a control's result (or one PII region by its entity type)."""
    ann["result"] = [
        r
        for r in ann["result"]
        if not (r["from_name"] == control and (entity is None or r["value"]["labels"] == [entity]))
    ]


def write(path: Path, export: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(export, indent=1, ensure_ascii=False), encoding="utf-8")
    return path
