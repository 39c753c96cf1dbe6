"""`auditor import-labels`: Label Studio exports and filled-in CSVs to `HumanLabel` lines."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from auditor.errors import InputError, UserError
from auditor.labelstudio import import_labels
from auditor.types import HumanLabel

DATA = Path(__file__).parent / "data"


def sample() -> list[dict[str, Any]]:
    export: list[dict[str, Any]] = json.loads((DATA / "ls_export.json").read_text("utf-8"))
    return export


def run_import(tmp_path: Path, export: Any, **kwargs: Any) -> list[HumanLabel]:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    import_labels(path, tmp_path / "labels.jsonl", **kwargs)
    return [
        HumanLabel.model_validate_json(x) for x in (tmp_path / "labels.jsonl").read_text("utf-8").splitlines()
    ]


def test_a_label_studio_export_becomes_one_label_per_criterion(tmp_path: Path) -> None:
    result = import_labels(DATA / "ls_export.json", tmp_path / "labels.jsonl")
    lines = (tmp_path / "labels.jsonl").read_text("utf-8").splitlines()
    labels = [HumanLabel.model_validate_json(x) for x in lines]
    ana = {
        "item_id": "leak-email",
        "annotator": "ana@audit.example",
        "note": "Names the buyer's email and phone.",
    }
    assert labels[:3] == [
        HumanLabel(criterion="accuracy", score=1, **ana),
        HumanLabel(criterion="relevance", score=5, **ana),
        HumanLabel.model_validate(ana | {
            "criterion": "pii_leakage", "label": "leak",
            "spans": [{"start": 27, "end": 47, "label": "EMAIL_ADDRESS", "text": "jane.doe@example.com"},
                      {"start": 51, "end": 66, "label": "PHONE_NUMBER", "text": "+1 415 555 0100"}],
        }),
    ]  # fmt: skip
    # Task 43: a bare user id, and Label Studio's UTF-16 offsets after two emoji (43-54)
    # re-anchored on the region's text.
    emoji = labels[4]
    assert (emoji.item_id, emoji.annotator, emoji.label) == ("leak-emoji", "ls-user-9", "leak")
    assert [(s.start, s.end, s.text) for s in emoji.spans] == [(41, 52, "Maria Lopez")]
    assert (result.labels, result.annotations, result.cancelled, result.unannotated) == (5, 2, 1, 1)
    assert result.ignored_controls == {"flag": 1}
    assert result.annotators == ["ana@audit.example", "ls-user-9"]
    described = result.describe()
    assert "skipped: 1 cancelled, 1 not annotated yet" in described
    assert "flag (1)" in described


def test_annotator_field_picks_another_key_of_completed_by(tmp_path: Path) -> None:
    labels = run_import(tmp_path, sample()[:1], annotator_field="first_name")
    assert {x.annotator for x in labels} == {"Ana"}
    with pytest.raises(
        UserError, match=r"task 41 \(index 0\), annotation 77: 'completed_by' has no 'username'"
    ):
        run_import(tmp_path, sample()[:1], annotator_field="username")


def test_an_annotation_with_no_score_or_choice_is_counted_as_empty(tmp_path: Path) -> None:
    export = sample()[:1]
    export[0]["annotations"][0]["result"] = [
        r for r in export[0]["annotations"][0]["result"] if r["from_name"] == "note"
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    result = import_labels(path, tmp_path / "labels.jsonl")
    assert (result.labels, result.empty) == (0, 1)
    assert (tmp_path / "labels.jsonl").read_text("utf-8") == ""


def broken(change: Any) -> list[dict[str, Any]]:
    export = sample()
    change(export)
    return export


def result_of(export: list[dict[str, Any]], task: int, n: int) -> dict[str, Any]:
    region: dict[str, Any] = export[task]["annotations"][0]["result"][n]
    return region


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e[0]["data"].pop("item_id"),
         r"task 41 \(index 0\): 'data.item_id' is missing"),
        (lambda e: e[2].pop("data"),
         r"task 43 \(index 2\): no 'data' object"),
        (lambda e: result_of(e, 0, 0)["value"].update(rating=7),
         r"task 41 \(index 0\), annotation 77, result 0: 'rating' must be a number from 1 to 5, got 7"),
        (lambda e: result_of(e, 0, 2)["value"].update(choices=["leak", "no_leak"]),
         r"task 41 \(index 0\), annotation 77, result 2: 'pii_leakage' must be one of"),
        (lambda e: result_of(e, 0, 3)["value"].update(text="Jane", start=0, end=4),
         r"result 3: the region's text 'Jane' is not in the task's response"),
        (lambda e: result_of(e, 0, 3)["value"].update(labels=[]),
         r"result 3: a PII region needs exactly one entity type"),
        (lambda e: result_of(e, 0, 1).pop("value"),
         r"result 1: a result needs 'from_name' and a 'value' object"),
        (lambda e: e[0]["annotations"][0].pop("result"),
         r"annotation 77: 'result' is missing or not a list"),
        (lambda e: e[0]["annotations"][0].pop("completed_by"),
         r"annotation 77: 'completed_by' is missing"),
        (lambda e: e[2]["annotations"][0]["result"].pop(1),
         r"task 43 \(index 2\), annotation 80: personal data is marked but 'leak'/'no_leak' is not chosen"),
        (lambda e: e[2]["annotations"][0]["result"].append(copy.deepcopy(result_of(e, 2, 0))),
         r"task 43 \(index 2\), annotation 80, result 4: a second 'accuracy' result"),
        (lambda e: e.append(copy.deepcopy(e[0]) | {"id": 44}),
         r"task 44 \(index 3\), annotation 77: ana@audit.example labelled accuracy of item 'leak-email' "
         r"again \(first at .*task 41 \(index 0\), annotation 77\)"),
        (lambda e: e.insert(1, "oops"),
         r"task \? \(index 1\): expected a task object, got str"),
    ],
)  # fmt: skip
def test_malformed_exports_name_the_task_and_the_problem(tmp_path: Path, change: Any, message: str) -> None:
    with pytest.raises(UserError, match=message):
        run_import(tmp_path, broken(change))


def test_a_truncated_or_wrong_file_is_a_clear_error(tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_text((DATA / "ls_export.json").read_text("utf-8")[:900], encoding="utf-8")
    with pytest.raises(UserError, match=r"cut.json:\d+: not valid JSON .*was the export cut short"):
        import_labels(cut, tmp_path / "labels.jsonl")
    minimal = tmp_path / "min.json"
    minimal.write_text(json.dumps({"tasks": []}), encoding="utf-8")
    with pytest.raises(UserError, match="expected a list of tasks"):
        import_labels(minimal, tmp_path / "labels.jsonl")
    config = tmp_path / "labeling_config.xml"
    config.write_text("<View/>", encoding="utf-8")
    with pytest.raises(UserError, match=r"unsupported format '\.xml'"):
        import_labels(config, tmp_path / "labels.jsonl")
    json_min = tmp_path / "json_min.json"
    json_min.write_text(json.dumps([{"id": 5, "item_id": "x", "accuracy": 4}]), encoding="utf-8")
    with pytest.raises(
        UserError, match=r"task 5 \(index 0\): no 'data' object; is this Label Studio's 'JSON'"
    ):
        import_labels(json_min, tmp_path / "labels.jsonl")
    assert not (tmp_path / "labels.jsonl").exists()


def write_sheet(path: Path, rows: list[str]) -> Path:
    header = (
        "queue_rank,item_id,response,annotator,human.accuracy,human.relevance,human.pii_leakage,human.note"
    )
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_csv_rows_become_labels_and_empty_rows_wait(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "s.csv", [
        '1,it-1,"a, b",ana,4,5.0,Leak,"checked twice"',
        "2,it-2,c,,,,,",
        "3,it-3,d,ben,,2,,",
    ])  # fmt: skip
    result = import_labels(sheet, tmp_path / "labels.jsonl")
    labels = [HumanLabel.model_validate_json(x) for x in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert [(x.item_id, x.annotator, x.criterion, x.score, x.label, x.note) for x in labels] == [
        ("it-1", "ana", "accuracy", 4.0, None, "checked twice"),
        ("it-1", "ana", "relevance", 5.0, None, "checked twice"),
        ("it-1", "ana", "pii_leakage", None, "leak", "checked twice"),
        ("it-3", "ben", "relevance", 2.0, None, None),
    ]
    assert (result.unannotated, result.annotations) == (1, 2)


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (
            "1,it-1,r,ana,4.5,,,",
            r"s.csv:2: field 'human.accuracy': expected a whole number from 1 to 5, got '4.5'",
        ),
        ("1,it-1,r,ana,,,maybe,", r"s.csv:2: field 'human.pii_leakage': expected 'leak' or 'no_leak'"),
        ("1,it-1,r,,3,,,", r"s.csv:2: field 'annotator': who labelled this row"),
        ("1,,r,ana,3,,,", r"s.csv:2: field 'item_id': required field is missing"),
        ("1,it-1,r,ana,3", r"s.csv:2: has 5 cells, the header has 8"),
    ],
)
def test_bad_csv_rows_name_the_line_and_the_column(tmp_path: Path, row: str, where: str) -> None:
    with pytest.raises(InputError, match=where):
        import_labels(write_sheet(tmp_path / "s.csv", [row]), tmp_path / "labels.jsonl")


def test_a_csv_without_the_export_columns_is_an_error(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("id,score\nit-1,4\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"other.csv:1: missing column\(s\) item_id, annotator"):
        import_labels(other, tmp_path / "labels.jsonl")
    dup = write_sheet(tmp_path / "dup.csv", ["1,it-1,r,ana,3,,,", "2,it-1,r,ana,4,,,"])
    with pytest.raises(
        UserError, match=r"dup.csv:3: ana labelled accuracy of item 'it-1' again \(first at .*dup.csv:2\)"
    ):
        import_labels(dup, tmp_path / "labels.jsonl")
