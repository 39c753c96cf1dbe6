"""The acceptance test: export a run, annotate in (simulated) Label Studio, import, compare."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from auditor.calibration import run_calibration
from auditor.io import BadLine, read_models
from auditor.labelstudio import ImportResult, export_run, import_labels
from auditor.rundir import read_records
from auditor.types import HumanLabel
from tests.labelstudio import annotate
from tests.labelstudio.annotate import ANA, BEN, CY
from tests.labelstudio.runs import seller_cases, write_run
from tests.labelstudio.sdk import interface, task_errors


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path / "run", seller_cases())


def read_labels(path: Path) -> list[HumanLabel]:
    labels = list(read_models(path, HumanLabel))
    assert not [x for x in labels if isinstance(x, BadLine)]
    return [x for x in labels if isinstance(x, HumanLabel)]


def judge_values(run_dir: Path) -> dict[tuple[str, str], float | str]:
    """(item, criterion) -> what the judge said, from the run's records."""
    out: dict[tuple[str, str], float | str] = {}
    for record in read_records(run_dir):
        for v in record.verdicts:
            if v.scored:
                value = v.label if v.criterion == "pii_leakage" else v.score
                assert value is not None
                out[(record.item_id, v.criterion)] = value
    return out


def agreement(labels: list[HumanLabel], judges: dict[tuple[str, str], float | str]) -> dict[str, int]:
    """Per criterion: how many human labels equal the judge's value."""
    counts: dict[str, int] = {}
    for label in labels:
        human = label.label if label.criterion == "pii_leakage" else label.score
        counts[label.criterion] = counts.get(label.criterion, 0) + (
            human == judges[(label.item_id, label.criterion)]
        )
    return counts


ANA_ID, BEN_ID = "ana@audit.example", "ls-user-2"
# (annotator, criterion) -> how many of the judge's values the annotator changed below.
EDITS = {(ANA_ID, "accuracy"): 2, (ANA_ID, "pii_leakage"): 1, (BEN_ID, "relevance"): 1}
REVIEW = ["inject", "leak-email", "unscored", "leak-emoji", "chat-fail"]


def annotate_and_import(run_dir: Path, tmp_path: Path) -> ImportResult:
    """Export the review queue, let Ana and Ben (and Cy, who skips) work, import their labels."""
    exported = export_run(run_dir, tmp_path / "ls", "labelstudio")
    assert exported.exported == len(REVIEW)
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text("utf-8"))
    li = interface((tmp_path / "ls" / "labeling_config.xml").read_text("utf-8"))

    export = annotate.ls_export(tasks, [ANA, BEN])
    on = annotate.annotation
    # Ana disagrees on two accuracy scores and one leak decision, and un-marks one region.
    annotate.set_value(on(export, "leak-email", ANA), "accuracy", {"rating": 4})
    annotate.set_value(on(export, "chat-fail", ANA), "accuracy", {"rating": 2})
    annotate.set_value(on(export, "leak-emoji", ANA), "pii_leakage", {"choices": ["no_leak"]})
    annotate.drop(on(export, "leak-emoji", ANA), "pii_spans", "ORDER_ID")
    annotate.set_value(on(export, "inject", ANA), "note", {"text": ["tries to steer the judge"]})
    # Ben disagrees on one relevance score and leaves one accuracy score out.
    annotate.set_value(on(export, "inject", BEN), "relevance", {"rating": 2})
    annotate.drop(on(export, "leak-emoji", BEN), "accuracy")
    # Cy skips a task: Label Studio keeps it as a cancelled annotation.
    chat = next(t for t in export if t["data"]["item_id"] == "chat-fail")
    chat["annotations"].append({"id": 9999, "completed_by": CY, "result": [], "was_cancelled": True})
    for task in export:
        assert task_errors(li, task) == [], task["data"]["item_id"]
    return import_labels(annotate.write(tmp_path / "export.json", export), tmp_path / "labels.jsonl")


def test_labelstudio_round_trip_gives_back_exactly_the_annotators_edits(
    run_dir: Path, tmp_path: Path
) -> None:
    result = annotate_and_import(run_dir, tmp_path)
    labels = read_labels(tmp_path / "labels.jsonl")

    n = len(REVIEW)  # the unscored item has no accuracy prediction; Ben left one out
    assert result.cancelled == 1
    assert result.annotators == [ANA_ID, BEN_ID]
    assert result.per_criterion == {"accuracy": 4 + 3, "relevance": 2 * n, "pii_leakage": 2 * n}
    assert result.labels == len(labels) == 7 + 10 + 10
    edits = {c: sum(k for (_, criterion), k in EDITS.items() if criterion == c) for c in result.per_criterion}
    assert agreement(labels, judge_values(run_dir)) == {c: result.per_criterion[c] - edits[c] for c in edits}

    by_key = {(x.item_id, x.annotator, x.criterion): x for x in labels}
    assert by_key[("leak-email", ANA_ID, "accuracy")].score == 4
    assert by_key[("chat-fail", ANA_ID, "accuracy")].score == 2
    assert by_key[("inject", BEN_ID, "relevance")].score == 2
    assert ("leak-emoji", BEN_ID, "accuracy") not in by_key
    assert by_key[("inject", ANA_ID, "accuracy")].note == "tries to steer the judge"
    ana_emoji = by_key[("leak-emoji", ANA_ID, "pii_leakage")]
    ben_emoji = by_key[("leak-emoji", BEN_ID, "pii_leakage")]
    assert ana_emoji.label == "no_leak"
    assert [(s.label, s.text) for s in ana_emoji.spans] == [("PERSON", "Maria Lopez")]
    record = next(r for r in read_records(run_dir) if r.item_id == "leak-emoji")
    judged = [(s.start, s.end, s.entity_type, s.text) for s in record.verdicts[2].pii_spans]
    assert [(s.start, s.end, s.label, s.text) for s in ben_emoji.spans] == judged


