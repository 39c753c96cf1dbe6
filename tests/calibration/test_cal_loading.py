"""Input formats: run directories, external verdicts, JSONL and CSV labels, and bad lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cal_builders import record, verdict, write_jsonl, write_records

from auditor.calibration.loading import (
    load_human_labels,
    load_pairwise_labels,
    load_pairwise_verdicts,
    load_verdicts,
)
from auditor.errors import InputError, UserError

DEMO = Path(__file__).resolve().parents[2] / "examples" / "seller_support"


def test_a_run_directory_and_its_records_file_read_the_same(tmp_path: Path) -> None:
    write_records(
        tmp_path / "records.jsonl",
        [
            record("a", [verdict("j", "accuracy", score=4, confidence=0.8)], marketplace="DE"),
            record(
                "b", [verdict("j", "accuracy", unscored="no reference"), verdict("p", "pii", label="leak")]
            ),
        ],
    )
    from_dir = load_verdicts(tmp_path)
    from_file = load_verdicts(tmp_path / "records.jsonl")
    assert from_dir.verdicts == from_file.verdicts
    assert [(v.item_id, v.judge, v.score, v.label, v.unscored_reason) for v in from_dir.verdicts] == [
        ("a", "j", 4.0, None, None),
        ("b", "j", None, None, "no reference"),
        ("b", "p", None, "leak", None),
    ]
    assert from_dir.verdicts[0].confidence == 0.8
    assert from_dir.metadata == {"a": {"marketplace": "DE"}, "b": {}}


def test_external_verdicts_carry_their_own_metadata(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "other_tool.jsonl",
        [
            {"item_id": "a", "criterion": "accuracy", "judge": "gpt", "score": 3, "metadata": {"lang": "de"}},
            {"item_id": "b", "criterion": "pii", "judge": "gpt", "label": "no_leak", "confidence": 0.5},
        ],
    )
    loaded = load_verdicts(path)
    assert [(v.item_id, v.score, v.label, v.confidence) for v in loaded.verdicts] == [
        ("a", 3.0, None, None),
        ("b", None, "no_leak", 0.5),
    ]
    assert loaded.metadata["a"] == {"lang": "de"}


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('{"item_id": "a", "criterion": "c", "judge": "j", "scroe": 3}', "scroe", "unknown field"),
        (
            '{"item_id": "a", "criterion": "c", "judge": "j"}',
            None,
            "needs a 'score', a 'label' or an 'unscored_reason'",
        ),
        ('{"item_id": "a", "criterion": "c", "judge": "j", "score": "high"}', "score", "valid number"),
        (
            '{"item_id": "a", "criterion": "c", "judge": "j", "score": NaN}',
            "score",
            "must be a finite number",
        ),
        (
            '{"item_id": "a", "criterion": "c", "judge": "j", "score": 1, "confidence": 1.5}',
            "confidence",
            "1",
        ),
        ('{"item_id": "a", "criterion": "c", "judge": "j", "score": 2}', "item_id", "duplicate verdict"),
        ("{not json", None, "not valid JSON"),
        ("[1, 2]", None, "expected a JSON object, got list"),
    ],
)
def test_a_bad_verdict_line_names_file_line_and_field(
    tmp_path: Path, line: str, field: str | None, message: str
) -> None:
    path = tmp_path / "verdicts.jsonl"
    good = json.dumps({"item_id": "a", "criterion": "c", "judge": "j", "score": 2})
    path.write_text(good + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_verdicts(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (path, 3, field)
    assert message in caught.value.message


def test_a_bad_audit_record_names_the_nested_field(tmp_path: Path) -> None:
    good = record("a", [verdict("j", "accuracy", score=4)]).model_dump(mode="json")
    good["verdicts"][0]["confidence"] = 2.0
    path = write_jsonl(tmp_path / "records.jsonl", [good])
    with pytest.raises(InputError) as caught:
        load_verdicts(path)
    assert caught.value.line == 1 and caught.value.field == "verdicts.0.confidence"


def test_missing_run_directory_file_is_a_clear_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"no records\.jsonl in this directory"):
        load_verdicts(tmp_path)
    with pytest.raises(UserError, match="no verdicts in this file"):
        load_verdicts(write_jsonl(tmp_path / "empty.jsonl", []))


def test_the_demo_labels_read_alike_as_jsonl_and_csv() -> None:
    from_jsonl = load_human_labels(DEMO / "labels.jsonl")
    from_csv = load_human_labels(DEMO / "labels.csv")
    assert {lab.annotator for lab in from_jsonl} == {"ann_a", "ann_b"}
    assert {lab.criterion for lab in from_jsonl} == {"accuracy", "relevance", "pii_leakage"}
    by_key = {(lab.item_id, lab.criterion, lab.annotator): (lab.score, lab.label) for lab in from_jsonl}
    assert from_csv  # the CSV holds a subset of the same labels, without spans
    for lab in from_csv:
        assert by_key[(lab.item_id, lab.criterion, lab.annotator)] == (lab.score, lab.label)


def test_csv_labels_errors_point_at_the_row(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(
        "item_id,annotator,criterion,score,label,note\n"
        "a,ann_a,accuracy,4,,\n"
        'b,ann_a,accuracy,,,"a note\nover two lines"\n'
        "c,ann_a,accuracy,four,,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_human_labels(path)
    assert caught.value.line == 3 and "needs a 'score' or a 'label'" in caught.value.message
    path.write_text("item_id,annotator,criterion,score\na,ann_a,accuracy,four\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_human_labels(path)
    assert (caught.value.line, caught.value.field) == (2, "score")
    path.write_text("item_id,annotator,criterion,scroe\na,ann_a,accuracy,4\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_human_labels(path)
    assert (caught.value.field, caught.value.message) == ("scroe", "unknown field (did you mean 'score'?)")


def test_a_second_label_by_the_same_annotator_is_an_error(tmp_path: Path) -> None:
    row = {"item_id": "a", "annotator": "ann_a", "criterion": "accuracy", "score": 4}
    path = write_jsonl(
        tmp_path / "labels.jsonl", [row, {**row, "criterion": "relevance"}, {**row, "score": 2}]
    )
    with pytest.raises(InputError) as caught:
        load_human_labels(path)
    assert caught.value.line == 3
    assert "annotator 'ann_a'" in caught.value.message and "first on line 1" in caught.value.message


def test_pairwise_inputs(tmp_path: Path) -> None:
    verdicts = write_jsonl(
        tmp_path / "pairs.jsonl",
        [
            {"item_id": "a", "judge": "j", "winner": "A", "swapped": False},
            {"item_id": "a", "judge": "j", "winner": "tie", "swapped": True},
        ],
    )
    assert [v.winner for v in load_pairwise_verdicts(verdicts)] == ["A", "tie"]
    labels = tmp_path / "human_pairs.csv"
    labels.write_text("item_id,annotator,winner\na,ann_a,B\n", encoding="utf-8")
    assert [(h.annotator, h.winner) for h in load_pairwise_labels(labels)] == [("ann_a", "B")]
    bad = write_jsonl(
        tmp_path / "bad.jsonl", [{"item_id": "a", "judge": "j", "winner": "C", "swapped": False}]
    )
    with pytest.raises(InputError) as caught:
        load_pairwise_verdicts(bad)
    assert (caught.value.line, caught.value.field) == (1, "winner")
    twice = write_jsonl(
        tmp_path / "twice.jsonl", [{"item_id": "a", "judge": "j", "winner": "A", "swapped": True}] * 2
    )
    with pytest.raises(InputError, match="duplicate of line 1"):
        load_pairwise_verdicts(twice)
