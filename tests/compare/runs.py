"""Run directories written by hand: records with chosen outcomes, so every statistic is known."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


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
    (path / "manifest.json").write_text(json.dumps({"config": config, "status": "complete"}))
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
