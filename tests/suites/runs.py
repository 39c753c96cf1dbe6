"""Run directories with derived records written by hand, so every robustness figure is known."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.manifest import Manifest
from auditor.rundir import RunDir

Outcomes = dict[str, tuple[bool | None, float | None]]  # criterion -> (passed, score)


def record(
    item_id: str,
    outcomes: Outcomes,
    *,
    parent: str | None = None,
    suite: str | None = None,
    cues: dict[str, str] | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "parent_id": parent,
        "suite": {"name": suite, "variant": item_id.rsplit(".", 1)[-1], "cues": cues or {}}
        if suite
        else None,
        "verdicts": [
            {
                "judge": f"{c}_judge",
                "criterion": c,
                "passed": p,
                "score": s,
                "provenance": {"backend": "baseline"},
            }
            for c, (p, s) in outcomes.items()
        ],
        "consensus": [{"criterion": c, "passed": p, "score": s} for c, (p, s) in outcomes.items()],
        "route": {"decision": "auto_accept"},
        "metadata": metadata or {},
    }


def write_run(path: Path, records: list[dict[str, Any]], config: dict[str, Any]) -> Path:
    """A run directory holding `records`, its manifest's config `config`."""
    path.mkdir(parents=True, exist_ok=True)
    manifest = {"config": config, "status": "complete", "input": {"path": "items.jsonl", "sha256": "0" * 64}}
    RunDir(path).write_manifest(Manifest.model_validate(manifest))
    (path / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
