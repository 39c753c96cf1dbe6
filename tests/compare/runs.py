"""Run directories written by hand: records with chosen outcomes, so every statistic is known."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.manifest import Manifest
from auditor.rundir import RunDir


def write_run(
    path: Path,
    name: str,
    outcomes: dict[str, tuple[bool | None, float | None]],
    *,
    criterion: str = "accuracy",
    metadata: dict[str, dict[str, Any]] | None = None,
    acceptance: list[dict[str, Any]] | None = None,
) -> Path:
    """A run named `name` whose items have these (passed, score) outcomes on one criterion."""
    path.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {"name": name}
    if acceptance is not None:
        config["acceptance"] = acceptance
    # A hand-written run has no input file: the manifest names a placeholder (compare never reads it).
    manifest = {"config": config, "status": "complete", "input": {"path": "items.jsonl", "sha256": "0" * 64}}
    RunDir(path).write_manifest(Manifest.model_validate(manifest))
    with (path / "records.jsonl").open("w") as handle:
        for item_id, (passed, score) in outcomes.items():
            verdict = {
                "judge": f"{criterion}_judge",
                "criterion": criterion,
                "passed": passed,
                "score": score,
                "provenance": {"backend": "baseline"},
            }
            record = {
                "item_id": item_id,
                "verdicts": [verdict],
                "consensus": [{"criterion": criterion, "passed": passed, "score": score}],
                "route": {"decision": "auto_accept"},
                "metadata": (metadata or {}).get(item_id, {}),
            }
            handle.write(json.dumps(record) + "\n")
    return path
