"""What `auditor export` writes, checked with label-studio-sdk where Label Studio would read it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from auditor.errors import UserError
from auditor.labelstudio import export_run
from auditor.labelstudio.config_xml import PII_ENTITY_TYPES
from auditor.labelstudio.tasks import CONSENSUS_VERSION
from auditor.pii.severity import PERSONAL_ENTITIES
from auditor.types import AuditRecord
from tests.labelstudio.runs import Case, accuracy, pii, relevance, seller_cases, span, write_run
from tests.labelstudio.sdk import control_labels, interface, task_errors

REVIEW_ORDER = ["inject", "leak-email", "unscored", "leak-emoji", "chat-fail"]


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path / "run", seller_cases())


def load_tasks(out: Path) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = json.loads((out / "tasks.json").read_text("utf-8"))
    return tasks


def task_of(tasks: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    return next(t for t in tasks if t["data"]["item_id"] == item_id)


def results(task: dict[str, Any], control: str) -> list[dict[str, Any]]:
    """The judges' own predictions for a control (the consensus prediction left out)."""
    judges = [p for p in task["predictions"] if p["model_version"] != CONSENSUS_VERSION]
    return [r for p in judges for r in p["result"] if r["from_name"] == control]


def test_tasks_and_config_pass_label_studio_sdk_validation(run_dir: Path, tmp_path: Path) -> None:
    result = export_run(run_dir, tmp_path / "out", "labelstudio", include_all=True)
    li = interface((tmp_path / "out" / "labeling_config.xml").read_text("utf-8"))
    tasks = load_tasks(tmp_path / "out")
    assert len(tasks) == result.exported == result.total == 8
    for task in tasks:
        assert task_errors(li, task) == [], task["data"]["item_id"]
    assert {c.name for c in li.controls} == {"accuracy", "relevance", "pii_leakage", "pii_spans", "note"}
    assert control_labels(li, "pii_leakage") == ["leak", "no_leak"]
    assert {"EMAIL_ADDRESS", "PERSON", "ORDER_ID"} <= set(control_labels(li, "pii_spans"))


def test_only_items_routed_to_review_by_default_in_queue_order(run_dir: Path, tmp_path: Path) -> None:
    result = export_run(run_dir, tmp_path / "out", "labelstudio")
    tasks = load_tasks(tmp_path / "out")
    assert [t["data"]["item_id"] for t in tasks] == REVIEW_ORDER
    assert [t["data"]["queue_rank"] for t in tasks] == [1, 2, 3, 4, 5]
    assert (result.exported, result.review, result.total) == (5, 5, 8)
    assert "the items routed to review" in result.describe()


def test_all_puts_auto_accepted_items_after_the_review_queue(run_dir: Path, tmp_path: Path) -> None:
    export_run(run_dir, tmp_path / "out", "labelstudio", include_all=True)
    tasks = load_tasks(tmp_path / "out")
    # echo's least confident verdict (0.85) comes before ok-1 and ok-2 (0.9, input order).
    assert [t["data"]["item_id"] for t in tasks] == [*REVIEW_ORDER, "echo", "ok-1", "ok-2"]
    assert task_of(tasks, "echo")["data"]["route_reasons"] == "priority 0: auto-accepted"


def test_predictions_carry_each_judges_verdict_version_and_confidence(run_dir: Path, tmp_path: Path) -> None:
    export_run(run_dir, tmp_path / "out", "labelstudio", include_all=True)
    tasks = load_tasks(tmp_path / "out")
    email = task_of(tasks, "leak-email")
    assert [(p["model_version"], p["score"]) for p in email["predictions"]] == [
        ("auditor consensus (all judges)", 0.8),
        ("accuracy_llm; backend=llm; model=gpt-4o-mini; prompt=accuracy-v3; rubric=accuracy-rubric-v2", 0.8),
        ("relevance_baseline; backend=baseline", 0.9),
        ("pii; backend=presidio", 0.9),
    ]
    assert results(email, "accuracy")[0]["value"] == {"rating": 2}
    assert results(email, "pii_leakage")[0]["value"] == {"choices": ["leak"]}
    regions = [(r["value"]["text"], r["value"]["labels"]) for r in results(email, "pii_spans")]
    assert regions == [("jane.doe@example.com", ["EMAIL_ADDRESS"]), ("+1 415 555 0100", ["PHONE_NUMBER"])]
    # A 4.5 shows as five stars; an echoed span is marked but the judge says no leak.
    assert results(task_of(tasks, "ok-2"), "relevance")[0]["value"] == {"rating": 5}
    echo = task_of(tasks, "echo")
    assert results(echo, "pii_leakage")[0]["value"] == {"choices": ["no_leak"]}
    assert results(echo, "pii_spans")[0]["meta"]["text"] == ["echoed, high, scripted"]


def test_task_data_shows_the_item_and_why_it_needs_a_look(run_dir: Path, tmp_path: Path) -> None:
    export_run(run_dir, tmp_path / "out", "labelstudio")
    tasks = load_tasks(tmp_path / "out")
    chat = task_of(tasks, "chat-fail")["data"]
    assert chat["prompt"] == "system: You help sellers.\nuser: What is the referral fee?"
    assert chat["reference"] == "The fee is 15%."
    assert chat["context"] == "(none)"
    assert chat["route_reasons"] == "priority 0.6: failed:accuracy"
    email = task_of(tasks, "leak-email")["data"]
    assert json.loads(email["metadata"]) == {"marketplace": "US"}
    unscored = task_of(tasks, "unscored")
    assert "accuracy_llm (accuracy): unscored: reply was not valid JSON" in unscored["data"]["judges"]
    assert results(unscored, "accuracy") == []  # nothing to pre-fill


