"""Robustness figures on runs whose every outcome is chosen: checked by hand and against scipy/statsmodels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from auditor.calibration.bootstrap import rng_for
from auditor.compare.stats import N_BOOT
from auditor.errors import UserError
from auditor.suites.command import compute_robustness
from auditor.suites.result import Robustness
from auditor.suites.stats import consistency, kappa, pooled_ratio
from tests.suites.runs import record, write_run

ACC = "accuracy"
GROUPS = {g: {"female": [f"{g} Name"], "male": [f"{g} Man"], "places": [f"{g} Town"]} for g in ("AA", "BB")}


def typos_run(tmp_path: Path) -> Path:
    parents = {"p1": (True, 5.0), "p2": (True, 4.0), "p3": (False, 2.0), "p4": (False, 1.0)}
    variants = {
        "p1": [(True, 5.0), (False, 3.0)],  # one pass flip, one score flip, change -2
        "p2": [(True, 4.0), (True, 4.0)],  # nothing changes
        "p3": [(True, 4.0), (False, 2.0)],  # one pass flip, one score flip, change +2
        "p4": [(False, 1.0), (False, 2.0)],  # no pass flip, one score flip, change +1
    }
    records = [record(p, {ACC: o}) for p, o in parents.items()]
    records += [
        record(f"{p}~typos.{k}", {ACC: o}, parent=p, suite="typos")
        for p, outs in variants.items()
        for k, o in enumerate(outs, 1)
    ]
    return write_run(tmp_path / "typos", records, {"name": "t", "suites": [{"name": "typos", "variants": 2}]})


def test_flip_rates_and_mean_change_are_the_hand_counted_shares(tmp_path: Path) -> None:
    result = compute_robustness(typos_run(tmp_path))
    row = next(f for f in result.flips if f.suite == "typos" and f.criterion == ACC)
    assert (row.parents, row.pairs, row.skipped) == (4, 8, 0)
    assert row.pass_flip_rate.estimate == pytest.approx(2 / 8)
    assert row.score_flip_rate.estimate == pytest.approx(3 / 8)
    assert row.mean_score_change.estimate == pytest.approx((-2 + 0 + 2 + 1) / 8)
    assert row.flipped_items == ["p1~typos.2", "p3~typos.1", "p4~typos.2"]
    # The interval is scipy's paired percentile bootstrap over the four parent items.
    expected = sps.bootstrap(
        (np.array([1.0, 0, 1, 0]), np.array([2.0, 2, 2, 2])),
        lambda n, d, axis=-1: np.sum(n, axis=axis) / np.sum(d, axis=axis),
        paired=True,
        vectorized=True,
        n_resamples=N_BOOT,
        method="percentile",
        rng=rng_for(0, "t/typos/accuracy/pass"),
    ).confidence_interval
    assert row.pass_flip_rate.ci95 == pytest.approx((expected.low, expected.high))
    assert row.pass_flip_rate.method == "bootstrap"


def test_robustness_json_is_read_back_by_the_same_model(tmp_path: Path) -> None:
    run = typos_run(tmp_path)
    written = compute_robustness(run)
    written.write(run)
    assert Robustness.read(run) == written
    (run / "robustness.json").write_text('{"flips": 3}', encoding="utf-8")
    not_ours = r"robustness.json: not a readable robustness file: field 'run': required field is missing"
    with pytest.raises(UserError, match=not_ours):
        Robustness.read(run)


def test_no_flip_at_all_gets_a_wilson_interval_not_a_point(tmp_path: Path) -> None:
    records = [record(f"p{i}", {ACC: (True, 5.0)}) for i in range(5)]
    records += [record(f"p{i}~typos.1", {ACC: (True, 5.0)}, parent=f"p{i}", suite="typos") for i in range(5)]
    run = write_run(tmp_path / "r", records, {"name": "t", "suites": [{"name": "typos"}]})
    row = next(f for f in compute_robustness(run).flips if f.criterion == ACC)
    assert row.pass_flip_rate.estimate == 0.0
    assert row.pass_flip_rate.method == "wilson"
    assert row.pass_flip_rate.ci95 is not None and row.pass_flip_rate.ci95[1] > 0.3


def counterfactual_run(tmp_path: Path) -> Path:
    group_a = [True, True, True, True, True, False]
    group_b = [True, False, False, True, False, False]
    records = []
    for i, (a, b) in enumerate(zip(group_a, group_b, strict=True)):
        records.append(record(f"p{i}", {ACC: (True, 5.0)}))
        for group, passed in (("AA", a), ("BB", b)):
            cues = {"group": group, "gender": "female"}
            records.append(
                record(f"p{i}~counterfactual.{group}-female", {ACC: (passed, None)}, parent=f"p{i}",
                       suite="counterfactual", cues=cues)
            )  # fmt: skip
    config = {
        "name": "t",
        "suites": [
            {"name": "counterfactual", "groups": ["AA", "BB"], "genders": ["female"], "define": GROUPS}
        ],
    }
    return write_run(tmp_path / "cf", records, config)


def test_counterfactual_gap_and_tests_match_scipy(tmp_path: Path) -> None:
    result = compute_robustness(counterfactual_run(tmp_path))
    gaps = [d for d in result.disparities if d.family == "counterfactual" and d.criterion == ACC]
    assert [d.attribute for d in gaps] == ["group"]  # one gender only: no gap by gender
    (gap,) = gaps
    assert {g.value: (g.passed, g.n) for g in gap.groups} == {"AA": (5, 6), "BB": (2, 6)}
    assert gap.max_gap.estimate == pytest.approx(5 / 6 - 2 / 6)
    assert (gap.best, gap.worst) == ("AA", "BB")
    assert gap.fisher_p == pytest.approx(sps.fisher_exact([[5, 1], [2, 4]]).pvalue)
    chi = sps.chi2_contingency([[5, 1], [2, 4]])
    assert (gap.chi2, gap.chi2_p) == pytest.approx((chi.statistic, chi.pvalue))
    assert gap.group_flip_rate is not None and gap.group_flip_rate.estimate == pytest.approx(3 / 6)
    assert gap.max_gap.ci95 is not None and gap.max_gap.ci95[0] <= 0.5 <= gap.max_gap.ci95[1]


def test_injection_comply_rate_counts_the_canary_and_a_leak(tmp_path: Path) -> None:
    records: list[dict[str, Any]] = []
    answers = [
        {"injection_compliance": (False, None)},  # followed the instruction
        {"injection_compliance": (True, None), "pii_leakage": (False, None)},  # leaked a number
        {"injection_compliance": (True, None), "pii_leakage": (True, None)},
        {"injection_compliance": (True, None)},
    ]
    for i, outcomes in enumerate(answers):
        records.append(record(f"p{i}", {ACC: (True, 5.0)}))
        records.append(
            record(f"p{i}~injection.en", {ACC: (True, 5.0), **outcomes}, parent=f"p{i}", suite="injection")
        )
    run = write_run(tmp_path / "inj", records, {"name": "t", "suites": [{"name": "injection"}]})
    (row,) = compute_robustness(run).comply
    assert (row.complied, row.variants) == (2, 4)
    assert row.comply_rate.estimate == 0.5
    assert row.by_check == {"injection_compliance": 1, "pii_leakage": 1}
    assert row.complied_items == ["p0~injection.en", "p1~injection.en"]


def test_slice_gap_between_marketplaces_leaves_out_small_slices(tmp_path: Path) -> None:
    passes = {"US": [True] * 5 + [False], "DE": [True, False, False, False, False], "FR": [False, False]}
    records = [
        record(f"{m}{i}", {ACC: (p, None)}, metadata={"marketplace": m})
        for m, ps in passes.items()
        for i, p in enumerate(ps)
    ]
    run = write_run(tmp_path / "sl", records, {"name": "t"})
    gap = next(
        d for d in compute_robustness(run).disparities if d.attribute == "marketplace" and d.criterion == ACC
    )
    assert gap.excluded == ["FR"]
    assert gap.max_gap.estimate == pytest.approx(5 / 6 - 1 / 5)
    assert gap.fisher_p == pytest.approx(sps.fisher_exact([[5, 1], [1, 4]]).pvalue)


def test_reliability_consistency_and_kappa_match_statsmodels() -> None:
    samples = [
        [True, True, True],
        [True, False, True],
        [False, False, False],
        [True, True, False],
        [False, False, False],
    ]
    assert consistency(samples).estimate == pytest.approx(3 / 5)
    table, _ = aggregate_raters(np.asarray(samples, dtype=int), n_cat=2)
    figure = kappa(samples, rng_for(0, "k"))
    assert figure.estimate == pytest.approx(fleiss_kappa(table))
    assert figure.ci95 is not None and figure.ci95[0] <= figure.estimate <= figure.ci95[1]


def test_a_single_parent_has_an_estimate_but_no_interval() -> None:
    figure = pooled_ratio([1], [2], rng_for(0, "one"), counts=True)
    assert figure.estimate == 0.5 and figure.ci95 is None
