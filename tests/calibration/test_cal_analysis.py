"""Joining verdicts and labels: references, ceilings, disagreements, counts, slices."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

from auditor.calibration.analysis import Options, analyse
from auditor.calibration.compare import Settings
from auditor.calibration.loading import JudgeVerdict, VerdictSet
from auditor.errors import UserError
from auditor.types import HumanLabel

OPTIONS = Options(settings=Settings(n_boot=200, seed=0))


def scores(
    criterion: str, judge: str, values: dict[str, float | None], unscored: str | None = None
) -> list[JudgeVerdict]:
    return [
        JudgeVerdict(item, criterion, judge, v, None, unscored_reason=unscored if v is None else None)
        for item, v in values.items()
    ]


def human(criterion: str, annotator: str, values: dict[str, float | str]) -> list[HumanLabel]:
    return [
        HumanLabel(
            item_id=item,
            annotator=annotator,
            criterion=criterion,
            score=v if isinstance(v, float) else None,
            label=v if isinstance(v, str) else None,
        )
        for item, v in values.items()
    ]


def verdict_set(
    verdicts: list[JudgeVerdict], metadata: dict[str, dict[str, str]] | None = None
) -> VerdictSet:
    return VerdictSet(path=Path("records.jsonl"), verdicts=verdicts, metadata=metadata or {})


def test_scores_are_compared_with_the_annotators_mean_and_kappa_with_it_rounded_half_up() -> None:
    ann_a = {"i1": 1.0, "i2": 2.0, "i3": 4.0, "i4": 5.0, "i5": 3.0}
    ann_b = {"i1": 2.0, "i2": 2.0, "i3": 5.0, "i4": 5.0, "i5": 3.0}
    judge = {"i1": 2.0, "i2": 2.0, "i3": 4.0, "i4": 4.0, "i5": 3.0}
    report = analyse(
        verdict_set(scores("accuracy", "j", dict(judge))),
        human("accuracy", "ann_a", dict(ann_a)) + human("accuracy", "ann_b", dict(ann_b)),
        OPTIONS,
    )["accuracy"]
    jr = report.judges["j"]
    # Means 1.5, 2, 4.5, 5, 3 -> rounded half up 2, 2, 5, 5, 3.
    rounded = [2.0, 2.0, 5.0, 5.0, 3.0]
    assert jr.vs_reference.statistics["agreement"].value == pytest.approx(0.6)
    assert jr.vs_reference.statistics["cohen_kappa"].value == pytest.approx(
        cohen_kappa_score(list(judge.values()), rounded, labels=[1.0, 2.0, 3.0, 4.0, 5.0])
    )
    assert jr.vs_reference.statistics["mae"].value == pytest.approx((0.5 + 0 + 0.5 + 1 + 0) / 5)
    assert jr.vs_annotators["ann_a"].statistics["agreement"].value == pytest.approx(0.6)
    assert report.ceiling is not None and report.ceiling.statistics["agreement"].value == pytest.approx(0.6)
    # Humans disagree on i1 and i3 (spread 1 each); listed with both judges' and annotators' values.
    assert [(d.item_id, d.annotators, d.reference, d.judges) for d in report.disagreements] == [
        ("i1", {"ann_a": "1", "ann_b": "2"}, "1.5", {"j": "2"}),
        ("i3", {"ann_a": "4", "ann_b": "5"}, "4.5", {"j": "4"}),
    ]


def test_labels_use_the_majority_and_items_without_one_are_counted_and_listed() -> None:
    labels = (
        human("tone", "a1", {"i1": "ok", "i2": "rude", "i3": "ok"})
        + human("tone", "a2", {"i1": "ok", "i2": "ok", "i3": "ok"})
        + human("tone", "a3", {"i1": "rude", "i2": "ok"})
    )
    verdicts = [
        JudgeVerdict(i, "tone", "j", None, lab) for i, lab in {"i1": "ok", "i2": "ok", "i3": "rude"}.items()
    ]
    report = analyse(verdict_set(verdicts), labels, OPTIONS)["tone"]
    jr = report.judges["j"]
    assert jr.vs_reference.n_items == 3  # i1 ok (2 of 3), i2 ok (2 of 3), i3 ok (2 of 2)
    assert jr.vs_reference.statistics["agreement"].value == pytest.approx(2 / 3)
    assert report.ceiling is not None and report.ceiling.rater == "annotator pairs (pooled)"
    # Pairs: i1 (ok,ok)(ok,rude)(ok,rude), i2 (rude,ok)(rude,ok)(ok,ok), i3 (ok,ok) -> 3 of 7 agree.
    assert report.ceiling.statistics["agreement"].value == pytest.approx(3 / 7)

    tie = human("tone", "a1", {"i1": "ok"}) + human("tone", "a2", {"i1": "rude"})
    report = analyse(verdict_set([JudgeVerdict("i1", "tone", "j", None, "ok")]), tie, OPTIONS)["tone"]
    assert report.judges["j"].counts.n_without_reference == 1
    assert report.judges["j"].vs_reference.n_items == 0
    assert report.disagreements[0].reference is None


def test_unscored_and_valueless_verdicts_are_counted_not_compared() -> None:
    verdicts = scores(
        "accuracy", "j", {"i1": 4.0, "i2": None, "i3": None}, unscored="judge reply unparseable"
    )
    verdicts.append(JudgeVerdict("i4", "accuracy", "j", None, "good"))  # a label where scores are compared
    verdicts.append(JudgeVerdict("i9", "accuracy", "j", 3.0, None))  # nobody labelled i9
    labels = human("accuracy", "ann", {"i1": 4.0, "i2": 3.0, "i3": 2.0, "i4": 5.0})
    counts = analyse(verdict_set(verdicts), labels, OPTIONS)["accuracy"].judges["j"].counts
    assert counts.n_verdicts == 5
    assert counts.n_unscored == 2 and counts.unscored_reasons == {"judge reply unparseable": 2}
    assert counts.n_without_value == 1
    assert counts.n_without_human_label == 1
    assert counts.n_compared == 1


def test_binary_positive_class_is_the_failure() -> None:
    labels = human("pii", "ann", {f"i{k}": ("leak" if k < 4 else "no_leak") for k in range(12)})
    verdicts = [JudgeVerdict(f"i{k}", "pii", "j", None, "leak" if k < 3 else "no_leak") for k in range(12)]
    report = analyse(verdict_set(verdicts), labels, OPTIONS)["pii"]
    assert (report.positive, report.positive_source) == ("leak", "a label that names a failure")
    assert report.judges["j"].vs_reference.statistics["recall"].value == pytest.approx(3 / 4)

    # Labels that name no failure: binary statistics only when told which label is the failure.
    labels = human("style", "ann", {f"i{k}": ("formal" if k < 4 else "casual") for k in range(12)})
    verdicts = [JudgeVerdict(f"i{k}", "style", "j", None, "formal") for k in range(12)]
    report = analyse(verdict_set(verdicts), labels, OPTIONS)["style"]
    assert report.positive is None and "recall" not in report.judges["j"].vs_reference.statistics
    assert any("cannot tell which of the two labels is the failure" in n for n in report.notes)
    told = Options(settings=OPTIONS.settings, positive={"style": "casual"})
    report = analyse(verdict_set(verdicts), labels, told)["style"]
    assert (report.positive, report.positive_source) == ("casual", "chosen explicitly")
    assert report.judges["j"].vs_reference.statistics["precision"].value is None  # never said 'casual'


def test_verdicts_with_passed_false_name_the_failure_label() -> None:
    labels = human("policy", "ann", {"i1": "violates", "i2": "complies"})
    verdicts = [
        JudgeVerdict("i1", "policy", "j", None, "violates", passed=False),
        JudgeVerdict("i2", "policy", "j", None, "complies", passed=True),
    ]
    report = analyse(verdict_set(verdicts), labels, OPTIONS)["policy"]
    assert (report.positive, report.positive_source) == (
        "violates",
        "the label judges gave with passed=false",
    )


def test_slices_are_all_reported_and_thin_ones_marked_too_small() -> None:
    items = {f"i{k}": float(1 + k % 5) for k in range(40)}
    metadata = {i: {"marketplace": "DE" if k < 30 else "FR"} for k, i in enumerate(items)}
    metadata["i39"] = {}
    report = analyse(
        verdict_set(scores("accuracy", "j", dict(items)), metadata),
        human("accuracy", "ann", dict(items)),
        Options(settings=OPTIONS.settings, by=("marketplace",)),
    )["accuracy"]
    slices = {s.value: s.comparison for s in report.judges["j"].slices}
    assert {k: c.n_items for k, c in slices.items()} == {"DE": 30, "FR": 9, "(missing)": 1}
    assert slices["DE"].too_small is None
    assert slices["FR"].too_small == "only 9 items (fewer than 10)"
    assert slices["FR"].statistics["agreement"].value == 1.0  # still computed, just marked


def test_a_slice_field_nobody_has_is_a_user_error_naming_the_fields() -> None:
    vs = verdict_set(scores("accuracy", "j", {"i1": 3.0}), {"i1": {"language": "de"}})
    with pytest.raises(
        UserError, match="--by marketplace: no item's metadata has 'marketplace'; fields available: language"
    ):
        analyse(
            vs, human("accuracy", "ann", {"i1": 3.0}), Options(settings=OPTIONS.settings, by=("marketplace",))
        )


def test_no_overlap_at_all_names_both_sides() -> None:
    with pytest.raises(
        UserError, match=r"verdicts look like \('item-1', 'accuracy'\), labels like \('ss-001', 'accuracy'\)"
    ):
        analyse(
            verdict_set(scores("accuracy", "j", {"item-1": 3.0})),
            human("accuracy", "ann", {"ss-001": 3.0}),
            OPTIONS,
        )


def test_a_criterion_mixing_scores_and_labels_is_a_user_error() -> None:
    labels = human("accuracy", "a1", {"i1": 3.0}) + human("accuracy", "a2", {"i1": "good"})
    with pytest.raises(UserError, match="criterion 'accuracy': human labels mix scores and labels"):
        analyse(verdict_set(scores("accuracy", "j", {"i1": 3.0})), labels, OPTIONS)


def test_one_annotator_has_no_ceiling_and_says_so() -> None:
    report = analyse(
        verdict_set(scores("accuracy", "j", {"i1": 3.0})), human("accuracy", "ann", {"i1": 3.0}), OPTIONS
    )
    assert report["accuracy"].ceiling is None
    assert "one annotator only: no human-human agreement (ceiling)" in report["accuracy"].notes
