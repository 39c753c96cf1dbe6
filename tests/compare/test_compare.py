"""`auditor compare`: statistics checked against scipy and statsmodels on a constructed case."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from auditor.calibration.bootstrap import rng_for
from auditor.cli import main
from auditor.compare import run_compare
from auditor.compare.outcomes import load_targets
from auditor.compare.result import Comparison
from auditor.rundir import latest_per_item, read_records
from tests.compare.runs import write_run

# 20 items. The baseline passes all but the last two (score 5 / 2). The candidate fails
# items 0-5 of the DE marketplace (pass -> fail, score 5 -> 2), improves item 18, and
# scores item 6 one point lower while still passing. It lacks item 19.
IDS = [f"i{n:02d}" for n in range(20)]
BASE = {i: (n < 18, 5.0 if n < 18 else 2.0) for n, i in enumerate(IDS)}
CAND = {i: BASE[i] for i in IDS[:19]}
CAND.update({IDS[n]: (False, 2.0) for n in range(6)})
CAND[IDS[18]] = (True, 4.0)
CAND[IDS[6]] = (True, 4.0)
META = {i: {"marketplace": "DE" if n < 10 else "US"} for n, i in enumerate(IDS)}


@pytest.fixture
def runs(tmp_path: Path) -> list[Path]:
    return [
        write_run(tmp_path / "base", "v1", BASE, metadata=META),
        write_run(tmp_path / "cand", "v2", CAND, metadata=META),
    ]


def test_statistics_match_scipy_and_statsmodels(runs: list[Path], tmp_path: Path) -> None:
    result = run_compare(runs, tmp_path / "out", by=["marketplace"], seed=7)
    c = result.comparison
    assert (c.baseline, c.shared_items, c.lacking) == ("v1", 19, {"v1": 0, "v2": 1})
    overall = c.overall[0]
    base, cand = overall.targets
    assert (base.decided, base.passed, cand.passed) == (19, 18, 13)
    assert cand.pass_rate_ci == pytest.approx(proportion_confint(13, 19, method="wilson"))
    cand_scores = [CAND[i][1] for i in IDS[:19]]
    t_low, t_high = stats.t.interval(0.95, 18, loc=np.mean(cand_scores), scale=stats.sem(cand_scores))
    assert cand.mean_score_ci == pytest.approx((t_low, t_high))

    paired = overall.paired[0]
    assert (paired.regressed, paired.improved) == (6, 1)
    table = [[12, 6], [1, 0]]  # rows: baseline pass/fail; columns: candidate pass/fail
    assert paired.mcnemar.p_value == pytest.approx(mcnemar(table, exact=True).pvalue)
    assert paired.mcnemar.p_value == pytest.approx(2 * sum(stats.binom.pmf(k, 7, 0.5) for k in range(2)))
    b_scores = np.array([BASE[i][1] for i in IDS[:19]])
    c_scores = np.array(cand_scores)
    assert paired.wilcoxon.p_value == pytest.approx(stats.wilcoxon(c_scores - b_scores).pvalue)
    assert paired.score_diff == pytest.approx(float(np.mean(c_scores - b_scores)))
    expected = stats.bootstrap(
        (b_scores, c_scores),
        lambda b, c, axis: np.mean(c - b, axis=axis),
        paired=True,
        vectorized=True,
        n_resamples=2000,
        method="percentile",
        rng=rng_for(7, "accuracy/None=None/v2/score"),
    ).confidence_interval
    assert paired.score_diff_ci == pytest.approx((expected.low, expected.high))
    assert (paired.wins, paired.ties, paired.losses) == (1, 11, 7)
    assert paired.regressed_items == [*IDS[:7]]


def test_slices_are_corrected_and_name_the_regressed_items(runs: list[Path], tmp_path: Path) -> None:
    c = run_compare(runs, tmp_path / "out", by=["marketplace"], correction="holm").comparison
    de, us = c.slices
    assert (de.slice_value, de.items, us.items) == ("DE", 10, 9)
    raw = [de.paired[0].mcnemar.p_value, us.paired[0].mcnemar.p_value]
    expected = multipletests(raw, method="holm")[1]
    assert [de.paired[0].mcnemar_adjusted, us.paired[0].mcnemar_adjusted] == pytest.approx(expected)
    assert de.paired[0].significant_regression
    assert not us.paired[0].significant_regression  # one improvement is not a regression
    regressions = json.loads((tmp_path / "out" / "comparison.json").read_text())["regressions"]
    by_slice = {r["slice"]: r["items"] for r in regressions}
    assert by_slice["marketplace=DE"] == IDS[:7]


def test_comparison_json_reads_back_as_the_comparison_that_wrote_it(runs: list[Path], tmp_path: Path) -> None:
    written = run_compare(runs, tmp_path / "out", by=["marketplace"]).comparison
    read = Comparison.read(tmp_path / "out" / "comparison.json")
    assert read == written
    assert read is not None and [(r.slice, r.candidate) for r in read.regressions] == [
        ("all items", "v2"),
        ("marketplace=DE", "v2"),
    ]
    assert Comparison.read(tmp_path / "nowhere.json") is None


def test_cli_writes_files_and_says_what_each_run_lacks(
    runs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp"
    assert (
        main(["compare", *map(str, runs), "--baseline", "v1", "--out", str(out), "--by", "marketplace"]) == 0
    )
    printed = capsys.readouterr().out
    assert "v2 lacks 1 items" in printed
    assert "regression: v2 on accuracy" in printed
    markdown = (out / "comparison.md").read_text()
    assert "| accuracy | marketplace=DE | v2 **regression**" in markdown
    assert (out / "comparison_plots" / "compare_pass_rates.png").read_bytes()[:4] == b"\x89PNG"


def test_unknown_baseline_and_single_target_are_one_line_errors(
    runs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", *map(str, runs), "--baseline", "v9", "--out", str(tmp_path / "o")]) == 2
    assert "no target 'v9'" in capsys.readouterr().err
    assert main(["compare", str(runs[0]), "--out", str(tmp_path / "o")]) == 2
    assert "two or more targets" in capsys.readouterr().err


def test_default_output_sits_in_the_candidates_run(runs: list[Path]) -> None:
    result = run_compare(runs)
    assert runs[1] / "comparison" / "comparison.json" in result.files


def test_records_naming_targets_split_one_run(tmp_path: Path) -> None:
    run = write_run(tmp_path / "both", "run", BASE)
    lines = (run / "records.jsonl").read_text().splitlines()
    tagged = [json.dumps({**json.loads(line), "target": t}) for t in ("a", "b") for line in lines]
    (run / "records.jsonl").write_text("\n".join(tagged) + "\n")
    c = run_compare([run], tmp_path / "out", baseline="b").comparison
    assert c.targets == ["b", "a"]
    assert c.overall[0].paired[0].mcnemar.note == "no item changed between pass and fail"


def test_an_item_judged_twice_counts_once_with_its_later_record(tmp_path: Path) -> None:
    # A resumed run can append an item again: the later record is the one compared, per target.
    run = write_run(tmp_path / "both", "run", {"i1": (True, 5.0), "i2": (True, 5.0)})
    lines = (run / "records.jsonl").read_text().splitlines()
    later = json.dumps({**json.loads(lines[0]), "consensus": [{"criterion": "accuracy", "passed": False}]})
    tagged = [json.dumps({**json.loads(line), "target": t}) for line in [*lines, later] for t in ("a", "b")]
    (run / "records.jsonl").write_text("\n".join(tagged) + "\n")
    targets = load_targets([run])
    assert [t.name for t in targets] == ["a", "b"]
    for target in targets:
        assert target.outcomes["i1"]["accuracy"].passed is False
        assert target.outcomes["i2"]["accuracy"].passed is True
    assert [(r.target, r.item_id) for r in latest_per_item(read_records(run))] == [
        ("a", "i1"),
        ("b", "i1"),
        ("a", "i2"),
        ("b", "i2"),
    ]
