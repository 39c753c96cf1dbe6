"""The calibration summary and judge-human disagreements, from what `auditor calibrate` writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_builders import calibrated_run

from auditor.errors import UserError
from auditor.report import ReportResult, write_report


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return calibrated_run(tmp_path_factory.mktemp("calibrated"))


@pytest.fixture(scope="module")
def report(calibrated: tuple[Path, Path]) -> ReportResult:
    run, calibration = calibrated
    return write_report(run, calibration_dir=calibration)


def test_the_calibration_section_shows_agreement_with_intervals_and_the_human_ceiling(
    report: ReportResult,
) -> None:
    markdown = report.markdown.read_text()
    section = markdown.split("## Calibration against human labels", 1)[1].split("## Findings", 1)[0]
    assert "### accuracy (score)" in section
    assert (
        "| rater | items | Exact agreement | Cohen's kappa (quadratic weights) | Spearman's rho |" in section
    )
    judge_row = next(line for line in section.splitlines() if line.startswith("| judge acc | 19 |"))
    ceiling_row = next(line for line in section.splitlines() if line.startswith("| humans (ceiling) | 20 |"))
    assert judge_row.count(" [") >= 4 and ceiling_row.count(" [") >= 4  # every figure has its CI
    assert "### pii_leakage (label; failure label: leak)" in section
    assert "Expected calibration error of acc's confidence:" in section
    assert "- criterion 'relevance' has verdicts but no human labels: not calibrated" in section


def test_judge_human_disagreements_become_findings_with_the_human_reference(report: ReportResult) -> None:
    missed = {f.criterion: f for f in report.findings if f.kind == "missed"}
    assert missed["accuracy"].item_ids == ["jp-1"] and missed["accuracy"].severity == "major"
    assert missed["accuracy"].evidence[0].human == "2"
    assert missed["accuracy"].denominator_label == "items with a human reference on accuracy"
    assert missed["pii_leakage"].item_ids == ["ok-2"]
    alarm = next(f for f in report.findings if f.kind == "false_alarm")
    assert (alarm.item_ids, alarm.severity, alarm.evidence[0].human) == (["dur-1"], "minor", "4")
    assert "(human reference: 2)" in report.markdown.read_text()


def test_calibration_adds_its_figures_to_both_files(report: ReportResult) -> None:
    assert {p.name for p in report.plots} == {
        "scores.png",
        "slices.png",
        "agreement.png",
        "confusion.png",
        "reliability.png",
    }
    assert report.html.read_text().count('src="data:image/png;base64,') == 5


def test_a_later_report_without_calibration_leaves_no_stale_figures(
    calibrated: tuple[Path, Path], tmp_path: Path
) -> None:
    run, calibration = calibrated
    write_report(run, out_dir=tmp_path, calibration_dir=calibration)
    result = write_report(run, out_dir=tmp_path)
    assert sorted(p.name for p in (tmp_path / "report_plots").iterdir()) == ["scores.png", "slices.png"]
    assert "## Calibration" not in result.markdown.read_text()


def test_a_calibration_file_of_another_shape_is_a_user_error_naming_the_field(
    calibrated: tuple[Path, Path], tmp_path: Path
) -> None:
    run, calibration = calibrated
    data = json.loads((calibration / "calibration.json").read_text(encoding="utf-8"))
    data["criteria"]["accuracy"]["ceiling"] = "not an object"
    (tmp_path / "calibration.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        UserError,
        match=r"calibration.json: not a readable calibration file: field 'criteria\.accuracy\.ceiling'",
    ):
        write_report(run, out_dir=tmp_path / "out", calibration_dir=tmp_path)


def test_a_calibration_whose_human_labels_are_gone_is_shown_without_disagreements(
    calibrated: tuple[Path, Path], tmp_path: Path
) -> None:
    run, calibration = calibrated
    data = json.loads((calibration / "calibration.json").read_text(encoding="utf-8"))
    data["inputs"]["human"] = str(tmp_path / "gone.jsonl")
    (tmp_path / "calibration.json").write_text(json.dumps(data), encoding="utf-8")
    result = write_report(run, out_dir=tmp_path / "out", calibration_dir=tmp_path)
    markdown = result.markdown.read_text()
    assert "| judge acc | 19 |" in markdown
    assert "judge-human disagreements are not listed: the human-label file" in markdown
    assert not any(f.kind in ("missed", "false_alarm") for f in result.findings)


def test_a_missing_or_broken_calibration_is_a_user_error(
    calibrated: tuple[Path, Path], tmp_path: Path
) -> None:
    run, _ = calibrated
    with pytest.raises(UserError, match="no calibration found"):
        write_report(run, out_dir=tmp_path, calibration_dir=tmp_path)
    (tmp_path / "calibration.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(UserError, match="not a readable calibration file"):
        write_report(run, out_dir=tmp_path, calibration_dir=tmp_path)