def test_entity_types_a_judge_reports_are_offered_as_labels(tmp_path: Path) -> None:
    response = "Ping me on Discord as gamer#1234."
    case = Case(
        {"id": "x", "prompt": "hi", "response": response},
        [accuracy(3, 0.9), relevance(3, 0.9), pii([span(response, "gamer#1234", "GAMER_TAG", "low")])],
    )
    export_run(write_run(tmp_path / "run", [case]), tmp_path / "out", "labelstudio")
    li = interface((tmp_path / "out" / "labeling_config.xml").read_text("utf-8"))
    assert "GAMER_TAG" in control_labels(li, "pii_spans")
    assert task_errors(li, load_tasks(tmp_path / "out")[0]) == []


def test_csv_has_one_row_per_item_judge_columns_and_empty_human_columns(
    run_dir: Path, tmp_path: Path
) -> None:
    result = export_run(run_dir, tmp_path / "out", "csv")
    assert result.files == [tmp_path / "out" / "review.csv"]
    raw = result.files[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheet programs read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["item_id"] for r in rows] == REVIEW_ORDER
    email = rows[1]
    assert email["judge.accuracy_llm.score"] == "2"
    assert email["judge.accuracy_llm.confidence"] == "0.8"
    assert email["judge.pii.label"] == "leak"
    assert email["judge.pii.pii_spans"] == "EMAIL_ADDRESS 27-47 (new, high); PHONE_NUMBER 51-66 (new, high)"
    assert rows[2]["judge.accuracy_llm.reasoning"] == "unscored: reply was not valid JSON"
    human = ["annotator", "human.accuracy", "human.relevance", "human.pii_leakage", "human.note"]
    assert all(r[c] == "" for r in rows for c in human)


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(tmp_path: Path) -> None:
    case = Case(
        {"id": "=id-1", "prompt": "@SUM(A1)", "response": '=HYPERLINK("http://evil.example","click")'},
        [relevance(2, 0.9)],
    )
    export_run(write_run(tmp_path / "run", [case]), tmp_path / "out", "csv")
    row = next(csv.DictReader(io.StringIO((tmp_path / "out" / "review.csv").read_text("utf-8-sig"))))
    assert row["response"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["prompt"] == "'@SUM(A1)"
    assert row["item_id"] == "=id-1"  # ids stay exact: the import joins on them


def test_jsonl_lines_join_each_item_with_its_record(run_dir: Path, tmp_path: Path) -> None:
    export_run(run_dir, tmp_path / "out", "jsonl", redact=True)
    lines = [json.loads(x) for x in (tmp_path / "out" / "review.jsonl").read_text("utf-8").splitlines()]
    assert [x["item"]["id"] for x in lines] == REVIEW_ORDER
    assert [x["queue_rank"] for x in lines] == [1, 2, 3, 4, 5]
    email = AuditRecord.model_validate(lines[1]["record"])
    assert email.route.reasons == ["failed:accuracy", "failed:pii_leakage", "pii_found"]
    assert "jane.doe@example.com" not in json.dumps(lines[1])
    assert len(lines[1]["item"]["response"]) == len(seller_cases()[1].item["response"])


def test_nothing_routed_to_review_writes_an_empty_task_list(tmp_path: Path) -> None:
    case = Case({"id": "fine", "prompt": "q", "response": "r"}, [relevance(5, 0.99)])
    result = export_run(write_run(tmp_path / "run", [case]), tmp_path / "out", "labelstudio")
    assert load_tasks(tmp_path / "out") == []
    assert result.exported == 0
    assert result.total == 1


def test_a_span_that_does_not_quote_the_response_is_an_error(tmp_path: Path) -> None:
    case = Case({"id": "bad-span", "prompt": "q", "response": "Call 555 0100 now."},
                [pii([span("xxCall 555 0100 now.", "555 0100", "PHONE_NUMBER", "high")])])  # fmt: skip
    with pytest.raises(UserError, match=r"item 'bad-span': judge 'pii' reports PHONE_NUMBER at 7-15"):
        export_run(write_run(tmp_path / "run", [case]), tmp_path / "out", "labelstudio")


def test_an_unknown_format_is_an_error(run_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="unknown export format 'xlsx'"):
        export_run(run_dir, tmp_path / "out", "xlsx")  # type: ignore[arg-type]


def test_the_config_offers_every_type_the_pii_judge_reports() -> None:
    assert set(PII_ENTITY_TYPES) == set(PERSONAL_ENTITIES)


def test_the_consensus_prediction_prefills_every_control_at_once(run_dir: Path, tmp_path: Path) -> None:
    export_run(run_dir, tmp_path / "out", "labelstudio", include_all=True)
    email = task_of(load_tasks(tmp_path / "out"), "leak-email")
    consensus = email["predictions"][0]
    assert consensus["model_version"] == CONSENSUS_VERSION
    by_control: dict[str, list[Any]] = {}
    for r in consensus["result"]:
        by_control.setdefault(r["from_name"], []).append(r["value"])
    # one value per control, from every judge: the rating each judge gave, the leak, its spans
    assert by_control["accuracy"] == [{"rating": 2}]
    assert by_control["relevance"] == [results(email, "relevance")[0]["value"]]
    assert by_control["pii_leakage"] == [{"choices": ["leak"]}]
    assert [v["text"] for v in by_control["pii_spans"]] == ["jane.doe@example.com", "+1 415 555 0100"]
    assert len({r["id"] for r in consensus["result"]}) == len(consensus["result"])
