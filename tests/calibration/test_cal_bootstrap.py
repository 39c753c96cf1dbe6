"""Bootstrap intervals: reproducible, sensible, fast; degenerate samples give null plus a reason."""

from __future__ import annotations

import time

import numpy as np
import pytest
from cal_builders import compare_labels, compare_scores

from auditor.calibration.bootstrap import item_weights, summarize
from auditor.calibration.compare import Settings, compare
from auditor.calibration.scale import label_scale


def noisy_judge(seed: int, n: int = 100) -> tuple[list[float], list[float]]:
    rng = np.random.default_rng(seed)
    human = rng.integers(1, 6, n).astype(float)
    judge = np.clip(human + rng.choice([-1, 0, 0, 1], n), 1, 5)
    return list(judge), list(human)


def test_resample_weights_are_draw_counts_and_row_zero_is_the_sample() -> None:
    weights = item_weights(30, 500, np.random.default_rng(0))
    assert weights.shape == (501, 30)
    assert (weights[0] == 1).all()
    assert (weights[1:].sum(axis=1) == 30).all()  # each resample draws n items
    assert abs(weights[1:].mean() - 1.0) < 0.02  # every item equally likely


def test_same_seed_same_interval_other_seed_other_interval() -> None:
    judge, human = noisy_judge(0)
    a = compare_scores(judge, human).statistics["cohen_kappa"]
    b = compare_scores(judge, human).statistics["cohen_kappa"]
    assert a == b
    items = [f"i{k}" for k in range(len(judge))]
    from auditor.calibration.scale import score_scale

    other = compare(
        ("judge", dict(zip(items, judge, strict=True))),
        ("human", dict(zip(items, human, strict=True))),
        score_scale(judge + human, []),
        Settings(n_boot=200, seed=1),
    ).statistics["cohen_kappa"]
    assert other.value == a.value and other.ci95 != a.ci95


def test_intervals_contain_the_estimate_and_narrow_with_more_items() -> None:
    small = compare_scores(*noisy_judge(1, n=40)).statistics
    large = compare_scores(*noisy_judge(1, n=400)).statistics
    for key, est in small.items():
        assert est.ci95 is not None and est.value is not None
        assert est.ci95[0] <= est.value <= est.ci95[1], key
        width_large = large[key].ci_width
        assert width_large is not None and width_large < (est.ci_width or 0), key


def test_agreement_interval_covers_the_true_rate_about_95_percent_of_the_time() -> None:
    # 200 samples of 100 items where the judge agrees with probability 0.8.
    rng = np.random.default_rng(42)
    covered = 0
    for _ in range(200):
        human = rng.choice(["a", "b"], 100)
        agree = rng.random(100) < 0.8
        judge = np.where(agree, human, np.where(human == "a", "b", "a"))
        ci = compare_labels(list(judge), list(human), n_boot=300).statistics["agreement"].ci95
        assert ci is not None
        covered += ci[0] <= 0.8 <= ci[1]
    assert 0.88 <= covered / 200 <= 0.99


def test_thousand_resamples_of_every_statistic_on_a_hundred_items_take_well_under_two_seconds() -> None:
    judge, human = noisy_judge(3, n=100)
    compare_scores(judge[:10], human[:10], n_boot=100)  # warm up imports and caches
    start = time.perf_counter()
    result = compare_scores(judge, human, n_boot=1000)
    elapsed = time.perf_counter() - start
    assert len(result.statistics) == 12
    assert elapsed < 2.0, f"{elapsed:.2f}s"


def test_a_constant_judge_has_no_correlation_and_says_why() -> None:
    judge = [4.0] * 20
    human = [float(v) for v in [1, 2, 3, 4, 5] * 4]
    s = compare_scores(judge, human).statistics
    for key in ("pearson", "spearman", "kendall_tau_b"):
        assert s[key].value is None and s[key].ci95 is None
        assert s[key].reason == "undefined: a rater gives every item the same value"
    assert s["cohen_kappa"].value == pytest.approx(0.0)  # defined: chance agreement < 1
    assert s["mae"].value == pytest.approx(1.4)  # (3 + 2 + 1 + 0 + 1) / 5


def test_one_category_only_gives_null_kappa_with_a_reason_but_ac1_on_a_two_label_scale() -> None:
    result = compare_labels(["no_leak"] * 12, ["no_leak"] * 12, positive="leak")
    s = result.statistics
    assert s["agreement"].value == 1.0
    assert s["cohen_kappa"].value is None and s["cohen_kappa"].reason == "undefined: one category only"
    assert s["alpha_nominal"].value is None
    assert s["gwet_ac1"].value == pytest.approx(1.0)  # the scale has two labels: chance agreement 0.5
    assert s["recall"].value is None and "never chose the failure label" in (s["recall"].reason or "")
    assert s["tnr"].value == 1.0


def test_a_one_label_scale_leaves_ac1_undefined() -> None:
    scale = label_scale(["ok"], None, [])
    items = {f"i{k}": "ok" for k in range(12)}
    s = compare(("judge", items), ("human", items), scale, Settings(200, 0)).statistics
    assert s["gwet_ac1"].value is None and s["gwet_ac1"].reason == "undefined: the scale has one category"


def test_one_item_has_values_but_no_interval_and_is_too_small() -> None:
    result = compare_scores([3.0], [4.0])
    assert result.n_items == 1
    assert result.statistics["mae"].value == 1.0
    assert (
        result.statistics["mae"].ci95 is None
        and result.statistics["mae"].reason == "one item: no confidence interval"
    )
    assert result.too_small == "only 1 item (fewer than 10)"


def test_no_shared_items_gives_a_note_not_a_crash() -> None:
    scale = label_scale(["a", "b"], None, [])
    result = compare(("judge", {"x": "a"}), ("human", {"y": "b"}), scale, Settings(200, 0))
    assert result.n_items == 0 and result.statistics == {}
    assert result.note == "no item has both a value from judge and from human"


def test_an_interval_is_withheld_when_most_resamples_are_undefined() -> None:
    values = np.array([0.5] + [np.nan] * 80 + [0.4] * 20)
    est = summarize(values, n_items=30, undefined_reason="undefined: one category only")
    assert est.value == 0.5 and est.ci95 is None and est.undefined_resamples == 80
    assert est.reason == "undefined: one category only in 80 of 100 resamples: no confidence interval"
