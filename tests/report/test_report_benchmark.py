"""The report opens with the go/no-go table and shows the comparison when gate and compare ran."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_builders import seller_items, write_run

from auditor.cli import main
from auditor.report import write_report
from tests.compare.runs import write_run as write_outcomes


def test_report_opens_with_go_no_go_and_shows_the_comparison(tmp_path: Path) -> None:
    run = write_run(tmp_path / "cand", seller_items())
    ids = [json.loads(line)["item_id"] for line in (run / "records.jsonl").read_text().splitlines()]
    baseline = write_outcomes(tmp_path / "base", "baseline", dict.fromkeys(ids, (True, 5.0)))
    plan = tmp_path / "plan.yaml"
    plan.write_text("acceptance:\n  - {criterion: accuracy, metric: pass_rate, min: 0.9, min_items: 1}\n")
    assert main(["compare", str(baseline), str(run), "--out", str(run / "comparison")]) == 0
    assert main(["gate", str(run), "--config", str(plan)]) == 1  # the seller run fails accuracy often

    report = write_report(run)
    markdown = report.markdown.read_text(encoding="utf-8")
    assert markdown.index("## Go / no-go: no-go") < markdown.index("## Summary")
    assert "| FAIL | accuracy | pass_rate |" in markdown
    assert "## Comparison against the baseline" in markdown
    assert "Against the baseline baseline" in markdown
    html = report.html.read_text(encoding="utf-8")
    assert html.index('id="go-no-go"') < html.index('id="summary"')
    assert 'id="comparison"' in html


def test_report_without_gate_or_compare_has_neither_section(tmp_path: Path) -> None:
    markdown = write_report(write_run(tmp_path / "r", seller_items())).markdown.read_text(encoding="utf-8")
    assert "Go / no-go" not in markdown
    assert "Comparison against the baseline" not in markdown


def test_a_comparison_json_missing_a_field_is_one_error_naming_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = write_run(tmp_path / "cand", seller_items())
    ids = [json.loads(line)["item_id"] for line in (run / "records.jsonl").read_text().splitlines()]
    baseline = write_outcomes(tmp_path / "base", "baseline", dict.fromkeys(ids, (True, 5.0)))
    assert main(["compare", str(baseline), str(run), "--out", str(run / "comparison")]) == 0
    path = run / "comparison" / "comparison.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["overall"][0]["paired"][0]["wins"]  # as a file from before win/tie/loss counts would be
    path.write_text(json.dumps(data), encoding="utf-8")

    assert main(["report", str(run)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: not a readable comparison file: field 'overall.0.paired.0.wins'" in err
    assert "required field is missing" in err
    assert "Traceback" not in err
