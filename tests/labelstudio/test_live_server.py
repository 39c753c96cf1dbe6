"""The round trip through a real Label Studio server, over its REST API.

Export a run's review queue, create a project from auditor's labeling_config.xml, import
the tasks with their predictions, submit the consensus pre-labels as annotations with a
known number of ratings changed, export the project as JSON, then `auditor import-labels`
and `auditor calibrate`: the agreement reported is exactly what those edits leave.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.cli import main
from auditor.labelstudio import export_run
from auditor.labelstudio.tasks import CONSENSUS_VERSION
from tests.labelstudio import annotate
from tests.labelstudio.runs import seller_cases, write_run
from tests.labelstudio.server import LabelStudio, label_studio

pytestmark = pytest.mark.slow

# item -> (control, the annotator's value): each differs from what the judge said.
EDITS = {
    "leak-email": ("accuracy", {"rating": 4}),
    "chat-fail": ("accuracy", {"rating": 2}),
    "inject": ("relevance", {"rating": 2}),
    "leak-emoji": ("pii_leakage", {"choices": ["no_leak"]}),
}
JUDGE_OF = {"accuracy": "accuracy_llm", "relevance": "relevance_baseline", "pii_leakage": "pii"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabelStudio]:
    with label_studio(tmp_path_factory.mktemp("label-studio")) as running:
        yield running


def import_tasks(server: LabelStudio, out: Path) -> int:
    """A project from auditor's config, with every exported task and prediction imported."""
    config = (out / "labeling_config.xml").read_text("utf-8")
    project: dict[str, Any] = server.call(
        "POST", "/api/projects", {"title": "auditor", "label_config": config}
    )
    tasks = json.loads((out / "tasks.json").read_text("utf-8"))
    imported = server.call("POST", f"/api/projects/{project['id']}/import", tasks)
    assert imported["task_count"] == len(tasks)
    assert imported["prediction_count"] == sum(len(t["predictions"]) for t in tasks)
    project_id: int = project["id"]
    return project_id


def annotate_every_task(server: LabelStudio, project: int) -> None:
    """Submit each task's consensus prediction, as stored by the server, with EDITS applied."""
    listed = server.call("GET", f"/api/tasks?project={project}&page_size=100")["tasks"]
    for summary in listed:
        task = server.call("GET", f"/api/tasks/{summary['id']}")
        (consensus,) = [p for p in task["predictions"] if p["model_version"] == CONSENSUS_VERSION]
        annotation = {"result": consensus["result"], "was_cancelled": False}
        if task["data"]["item_id"] in EDITS:
            control, value = EDITS[task["data"]["item_id"]]
            annotate.set_value(annotation, control, value)
        server.call("POST", f"/api/tasks/{task['id']}/annotations", annotation)


def test_real_label_studio_round_trip_reports_the_agreement_the_edits_left(
    server: LabelStudio, tmp_path: Path
) -> None:
    run = write_run(tmp_path / "run", seller_cases())
    exported = export_run(run, tmp_path / "ls", "labelstudio")
    project = import_tasks(server, tmp_path / "ls")
    annotate_every_task(server, project)
    export = server.call("GET", f"/api/projects/{project}/export?exportType=JSON")
    assert len(export) == exported.exported
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")

    labels, calibration = tmp_path / "labels.jsonl", tmp_path / "calibration"
    assert main(["import-labels", str(tmp_path / "export.json"), "--out", str(labels)]) == 0
    assert main(["calibrate", "--verdicts", str(run), "--human", str(labels), "--out", str(calibration),
                 "--n-boot", "100"]) == 0  # fmt: skip

    # Label Studio's JSON export names the annotator by user id only (`completed_by: 1`).
    user = f"ls-user-{server.call('GET', '/api/current-user/whoami')['id']}"
    report = json.loads((calibration / "calibration.json").read_text("utf-8"))
    # Five tasks; the "unscored" item has no accuracy verdict, so its rating is not compared.
    given = {
        "accuracy": exported.exported - 1,
        "relevance": exported.exported,
        "pii_leakage": exported.exported,
    }
    for criterion, judge in JUDGE_OF.items():
        (vs_annotator,) = report["criteria"][criterion]["judges"][judge]["vs_annotators"].items()
        annotator, comparison = vs_annotator
        changed = sum(control == criterion for control, _ in EDITS.values())
        assert annotator == user
        assert comparison["n_items"] == given[criterion], criterion
        assert comparison["statistics"]["agreement"]["value"] == pytest.approx(
            (given[criterion] - changed) / given[criterion]
        ), criterion