def test_calibration_on_the_imported_labels_reports_the_agreement_the_edits_left(
    run_dir: Path, tmp_path: Path
) -> None:
    result = annotate_and_import(run_dir, tmp_path)
    labels = read_labels(tmp_path / "labels.jsonl")
    report = run_calibration(run_dir, tmp_path / "labels.jsonl", tmp_path / "calibration", n_boot=100)

    judge_of = {"accuracy": "accuracy_llm", "relevance": "relevance_baseline", "pii_leakage": "pii"}
    for criterion, judge in judge_of.items():
        for annotator in result.annotators:
            given = sum(x.annotator == annotator and x.criterion == criterion for x in labels)
            expected = (given - EDITS.get((annotator, criterion), 0)) / given
            comparison = report.criteria[criterion].judges[judge].vs_annotators[annotator]
            assert comparison.n_items == given, (criterion, annotator)
            assert comparison.statistics["agreement"].value == pytest.approx(expected), (criterion, annotator)
    unscored = report.criteria["accuracy"].judges["accuracy_llm"].counts
    assert unscored.unscored_reasons == {"reply was not valid JSON": 1}


def test_redacted_export_hides_the_found_data_and_spans_come_back_at_original_offsets(
    run_dir: Path, tmp_path: Path
) -> None:
    export_run(run_dir, tmp_path / "ls", "labelstudio", include_all=True, redact=True)
    text = (tmp_path / "ls" / "tasks.json").read_text("utf-8")
    for secret in (
        "jane.doe@example.com",
        "+1 415 555 0100",
        "Maria Lopez",
        "123-4567890-1234567",
        "sam@shop",
    ):
        assert secret not in text
    tasks = json.loads(text)
    li = interface((tmp_path / "ls" / "labeling_config.xml").read_text("utf-8"))
    assert all(task_errors(li, t) == [] for t in tasks)

    export = annotate.ls_export(tasks, [ANA])
    import_labels(annotate.write(tmp_path / "export.json", export), tmp_path / "labels.jsonl")
    labels = {(x.item_id, x.criterion): x for x in read_labels(tmp_path / "labels.jsonl")}
    for record in read_records(run_dir):
        for v in record.verdicts:
            if v.pii_spans:
                human = labels[(record.item_id, "pii_leakage")].spans
                assert [(s.start, s.end, s.label) for s in human] == [
                    (s.start, s.end, s.entity_type) for s in v.pii_spans
                ]
                assert all(s.text is None for s in human)  # the labels file carries no personal data


def test_csv_round_trip_reads_the_filled_in_human_columns(run_dir: Path, tmp_path: Path) -> None:
    export_run(run_dir, tmp_path / "sheet", "csv")
    raw = (tmp_path / "sheet" / "review.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert [r["item_id"] for r in rows] == ["inject", "leak-email", "unscored", "leak-emoji", "chat-fail"]

    # Two annotators each fill in a copy of every row; one row is left for later.
    judges = judge_values(run_dir)
    filled = []
    for annotator in ("ana", "ben"):
        for row in rows:
            if annotator == "ben" and row["item_id"] == "chat-fail":
                filled.append(dict(row))  # not done yet
                continue
            item = row["item_id"]
            accuracy = judges.get((item, "accuracy"), 3)
            if (annotator, item) == ("ana", "leak-email"):
                accuracy = 5
            leak = judges[(item, "pii_leakage")]
            if (annotator, item) == ("ben", "inject"):
                leak = "LEAK"  # case is forgiven
            filled.append(row | {"annotator": annotator, "human.accuracy": f"{accuracy:g}",
                                 "human.relevance": f"{judges[(item, 'relevance')]:g}",
                                 "human.pii_leakage": str(leak), "human.note": ""})  # fmt: skip
    sheet = tmp_path / "filled.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(filled)

    result = import_labels(sheet, tmp_path / "labels.jsonl")
    labels = read_labels(tmp_path / "labels.jsonl")
    assert result.unannotated == 1
    assert result.per_criterion == {"accuracy": 9, "relevance": 9, "pii_leakage": 9}
    # The unscored item had no judge accuracy: its human scores have nothing to agree with.
    scored = [x for x in labels if (x.item_id, x.criterion) in judges]
    assert agreement(scored, judges) == {"accuracy": 7 - 1, "relevance": 9, "pii_leakage": 9 - 1}
