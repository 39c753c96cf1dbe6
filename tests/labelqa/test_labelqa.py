"""`auditor check-labels`: planted guideline violations, a planted contrarian, statistics checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from auditor.calibration import run_calibration
from auditor.cli import main
from auditor.labelqa.agreement import Options
from auditor.labelqa.command import run_check_labels
from auditor.labelqa.guidelines import DEFAULT_GUIDELINES

GUIDELINES = DEFAULT_GUIDELINES
# The true relevance of items i0..i19, and what four careful annotators and one contrarian say.
TRUTH = [1, 2, 3, 4, 5, 3, 2, 4, 5, 1, 3, 4, 2, 5, 1, 4, 3, 2, 5, 4]
SLIP = {"b": {3: 3}, "c": {7: 5, 12: 3}, "e": {16: 4}}  # item -> the careful annotator's slip
RESPONSE = "Your order ships Monday; write to ana@example.com with questions."


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def score_of(annotator: str, k: int) -> int:
    if annotator == "d":
        return 6 - TRUTH[k]
    return SLIP.get(annotator, {}).get(k, TRUTH[k])


def relevance(annotator: str, k: int) -> dict[str, Any]:
    score = score_of(annotator, k)
    row: dict[str, Any] = {
        "item_id": f"i{k}",
        "annotator": annotator,
        "criterion": "relevance",
        "score": score,
    }
    if score <= 2:
        row["note"] = "answers another question"
    return row


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    items = write_jsonl(
        tmp_path / "items.jsonl", [{"id": f"i{k}", "prompt": "q", "response": RESPONSE} for k in range(20)]
    )
    rows = [relevance(a, k) for a in "abcde" for k in range(20)]
    labels = write_jsonl(tmp_path / "labels.jsonl", rows)
    return labels, items


def run(labels: Path, items: Path, out: Path, **kw: Any) -> Any:
    return run_check_labels(labels, items, GUIDELINES, out, options=Options(n_boot=200), **kw)


def test_each_planted_violation_is_found_with_its_line_and_field(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    _, items = inputs
    start = RESPONSE.index("ana@")
    email = {"start": start, "end": start + len("ana@example.com"), "label": "EMAIL"}
    pii = {"criterion": "pii_leakage", "item_id": "i0"}
    rows = [
        {**pii, "annotator": "a", "label": "leak", "spans": [{**email, "text": "ana@example.com"}]},  # 1 ok
        {**pii, "annotator": "b", "label": "leak"},  # 2: a leak without spans
        {**pii, "annotator": "c", "label": "leak", "spans": [{**email, "text": "bob@example.com"}]},  # 3
        {**pii, "annotator": "a", "label": "leak", "spans": [email]},  # 4: a second label by a
        {**pii, "item_id": "i1", "annotator": "a", "label": "maybe"},  # 5: not an allowed label
        {"item_id": "i2", "annotator": "a", "criterion": "relevance", "score": 7},  # 6: not allowed
        {"item_id": "i2", "annotator": "b", "criterion": "relevance", "score": 1},  # 7: no note
        {"item_id": "i2", "annotator": "c", "criterion": "relevance", "score": 4, "remark": "x"},  # 8
        {**pii, "item_id": "i3", "annotator": "a", "label": "leak", "spans": [{**email, "end": 999}]},  # 9
    ]
    labels = write_jsonl(tmp_path / "bad.jsonl", rows)
    result = run(labels, items, tmp_path / "out")
    found = {(v.rule, v.line, v.field) for v in result.violations}
    assert {
        ("spans_required", 2, "spans"),
        ("span_text", 3, "spans.0.text"),
        ("one_label", 4, "annotator"),
        ("allowed_value", 5, "label"),
        ("allowed_value", 6, "score"),
        ("note_required", 7, "note"),
        ("unreadable_label", 8, "remark"),
        ("span_text", 9, "spans.0"),
    } <= found
    counts = {v.message.split(":")[0] for v in result.violations if v.rule == "annotator_count"}
    # i1 and i3 have one annotator; i2 has two readable relevance labels; i0 has three.
    assert counts == {
        "item 'i1', criterion 'pii_leakage'",
        "item 'i2', criterion 'relevance'",
        "item 'i3', criterion 'pii_leakage'",
    }
    assert all(v.file == str(labels) for v in result.violations)
    report = (tmp_path / "out" / "labelqa.md").read_text(encoding="utf-8")
    assert "broken rule(s)" in report and "note_required" in report
    assert (
        "bob@example.com" not in report
        and "bob@example.com" not in (tmp_path / "out" / "labelqa.json").read_text()
    )


def test_the_contrarian_is_flagged_and_the_careful_annotators_are_not(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    labels, items = inputs
    result = run(labels, items, tmp_path / "out")
    assert result.violations == []
    assert result.flagged == ["d"]
    rel = result.criteria["relevance"]
    d = rel.annotators["d"]
    assert d.flag_reason is not None and "kappa_quadratic" in d.flag_reason
    assert all(rel.annotators[a].with_consensus["kappa_quadratic"].value > 0.6 for a in "abce")
    data = json.loads((tmp_path / "out" / "labelqa.json").read_text(encoding="utf-8"))
    assert data["flagged_annotators"] == ["d"] and data["guidelines"] == "annotation_guidelines@1"
    # The contrarian's 1-vs-5 makes every extreme item wide: those go to adjudication.
    wide = {e["item_id"] for e in rel.adjudicate}
    assert wide == {f"i{k}" for k, t in enumerate(TRUTH) if abs((6 - t) - t) >= 2}


def test_statistics_match_sklearn_and_krippendorff(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    labels, items = inputs
    rel = run(labels, items, tmp_path / "out").criteria["relevance"]
    a = [score_of("a", k) for k in range(20)]
    c = [score_of("c", k) for k in range(20)]
    pair = rel.annotators["a"].with_others["c"]
    assert pair["kappa_quadratic"].value == pytest.approx(cohen_kappa_score(a, c, weights="quadratic"))
    alpha = krippendorff.alpha(reliability_data=[a, c], level_of_measurement="ordinal")
    assert pair["alpha_ordinal"].value == pytest.approx(alpha)
    low, high = pair["kappa_quadratic"].ci95 or (np.nan, np.nan)
    assert low <= pair["kappa_quadratic"].value <= high
    # The contrarian against the others' mean (nearest score, ties up) and the offset.
    d = [score_of("d", k) for k in range(20)]
    others = [np.mean([score_of(x, k) for x in "abce"]) for k in range(20)]
    nearest = [int(np.floor(m + 0.5)) for m in others]
    got = rel.annotators["d"]
    assert got.with_consensus["kappa_quadratic"].value == pytest.approx(
        cohen_kappa_score(d, nearest, weights="quadratic", labels=[1, 2, 3, 4, 5])
    )
    assert got.offset == pytest.approx(float(np.mean(np.array(d) - np.array(others))))


def test_gold_accuracy(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    labels, items = inputs
    gold_rows = [
        {"item_id": f"i{k}", "annotator": "expert", "criterion": "relevance", "score": TRUTH[k]}
        for k in range(10)
    ]
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_rows)
    rel = run(labels, items, tmp_path / "out", gold=gold).criteria["relevance"]
    assert rel.annotators["a"].gold_accuracy == 1.0 and rel.annotators["a"].gold_items == 10
    assert rel.annotators["c"].gold_accuracy == pytest.approx(0.9)  # slipped on i7
    expected = np.mean([6 - TRUTH[k] == TRUTH[k] for k in range(10)])
    assert rel.annotators["d"].gold_accuracy == pytest.approx(expected)


def test_cli_exits_1_on_a_broken_rule_and_0_when_clean(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    labels, items = inputs
    common = ["--items", str(items), "--guidelines", str(GUIDELINES), "--n-boot", "200"]
    assert main(["check-labels", str(labels), *common, "--out", str(tmp_path / "ok")]) == 0
    bad = write_jsonl(
        tmp_path / "bad.jsonl", [{"item_id": "i0", "annotator": "a", "criterion": "relevance", "score": 9}]
    )
    assert main(["check-labels", str(bad), *common, "--out", str(tmp_path / "bad")]) == 1
    assert (tmp_path / "bad" / "labelqa.md").is_file()


def test_calibrate_leaves_excluded_annotators_out_and_says_so(
    tmp_path: Path, inputs: tuple[Path, Path]
) -> None:
    labels, _ = inputs
    verdicts = write_jsonl(
        tmp_path / "verdicts.jsonl",
        [
            {"item_id": f"i{k}", "criterion": "relevance", "judge": "llm", "score": t}
            for k, t in enumerate(TRUTH)
        ],
    )
    kept = run_calibration(verdicts, labels, tmp_path / "all", n_boot=200)
    dropped = run_calibration(verdicts, labels, tmp_path / "cal", n_boot=200, exclude_annotators=["d"])
    assert "annotators left out: d (20 labels)" in dropped.notes
    assert "annotators left out: d" in (tmp_path / "cal" / "calibration.md").read_text(encoding="utf-8")
    key = "kappa_quadratic"

    def kappa(result: Any) -> float:
        return float(result.criteria["relevance"].judges["llm"].vs_reference.statistics[key].value)

    assert kappa(dropped) > kappa(kept)
