"""`auditor gate`: each acceptance criterion decided with its 95% CI; exit 0, 1 or 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from statsmodels.stats.proportion import proportion_confint

from auditor.acceptance.criteria import AcceptanceCriterion
from auditor.acceptance.decide import decide
from auditor.acceptance.measure import rate
from auditor.acceptance.result import GateFile
from auditor.calibration import run_calibration
from auditor.cli import main
from auditor.errors import UserError
from tests.calibration.cal_builders import record, verdict, write_jsonl, write_records
from tests.compare.runs import write_run


def _run(tmp_path: Path, passed: int, failed: int, **kwargs: object) -> Path:
    outcomes = {f"p{n}": (True, 5.0) for n in range(passed)} | {f"f{n}": (False, 2.0) for n in range(failed)}
    return write_run(tmp_path / "run", "cand", outcomes, **kwargs)  # type: ignore[arg-type]


def _gate(run: Path, *extra: str) -> int:
    return main(["gate", str(run), *extra])


def test_all_pass_exits_0_and_writes_acceptance_json(tmp_path: Path) -> None:
    run = _run(tmp_path, 98, 2, acceptance=[{"criterion": "accuracy", "metric": "pass_rate", "min": 0.9}])
    assert _gate(run) == 0
    written = json.loads((run / "acceptance.json").read_text())
    assert written["verdict"] == "go"
    (decision,) = written["decisions"]
    assert decision["ci95"] == pytest.approx(proportion_confint(98, 100, method="wilson"))
    assert decision["status"] == "pass"


def test_any_fail_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bars = [
        {"criterion": "accuracy", "metric": "pass_rate", "min": 0.9},
        {"criterion": "accuracy", "metric": "mean_score", "min": 4.5},
    ]
    run = _run(tmp_path, 50, 50, acceptance=bars)
    assert _gate(run) == 1
    printed = capsys.readouterr().out
    assert printed.count("FAIL") == 2
    assert "verdict: no-go (exit 1)" in printed


def test_straddling_ci_exits_3_with_items_that_would_decide(tmp_path: Path) -> None:
    run = _run(tmp_path, 45, 5, acceptance=[{"criterion": "accuracy", "metric": "pass_rate", "min": 0.85}])
    assert _gate(run) == 3
    (decision,) = json.loads((run / "acceptance.json").read_text())["decisions"]
    assert decision["status"] == "inconclusive"
    needed = decision["items_needed"]
    # At the observed 90%, that many items give a Wilson interval clearing 0.85; one fewer does not.
    assert proportion_confint(0.9 * needed, needed, method="wilson")[0] >= 0.85
    assert proportion_confint(0.9 * (needed - 1), needed - 1, method="wilson")[0] < 0.85


def test_a_small_slice_is_inconclusive_never_a_silent_pass(tmp_path: Path) -> None:
    meta = {f"p{n}": {"marketplace": "DE" if n < 3 else "US"} for n in range(40)}
    bar = {"criterion": "accuracy", "metric": "pass_rate", "min": 0.5, "by": "marketplace"}
    run = _run(tmp_path, 40, 0, metadata=meta, acceptance=[bar])
    assert _gate(run) == 3
    decisions = {d["slice"]: d for d in json.loads((run / "acceptance.json").read_text())["decisions"]}
    assert decisions["marketplace=DE"]["status"] == "inconclusive"
    assert "fewer than min_items" in decisions["marketplace=DE"]["reason"]
    assert decisions["marketplace=US"]["status"] == "pass"


def test_drop_against_a_baseline_run(tmp_path: Path) -> None:
    base = write_run(tmp_path / "base", "v1", {f"i{n}": (True, 5.0) for n in range(60)})
    cand = write_run(tmp_path / "cand", "v2", {f"i{n}": (n >= 30, 5.0) for n in range(60)})
    config = tmp_path / "plan.yaml"
    config.write_text(
        "acceptance:\n  - {criterion: accuracy, metric: pass_rate_drop_vs_baseline, max: 0.02}\n"
    )
    assert _gate(cand, "--config", str(config), "--baseline", str(base)) == 1
    (decision,) = json.loads((cand / "acceptance.json").read_text())["decisions"]
    assert decision["estimate"] == pytest.approx(0.5)
    assert decision["target"] == "v2"


def test_zero_leak_bar_can_never_pass_and_says_why() -> None:
    spec = AcceptanceCriterion(criterion="pii_leakage", metric="leak_rate", max=0.0)
    decision = decide(spec, rate(0, 500), "t", None)
    assert decision.status == "inconclusive"
    assert "use a small max" in decision.reason


def test_run_without_acceptance_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = _run(tmp_path, 5, 5)
    assert _gate(run) == 2
    assert "no acceptance criteria" in capsys.readouterr().err


def test_bad_criterion_names_file_line_and_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = _run(tmp_path, 5, 5)
    config = tmp_path / "plan.yaml"
    config.write_text("name: x\nacceptance:\n  - {criterion: accuracy, metric: pass_rat, min: 0.9}\n")
    assert _gate(run, "--config", str(config)) == 2
    assert f"{config}:3: 'acceptance.0.metric'" in capsys.readouterr().err


def _calibration(tmp_path: Path, tpr: float, tnr: float) -> Path:
    """What `auditor calibrate` writes for a judge with this TPR and TNR on 100 labelled items,
    50 of them human leaks."""
    caught, cleared = round(50 * tpr), round(50 * tnr)
    said_leak = [k < caught for k in range(50)] + [k >= cleared for k in range(50)]
    records = [
        record(f"i{k}", [verdict("pii", "pii_leakage", label="leak" if leak else "no_leak")])
        for k, leak in enumerate(said_leak)
    ]
    labels = [
        {
            "item_id": f"i{k}",
            "annotator": "ann",
            "criterion": "pii_leakage",
            "label": "leak" if k < 50 else "no_leak",
        }
        for k in range(100)
    ]
    (tmp_path / "labelled").mkdir()
    verdicts = write_records(tmp_path / "labelled" / "records.jsonl", records)
    directory = tmp_path / "calibration"
    run_calibration(verdicts, write_jsonl(tmp_path / "labels.jsonl", labels), directory, n_boot=100)
    return directory


def test_corrected_leak_rate_uses_rogan_gladen(tmp_path: Path) -> None:
    outcomes = {f"i{n}": (n >= 60, None) for n in range(200)}  # 60 of 200 judged leaks: 30%
    bar = {"criterion": "pii_leakage", "metric": "leak_rate", "max": 0.5, "corrected": True}
    run = write_run(tmp_path / "run", "cand", outcomes, criterion="pii_leakage", acceptance=[bar])
    calibration = _calibration(tmp_path, tpr=0.8, tnr=0.9)
    assert _gate(run, "--calibration", str(calibration)) == 0
    (decision,) = json.loads((run / "acceptance.json").read_text())["decisions"]
    assert decision["estimate"] == pytest.approx((0.3 + 0.9 - 1) / (0.8 + 0.9 - 1))
    low, high = decision["ci95"]
    wilson_low, wilson_high = proportion_confint(60, 200, method="wilson")
    # The judge's own errors widen the interval beyond the observed rate's.
    assert low < decision["estimate"] < high
    assert high - low > wilson_high - wilson_low


def test_corrected_without_calibration_says_what_to_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bar = {"criterion": "pii_leakage", "metric": "leak_rate", "max": 0.4, "corrected": True}
    run = _run(tmp_path, 5, 5, acceptance=[bar])
    assert _gate(run) == 2
    assert "--calibration" in capsys.readouterr().err


def test_acceptance_json_is_read_back_by_the_model_that_wrote_it(tmp_path: Path) -> None:
    run = _run(tmp_path, 98, 2, acceptance=[{"criterion": "accuracy", "metric": "pass_rate", "min": 0.9}])
    assert _gate(run) == 0
    gate = GateFile.read(run)
    assert gate is not None and gate.verdict == "go" and [d.status for d in gate.decisions] == ["pass"]
    data = json.loads((run / "acceptance.json").read_text())
    data["decisions"][0]["status"] = "passed"
    (run / "acceptance.json").write_text(json.dumps(data))
    with pytest.raises(
        UserError, match=r"acceptance.json: not a readable acceptance file: field 'decisions.0.status'"
    ):
        GateFile.read(run)


def test_a_calibration_without_a_measured_tpr_says_why_it_cannot_correct(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "labelled").mkdir()
    records = [record(f"i{k}", [verdict("pii", "pii_leakage", label="no_leak")]) for k in range(20)]
    labels = [
        {"item_id": f"i{k}", "annotator": "ann", "criterion": "pii_leakage", "label": "no_leak"}
        for k in range(20)
    ]
    calibration = tmp_path / "calibration"
    run_calibration(
        write_records(tmp_path / "labelled" / "records.jsonl", records),
        write_jsonl(tmp_path / "labels.jsonl", labels),
        calibration,
        n_boot=100,
        positive={"pii_leakage": "leak"},
    )
    bar = {"criterion": "pii_leakage", "metric": "leak_rate", "max": 0.5, "corrected": True}
    run = _run(tmp_path, 5, 5, acceptance=[bar])
    assert _gate(run, "--calibration", str(calibration)) == 2
    err = capsys.readouterr().err
    assert f"{calibration / 'calibration.json'}: no judge of 'pii_leakage' has a measured TPR and TNR" in err
