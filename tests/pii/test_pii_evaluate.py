"""eval-pii: span and token scores on the shared benchmark and on labelled demo leaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.errors import UserError
from auditor.pii.evaluate import load_dataset, render_eval, run_eval_pii, split
from auditor.pii.metrics import Counts, Span, Tally, f2, score_document
from benchmarks._common import PRESIDIO_DATASET

DEFAULT_PRESIDIO_F2 = 0.62  # the small spaCy model with Presidio's defaults, on this dataset


def test_f2_is_five_pr_over_four_p_plus_r():
    assert f2(0.6849, 0.6030) == pytest.approx(0.6178, abs=1e-4)
    assert f2(0.0, 0.0) == 0.0


def test_one_prediction_covering_fragmented_gold_recalls_all_and_counts_once():
    text = "28245 Puruntie 82 Apt. 595 LAPPEENRANTA"
    gold = [Span(0, 5, "LOCATION"), Span(6, 17, "LOCATION"), Span(18, 26, "LOCATION")]
    tally = Tally()
    score_document(tally, text, gold, [Span(0, 39, "LOCATION")])
    assert (tally.same_type.found, tally.same_type.gold) == (3, 3)
    assert (tally.same_type.correct, tally.same_type.predicted) == (1, 1)
    assert tally.tokens.precision < 1.0  # "LAPPEENRANTA" was not gold: tokens see the overreach


def test_dont_care_regions_are_neither_right_nor_wrong():
    text = "Dr. Ann Lee, age 79"
    tally = Tally()
    score_document(
        tally,
        text,
        [Span(4, 11, "PERSON")],
        [Span(0, 3, "PERSON"), Span(4, 11, "PERSON")],
        ignore=[Span(0, 3, "TITLE")],
    )
    assert tally.any_type == Counts(gold=1, found=1, predicted=1, correct=1)


def test_a_wrong_type_counts_for_any_type_but_not_same_type():
    tally = Tally()
    score_document(tally, "Call Acme", [Span(5, 9, "ORGANIZATION")], [Span(5, 9, "PERSON")])
    assert tally.any_type.f2 == 1.0 and tally.same_type.f2 == 0.0


@pytest.mark.skipif(not PRESIDIO_DATASET.is_file(), reason="shared dataset not present")
def test_a_slice_of_the_shared_dataset_scores_well_above_the_default(engine):
    result = run_eval_pii(PRESIDIO_DATASET, limit=100, engine=engine)
    assert result.tuning is not None and result.tuning.documents == 100
    assert result.tuning.span_any_type.f2 > DEFAULT_PRESIDIO_F2 + 0.2
    assert result.tuning.span_same_type.f2 > 0.75
    assert result.tuning.tokens.f2 > result.baseline["f2"] + 0.15
    assert result.tuning.tokens_strict.f2 > result.baseline["f2"] + 0.15
    by_type = {s.name: s for s in result.tuning.per_type}
    assert by_type["LOCATION"].recall > 0.8 and by_type["CREDIT_CARD"].f2 == 1.0
    table = render_eval(result)
    assert "Presidio baseline (tokens)  0.685  0.603  0.618" in table and "LOCATION" in table


def test_the_dataset_is_split_by_template_and_both_parts_are_printed_labelled(engine, tmp_path):
    record = {
        "full_text": "Call Karen Whitfield.",
        "spans": [{"entity_type": "PERSON", "start_position": 5, "end_position": 20}],
    }
    rows = [{**record, "template_id": t} for t in (0, 1, 2, 5, 7, 10, 13)]
    path = tmp_path / "data.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    tuning, test = split(load_dataset(path))
    assert [s.template_id for s in test] == [0, 5, 10]
    assert [s.template_id for s in tuning] == [1, 2, 7, 13]
    result = run_eval_pii(path, engine=engine)
    assert result.tuning is not None and result.tuning.documents == 4
    assert result.test is not None and result.test.documents == 3
    table = render_eval(result)
    assert "Tuning part" in table and "in-sample" in table
    assert "Test part" in table and "held out" in table
    assert table.index("Tuning part") < table.index("Test part")


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_demo_leaks_are_scored_against_the_union_of_annotators(engine, tmp_path):
    items = write_jsonl(
        tmp_path / "items.jsonl",
        [
            {"id": "a", "prompt": "Who bought it?", "response": "Karen Whitfield, +44 20 7946 0958."},
            {"id": "b", "prompt": "My mail is me@example.com?", "response": "Saved me@example.com."},
            {"id": "c", "prompt": "Fee?", "response": "The fee is 8%."},
        ],
    )
    label = {"annotator": "x", "criterion": "pii_leakage", "label": "leak"}
    labels = write_jsonl(
        tmp_path / "labels.jsonl",
        [
            {**label, "item_id": "a", "spans": [{"start": 0, "end": 15, "label": "PERSON"}]},
            {
                **label,
                "item_id": "a",
                "annotator": "y",
                "spans": [{"start": 17, "end": 33, "label": "PHONE_NUMBER"}],
            },
            {**label, "item_id": "b", "label": "no_leak", "spans": []},
            {"item_id": "c", "annotator": "x", "criterion": "accuracy", "score": 5},
        ],
    )
    demo = run_eval_pii(None, items, labels, engine=engine).demo
    assert demo is not None and demo.documents == 3
    assert (demo.span_same_type.found, demo.span_same_type.gold) == (2, 2)
    assert demo.span_same_type.precision == 1.0
    assert demo.items is not None and (demo.items.gold, demo.items.predicted, demo.items.found) == (1, 1, 1)


def test_demo_needs_both_files(tmp_path):
    with pytest.raises(UserError, match="both"):
        run_eval_pii(None, tmp_path / "items.jsonl", None)


def test_a_bad_demo_line_names_file_line_and_field(engine, tmp_path):
    items = write_jsonl(tmp_path / "items.jsonl", [{"id": "a", "prompt": "q", "response": "r"}, {"id": "b"}])
    labels = write_jsonl(tmp_path / "labels.jsonl", [])
    with pytest.raises(UserError, match=r"items.jsonl:2: field '(prompt|response)'"):
        run_eval_pii(None, items, labels, engine=engine)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", r"data.json:1: not valid JSON"),
        ('{"full_text": "x"}', "expected a JSON array"),
        (
            '[{"full_text": "abc", "spans": [], "template_id": 1}, {"spans": []}]',
            r"record 2: field 'full_text'",
        ),
        ('[{"full_text": "abc", "spans": []}]', r"record 1: field 'template_id'"),
        (
            '[{"full_text": "abc", "spans": '
            '[{"entity_type": "PERSON", "start_position": 1, "end_position": 9}]}]',
            r"record 1: field 'spans\[0\]': offsets 1:9",
        ),
    ],
)
def test_a_malformed_dataset_names_the_record_and_field(engine, tmp_path, content, message):
    path = tmp_path / "data.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        run_eval_pii(path, engine=engine)


def test_a_missing_dataset_is_a_user_error(engine, tmp_path):
    with pytest.raises(UserError, match="dataset not found"):
        run_eval_pii(tmp_path / "nope.json", engine=engine)


def test_the_cli_scores_a_demo_set_named_by_its_directory_from_any_directory(
    engine, tmp_path, monkeypatch, capsys
):
    from auditor import cli
    from auditor.pii import evaluate

    demo = tmp_path / "my_demo"
    demo.mkdir()
    write_jsonl(demo / "items.jsonl", [{"id": "a", "prompt": "Who?", "response": "Call +44 20 7946 0958."}])
    span = {"start": 5, "end": 21, "label": "PHONE_NUMBER"}
    label = {"item_id": "a", "annotator": "x", "criterion": "pii_leakage", "label": "leak", "spans": [span]}
    write_jsonl(demo / "labels.jsonl", [label])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setattr(evaluate, "get_engine", lambda: engine)

    assert cli.main(["eval-pii", "--demo", str(demo)]) == 0
    out = capsys.readouterr().out
    assert f"{evaluate.DEMO_TITLE}: my_demo, 1 documents" in out
    spans = next(line for line in out.splitlines() if "spans, same type" in line)
    assert spans.split()[-2:] == ["1", "1"]  # one gold span, one predicted
    # without --demo the default is the demo set relative to the current directory: not here
    assert cli.main(["eval-pii"]) == 2
    assert "examples/seller_support/items.jsonl" in capsys.readouterr().err
