"""End to end: run_calibration on a small run and labels file writes every output, NaN-free."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cal_builders import record, verdict, write_jsonl, write_records

from auditor.calibration import CalibrationResult, Target, run_calibration
from auditor.cli import main
from auditor.errors import UserError
from auditor.types import AuditRecord

PNG = b"\x89PNG\r\n\x1a\n"


def strict_json(path: Path) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{path.name} contains {constant}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def make_inputs(tmp_path: Path, n: int = 40) -> tuple[Path, Path]:
    """A run of two judges on n items (accuracy 1-5 and pii_leakage) and two annotators' labels."""
    rng = np.random.default_rng(0)
    records: list[AuditRecord] = []
    labels: list[dict[str, Any]] = []
    for k in range(n):
        item = f"it-{k:03d}"
        truth = int(rng.integers(1, 6))
        leak = k % 4 == 0
        a, b = truth, int(np.clip(truth + rng.choice([-1, 0, 0, 0]), 1, 5))
        labels += [
            {"item_id": item, "annotator": "ann_a", "criterion": "accuracy", "score": a},
            {"item_id": item, "annotator": "ann_b", "criterion": "accuracy", "score": b},
            {
                "item_id": item,
                "annotator": "ann_a",
                "criterion": "pii_leakage",
                "label": "leak" if leak else "no_leak",
            },
            {
                "item_id": item,
                "annotator": "ann_b",
                "criterion": "pii_leakage",
                "label": "leak" if leak else "no_leak",
            },
        ]
        conf = float(rng.uniform(0.3, 1.0))
        guess = truth if rng.random() < conf else int(np.clip(truth + 1, 1, 5))
        said_leak = leak if rng.random() < 0.9 else not leak
        verdicts = [
            verdict("llm", "accuracy", score=guess, confidence=round(conf, 2))
            if k % 10
            else verdict("llm", "accuracy", unscored="reply was not valid JSON"),
            verdict("baseline", "accuracy", score=3),
            verdict("pii", "pii_leakage", label="leak" if said_leak else "no_leak", passed=not said_leak),
            verdict("style", "tone", score=4),
        ]
        records.append(record(item, verdicts, marketplace="DE" if k < 30 else "FR"))
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    write_records(run_dir / "records.jsonl", records)
    return run_dir, write_jsonl(tmp_path / "labels.jsonl", labels)


def test_writes_every_output_with_statistics_and_intervals(tmp_path: Path) -> None:
    run_dir, labels = make_inputs(tmp_path)
    out = tmp_path / "calibration"
    result = run_calibration(run_dir, labels, out, by=["marketplace"], n_boot=200)
    assert isinstance(result, CalibrationResult)
    names = sorted(p.name for p in result.files)
    assert names == sorted(
        [
            "calibration.json",
            "calibration.md",
            "thresholds.json",
            "agreement_accuracy.png",
            "agreement_pii_leakage.png",
            "confusion_accuracy_baseline.png",
            "confusion_accuracy_llm.png",
            "confusion_pii_leakage_pii.png",
            "reliability_accuracy_llm.png",
        ]
    )
    for path in result.files:
        assert path.parent == out and path.stat().st_size > 0
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == PNG

    data = strict_json(out / "calibration.json")
    llm = data["criteria"]["accuracy"]["judges"]["llm"]
    assert llm["counts"]["n_unscored"] == 4
    assert llm["counts"]["unscored_reasons"] == {"reply was not valid JSON": 4}
    assert llm["vs_reference"]["n_items"] == 36
    expected = {
        "agreement", "cohen_kappa", "kappa_linear", "kappa_quadratic", "alpha_nominal", "alpha_ordinal",
        "alpha_interval", "gwet_ac1", "pearson", "spearman", "kendall_tau_b", "mae",
    }  # fmt: skip
    assert set(llm["vs_reference"]["statistics"]) == expected
    for key, est in llm["vs_reference"]["statistics"].items():
        low, high = est["ci95"]
        assert low <= est["value"] <= high, key
    assert set(llm["vs_annotators"]) == {"ann_a", "ann_b"}
    assert data["criteria"]["accuracy"]["ceiling"]["rater"] == "ann_a vs ann_b"
    pii = data["criteria"]["pii_leakage"]
    assert pii["positive"] == "leak"
    assert {"precision", "recall", "f1", "tnr"} <= set(pii["judges"]["pii"]["vs_reference"]["statistics"])
    assert pii["judges"]["pii"]["prevalence"]["corrected"]["value"] is not None
    assert data["notes"] == ["criterion 'tone' has verdicts but no human labels: not calibrated"]
    # The constant baseline: no correlation, with the reason, as null (not NaN).
    pearson = data["criteria"]["accuracy"]["judges"]["baseline"]["vs_reference"]["statistics"]["pearson"]
    assert pearson == {
        "value": None,
        "ci95": None,
        "reason": "undefined: a rater gives every item the same value",
        "undefined_resamples": 0,
    }
    slices = {s["value"]: s["comparison"] for s in llm["slices"]}
    assert slices["FR"]["too_small"] == "only 9 items (fewer than 10)"

    thresholds = strict_json(out / "thresholds.json")
    assert thresholds["version"] == 1
    entry = thresholds["criteria"]["accuracy"]
    assert entry["judge"] == "llm" and entry["target"] == {"metric": "agreement", "value": 0.9}
    assert set(entry) >= {"min_confidence", "achieved", "auto_accept_share", "n", "reason"}
    assert entry["n"] == 36
    # the judge it was measured on, from the records' provenance, so routing can tell a stale file
    assert entry["identity"] == {
        "judge": "llm",
        "backend": "baseline",
        "model": None,
        "prompt_version": None,
        "rubric_version": None,
    }

    report = (out / "calibration.md").read_text(encoding="utf-8")
    for text in (
        "## accuracy (scores: 1, 2, 3, 4, 5)",
        "### accuracy — judge `llm`",
        "4 unscored (reply was not valid JSON (4))",
        "humans: ann_a vs ann_b (ceiling)",
        "Positive class (the failure): **leak**",
        "Slices by `marketplace`",
        "too small: only 9 items (fewer than 10)",
        "expected calibration error",
        "Rogan-Gladen",
        "Pre-labelling threshold (agreement >= 0.9)",
        "items where the humans disagree",
        "criterion 'tone' has verdicts but no human labels",
    ):
        assert text in report, text


