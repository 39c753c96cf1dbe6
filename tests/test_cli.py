"""End to end through the `auditor` command, on the shipped demo."""

import json
from pathlib import Path

import pytest

from auditor.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "seller_support"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "demo"
    code = main(["run", str(ROOT / "configs" / "demo.yaml"), "--out", str(out), "--no-progress"])
    assert code == 0
    return out


def records(run: Path) -> dict[str, dict]:
    lines = (run / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["item_id"]: r for r in map(json.loads, lines)}


def test_demo_run_judges_every_item_and_catches_the_wrong_facts(demo_run: Path) -> None:
    items = [json.loads(line) for line in (DEMO / "items.jsonl").read_text().splitlines()]
    recs = records(demo_run)
    assert set(recs) == {i["id"] for i in items}
    for item in items:
        verdicts = {v["criterion"]: v for v in recs[item["id"]]["verdicts"]}
        assert "relevance" in verdicts and "pii_leakage" in verdicts
        if item["reference"] or item["context"]:
            assert "accuracy" in verdicts
        if item["metadata"]["defect"] == "wrong_fact":
            assert verdicts["accuracy"]["score"] <= 2, item["id"]
            assert recs[item["id"]]["route"]["decision"] == "human_review"
        if item["metadata"]["defect"] == "pii_leak":
            assert verdicts["pii_leakage"]["label"] == "leak", item["id"]
            assert "pii_found" in recs[item["id"]]["route"]["reasons"]
    manifest = json.loads((demo_run / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["counts"]["items"] == len(items)


def test_summary_says_what_was_routed_where(demo_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = demo_run.parent / "again"
    assert main(["run", str(ROOT / "configs" / "demo.yaml"), "--out", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "auto-accepted" in printed and "to human review" in printed
    assert f"-> {out}" in printed


def test_malformed_line_is_reported_and_the_rest_is_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (DEMO / "items.jsonl").read_text(encoding="utf-8").splitlines()[:5]
    broken = json.loads(lines[2])
    broken["respnse"] = broken.pop("response")
    lines[2] = json.dumps(broken)
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    code = main(
        [
            "run",
            str(ROOT / "configs" / "demo.yaml"),
            "--input",
            str(items),
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 1
    assert f"{items}:3: field 'respnse': unknown field (did you mean 'response'?)" in printed
    assert len(records(out)) == 4


def test_user_errors_are_one_line_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("input: x.jsonl\nconcurency: 3\n")
    assert main(["run", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"auditor: error: {config}:2: unknown key 'concurency'"


def test_calibrate_the_demo_against_its_human_labels(demo_run: Path) -> None:
    out = demo_run.parent / "calibration"
    code = main(
        [
            "calibrate",
            "--verdicts",
            str(demo_run),
            "--human",
            str(DEMO / "labels.jsonl"),
            "--by",
            "marketplace,language",
            "--out",
            str(out),
            "--n-boot",
            "200",
        ]
    )
    assert code == 0
    report = json.loads((out / "calibration.json").read_text())
    assert {"accuracy", "relevance"} <= set(report["criteria"])
    assert (out / "calibration.md").read_text().count("Slices by") >= 2
    assert json.loads((out / "thresholds.json").read_text())["criteria"]


def test_a_config_switch_writes_the_report_at_the_end_of_a_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (DEMO / "items.jsonl").read_text(encoding="utf-8").splitlines()[:12]
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text((ROOT / "configs" / "demo.yaml").read_text() + "report: true\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["run", str(config), "--input", str(items), "--out", str(out), "--no-progress"]) == 0
    assert f"report: {out / 'report.md'}" in capsys.readouterr().out
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<h2" in html and "Findings" in html


def test_calibrate_takes_the_failure_label_of_a_criterion_from_the_command_line(tmp_path: Path) -> None:
    verdicts, human = tmp_path / "verdicts.jsonl", tmp_path / "human.jsonl"
    judged = ["yes", "yes", "no", "no", "yes", "no", "no", "no", "yes", "no", "no", "yes"]
    truth = ["yes", "no", "no", "no", "yes", "no", "yes", "no", "yes", "no", "no", "yes"]
    verdicts.write_text(
        "".join(
            json.dumps({"item_id": f"i{n}", "criterion": "toxic", "judge": "j", "label": v}) + "\n"
            for n, v in enumerate(judged)
        )
    )
    human.write_text(
        "".join(
            json.dumps({"item_id": f"i{n}", "criterion": "toxic", "annotator": "a", "label": v}) + "\n"
            for n, v in enumerate(truth)
        )
    )
    out = tmp_path / "cal"
    args = ["calibrate", "--verdicts", str(verdicts), "--human", str(human), "--out", str(out)]
    assert main([*args, "--n-boot", "200", "--positive", "toxic=yes"]) == 0
    report = json.loads((out / "calibration.json").read_text())["criteria"]["toxic"]
    assert report["positive"] == "yes"
    stats = report["judges"]["j"]["vs_reference"]["statistics"]
    assert stats["precision"]["value"] == pytest.approx(4 / 5)  # 5 flagged "yes", 4 truly "yes"
    assert stats["recall"]["value"] == pytest.approx(4 / 5)
    assert main([*args, "--positive", "toxic"]) == 2


def test_a_resume_of_a_changed_input_is_refused_in_one_line_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = tmp_path / "items.jsonl"
    lines = (DEMO / "items.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    items.write_text("".join(lines[:5]), encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(
        f"input: {items}\nout: {tmp_path / 'run'}\njudges:\n  - {{name: rel, kind: baseline.relevance}}\n"
    )
    assert main(["run", str(config), "--no-progress"]) == 0
    items.write_text("".join(lines[:6]), encoding="utf-8")
    capsys.readouterr()
    assert main(["run", str(config), "--resume", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot resume" in err and f"input {items} sha256" in err
    assert main(["run", str(config), "--force", "--no-progress"]) == 2  # --force alone means nothing
    assert main(["run", str(config), "--resume", "--force", "--no-progress"]) == 0
    assert "resumed: 5 items were already done" in capsys.readouterr().out