def test_degenerate_inputs_give_reasons_not_nan(tmp_path: Path) -> None:
    # Everyone says no_leak; one accuracy item; the judge is constant.
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    write_records(
        run_dir / "records.jsonl",
        [record(f"i{k}", [verdict("pii", "pii_leakage", label="no_leak")]) for k in range(5)]
        + [record("solo", [verdict("llm", "accuracy", score=4, confidence=0.9)])],
    )
    labels = write_jsonl(
        tmp_path / "labels.jsonl",
        [
            {"item_id": f"i{k}", "annotator": "ann", "criterion": "pii_leakage", "label": "no_leak"}
            for k in range(5)
        ]
        + [{"item_id": "solo", "annotator": "ann", "criterion": "accuracy", "score": 4}],
    )
    out = tmp_path / "out"
    run_calibration(run_dir, labels, out, n_boot=200, positive={"pii_leakage": "leak"})
    data = strict_json(out / "calibration.json")
    pii = data["criteria"]["pii_leakage"]["judges"]["pii"]
    assert pii["vs_reference"]["statistics"]["cohen_kappa"]["reason"] == "undefined: one category only"
    assert pii["prevalence"]["corrected"]["value"] is None
    assert "TPR or TNR cannot be measured" in pii["prevalence"]["corrected"]["reason"]
    solo = data["criteria"]["accuracy"]["judges"]["llm"]["vs_reference"]
    assert solo["n_items"] == 1 and solo["too_small"] == "only 1 item (fewer than 10)"
    assert solo["statistics"]["mae"]["reason"] == "one item: no confidence interval"
    thresholds = strict_json(out / "thresholds.json")
    assert thresholds["criteria"]["accuracy"]["min_confidence"] is None
    assert "only 1 labelled verdicts carry a confidence" in thresholds["criteria"]["accuracy"]["reason"]
    assert "undefined: one category only" in (out / "calibration.md").read_text(encoding="utf-8")


def pairwise_inputs(tmp_path: Path) -> tuple[Path, Path]:
    """Judge j picks A on 12 items in both orders; two annotators pick A too."""
    verdicts = write_jsonl(
        tmp_path / "pairs.jsonl",
        [
            {"item_id": f"p{k}", "judge": "j", "winner": "A", "swapped": s}
            for k in range(12)
            for s in (False, True)
        ],
    )
    labels = write_jsonl(
        tmp_path / "human_pairs.jsonl",
        [{"item_id": f"p{k}", "annotator": a, "winner": "A"} for k in range(12) for a in ("ann_a", "ann_b")],
    )
    return verdicts, labels


def test_pairwise_mode_writes_its_report(tmp_path: Path) -> None:
    verdicts, labels = pairwise_inputs(tmp_path)
    result = run_calibration(verdicts, labels, tmp_path / "out", pairwise=True, n_boot=200)
    assert sorted(p.name for p in result.files) == ["calibration.json", "calibration.md", "pairwise.png"]
    data = strict_json(tmp_path / "out" / "calibration.json")
    judge = data["pairwise"]["judges"]["j"]
    assert judge["accuracy"]["value"] == 1.0 and judge["consistency"]["value"] == 1.0
    assert judge["position_bias"]["reason"] == "undefined: no inconsistent item"
    assert "## Pairwise judges" in (tmp_path / "out" / "calibration.md").read_text(encoding="utf-8")


def test_pairwise_verdicts_are_recognised_without_the_flag(tmp_path: Path) -> None:
    verdicts, labels = pairwise_inputs(tmp_path)
    out = tmp_path / "out"
    code = main(
        [
            "calibrate",
            "--verdicts",
            str(verdicts),
            "--human",
            str(labels),
            "--out",
            str(out),
            "--n-boot",
            "200",
        ]
    )
    assert code == 0
    data = strict_json(out / "calibration.json")
    assert data["settings"]["pairwise"] is True
    assert data["pairwise"]["judges"]["j"]["accuracy"]["value"] == 1.0
    assert "recognised on the first line" in (out / "calibration.md").read_text(encoding="utf-8")


def test_settings_errors_are_user_errors(tmp_path: Path) -> None:
    run_dir, labels = make_inputs(tmp_path, n=5)
    with pytest.raises(UserError, match="too few for a 95% CI"):
        run_calibration(run_dir, labels, tmp_path / "out", n_boot=10)
    with pytest.raises(UserError, match="--by language"):
        run_calibration(run_dir, labels, tmp_path / "out", by=["language"], n_boot=200)


def test_precision_target_reaches_thresholds_json(tmp_path: Path) -> None:
    run_dir, labels = make_inputs(tmp_path)
    run_calibration(run_dir, labels, tmp_path / "out", n_boot=200, target=Target("precision", 0.8))
    thresholds = strict_json(tmp_path / "out" / "thresholds.json")
    assert thresholds["judges"]["accuracy"]["llm"]["target"]["metric"] == "agreement"  # not binary
    assert "precision needs a binary criterion" in thresholds["judges"]["accuracy"]["llm"]["reason"]
    assert thresholds["criteria"]["pii_leakage"]["target"] == {"metric": "precision", "value": 0.8}
