"""Every statistic against a reference implementation or a hand computation.

References: scikit-learn (Cohen's kappa with and without weights, precision, recall,
F1, confusion matrix), scipy.stats (Pearson, Spearman, Kendall's tau-b), the
`krippendorff` package (alpha: nominal, ordinal, interval). Gwet's AC1 has no library
here: it is checked against hand computations.
"""

from __future__ import annotations

from fractions import Fraction

import krippendorff
import numpy as np
import numpy.typing as npt
import pytest
from cal_builders import compare_labels, compare_scores
from scipy import stats
from sklearn.metrics import cohen_kappa_score, confusion_matrix, f1_score, precision_score, recall_score

from auditor.calibration.bootstrap import item_weights
from auditor.calibration.scale import score_scale
from auditor.calibration.statistics import Paired, Resampled, statistics_for


def ordinal_pairs(seed: int, n: int = 60) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """A human on 1-5 and a judge that is mostly within one point of it (many ties)."""
    rng = np.random.default_rng(seed)
    human = rng.integers(1, 6, n).astype(float)
    judge = np.clip(human + rng.choice([-2, -1, 0, 0, 0, 1], n), 1, 5).astype(float)
    return judge, human


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_kappas_match_scikit_learn(seed: int) -> None:
    judge, human = ordinal_pairs(seed)
    got = compare_scores(judge, human).statistics
    scale = [1.0, 2.0, 3.0, 4.0, 5.0]  # consecutive: sklearn's index weights equal value weights
    assert got["cohen_kappa"].value == pytest.approx(cohen_kappa_score(judge, human, labels=scale))
    linear = cohen_kappa_score(judge, human, labels=scale, weights="linear")
    quadratic = cohen_kappa_score(judge, human, labels=scale, weights="quadratic")
    assert got["kappa_linear"].value == pytest.approx(linear)
    assert got["kappa_quadratic"].value == pytest.approx(quadratic)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_krippendorff_alpha_matches_the_krippendorff_package(seed: int) -> None:
    judge, human = ordinal_pairs(seed)
    got = compare_scores(judge, human).statistics
    data = np.vstack([judge, human])
    for level in ("nominal", "ordinal", "interval"):
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert got[f"alpha_{level}"].value == pytest.approx(expected), level


def test_interval_alpha_uses_the_unrounded_mean_and_ordinal_alpha_the_rounded_one() -> None:
    judge = [1.0, 2.0, 3.0, 4.0, 5.0, 2.0, 4.0, 3.0]
    human_mean = [1.5, 2.0, 3.5, 4.0, 4.5, 2.5, 3.0, 3.0]
    rounded = [2.0, 2.0, 4.0, 4.0, 5.0, 3.0, 3.0, 3.0]  # half up, as documented
    items = [f"i{k}" for k in range(len(judge))]
    from auditor.calibration.compare import Settings, compare

    scale = score_scale(judge, human_mean)
    got = compare(
        ("judge", dict(zip(items, judge, strict=True))),
        ("mean", dict(zip(items, human_mean, strict=True))),
        scale,
        Settings(200, 0),
        reference_is_mean=True,
    ).statistics
    interval = krippendorff.alpha(
        reliability_data=np.vstack([judge, human_mean]), level_of_measurement="interval"
    )
    ordinal = krippendorff.alpha(
        reliability_data=np.vstack([judge, rounded]),
        level_of_measurement="ordinal",
        value_domain=[1.0, 2.0, 3.0, 4.0, 5.0],
    )
    assert got["alpha_interval"].value == pytest.approx(interval)
    assert got["alpha_ordinal"].value == pytest.approx(ordinal)
    assert got["agreement"].value == pytest.approx(np.mean(np.array(judge) == np.array(rounded)))
    assert got["mae"].value == pytest.approx(np.mean(np.abs(np.array(judge) - np.array(human_mean))))
    assert got["pearson"].value == pytest.approx(stats.pearsonr(judge, human_mean)[0])


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_correlations_and_mae_match_scipy(seed: int) -> None:
    judge, human = ordinal_pairs(seed)
    got = compare_scores(judge, human).statistics
    assert got["pearson"].value == pytest.approx(stats.pearsonr(judge, human)[0])
    assert got["spearman"].value == pytest.approx(stats.spearmanr(judge, human)[0])
    assert got["kendall_tau_b"].value == pytest.approx(stats.kendalltau(judge, human, variant="b")[0])
    assert got["mae"].value == pytest.approx(np.abs(judge - human).mean())
    assert got["agreement"].value == pytest.approx((judge == human).mean())


def test_kendall_on_continuous_scores_beyond_one_block() -> None:
    # 700 distinct values: more rows than one block of the pair sum, no categorical statistics.
    rng = np.random.default_rng(5)
    human = rng.normal(size=700)
    judge = human + rng.normal(scale=0.8, size=700)
    got = compare_scores(judge, human, n_boot=100).statistics
    assert "cohen_kappa" not in got  # not a discrete scale
    assert got["kendall_tau_b"].value == pytest.approx(stats.kendalltau(judge, human)[0])
    assert got["spearman"].value == pytest.approx(stats.spearmanr(judge, human)[0])


def test_binary_statistics_and_confusion_matrix_match_scikit_learn() -> None:
    rng = np.random.default_rng(7)
    human = rng.choice(["leak", "no_leak"], size=80, p=[0.3, 0.7])
    flip = rng.random(80) < 0.2
    judge = np.where(flip, np.where(human == "leak", "no_leak", "leak"), human)
    got = compare_labels(list(judge), list(human))
    s = got.statistics
    assert s["precision"].value == pytest.approx(precision_score(human, judge, pos_label="leak"))
    assert s["recall"].value == pytest.approx(recall_score(human, judge, pos_label="leak"))
    assert s["f1"].value == pytest.approx(f1_score(human, judge, pos_label="leak"))
    assert s["tnr"].value == pytest.approx(recall_score(human, judge, pos_label="no_leak"))
    assert s["cohen_kappa"].value == pytest.approx(cohen_kappa_score(judge, human))
    # Rows: the human reference, columns: the judge, categories in scale order (leak, no_leak).
    assert got.confusion == confusion_matrix(human, judge, labels=["leak", "no_leak"]).tolist()


def test_gwet_ac1_by_hand_on_a_two_by_two_table() -> None:
    # 100 items: judge leak & human leak 40, judge leak & human no_leak 5,
    # judge no_leak & human leak 10, both no_leak 45.
    # p_a = 85/100. Shares of 'leak': judge 45/100, human 50/100 -> pi_leak = 0.475, pi_no = 0.525.
    # p_e = (0.475 * 0.525 + 0.525 * 0.475) / (2 - 1) = 0.49875.
    # AC1 = (0.85 - 0.49875) / (1 - 0.49875) = 0.35125 / 0.50125 = 281 / 401.
    judge = ["leak"] * 45 + ["no_leak"] * 55
    human = ["leak"] * 40 + ["no_leak"] * 5 + ["leak"] * 10 + ["no_leak"] * 45
    ac1 = compare_labels(judge, human).statistics["gwet_ac1"].value
    assert ac1 == pytest.approx(281 / 401)


def test_gwet_ac1_matches_a_fraction_computation_on_three_categories() -> None:
    table = [[10, 2, 0], [1, 8, 3], [0, 2, 4]]  # rows: judge, columns: human
    cats = ["a", "b", "c"]
    judge = [cats[i] for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)]
    human = [cats[j] for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)]
    n = sum(map(sum, table))
    pa = Fraction(sum(table[k][k] for k in range(3)), n)
    pi = [(Fraction(sum(table[k]), n) + Fraction(sum(r[k] for r in table), n)) / 2 for k in range(3)]
    pe = sum(p * (1 - p) for p in pi) / (3 - 1)
    expected = (pa - pe) / (1 - pe)
    assert compare_labels(judge, human).statistics["gwet_ac1"].value == pytest.approx(float(expected))


def test_ac1_stays_high_where_kappa_collapses_on_a_rare_failure() -> None:
    # The kappa paradox: 90 of 100 agree on 'no_leak', the 10 others disagree.
    judge = ["no_leak"] * 90 + ["leak"] * 5 + ["no_leak"] * 5
    human = ["no_leak"] * 90 + ["no_leak"] * 5 + ["leak"] * 5
    s = compare_labels(judge, human).statistics
    assert s["agreement"].value == pytest.approx(0.9)
    assert s["cohen_kappa"].value == pytest.approx(cohen_kappa_score(judge, human))
    assert s["cohen_kappa"].value is not None and s["cohen_kappa"].value < 0
    assert s["gwet_ac1"].value is not None and s["gwet_ac1"].value > 0.85


def test_every_bootstrap_resample_equals_the_reference_on_the_expanded_sample() -> None:
    """The weights trick: resample b must be exactly scipy/sklearn on the drawn items."""
    judge, human = ordinal_pairs(11, n=40)
    scale = score_scale(list(judge) + list(human), [])
    codes_x = np.array([scale.code(v) for v in judge])
    codes_y = np.array([scale.code(v) for v in human])
    paired = Paired(tuple(f"i{k}" for k in range(40)), np.arange(40), codes_x, codes_y, judge, human)
    weights = item_weights(40, 5, np.random.default_rng(3))
    resampled = Resampled(paired, scale, weights)
    values = {s.key: s.compute(resampled) for s in statistics_for(scale)}
    labels = [1.0, 2.0, 3.0, 4.0, 5.0]
    for b in range(1, 6):
        counts = weights[b].astype(int)
        x, y = np.repeat(judge, counts), np.repeat(human, counts)
        expected = {
            "agreement": np.mean(x == y),
            "kappa_quadratic": cohen_kappa_score(x, y, labels=labels, weights="quadratic"),
            "pearson": stats.pearsonr(x, y)[0],
            "spearman": stats.spearmanr(x, y)[0],
            "kendall_tau_b": stats.kendalltau(x, y)[0],
            "alpha_ordinal": krippendorff.alpha(
                reliability_data=np.vstack([x, y]), level_of_measurement="ordinal", value_domain=labels
            ),
            "alpha_interval": krippendorff.alpha(
                reliability_data=np.vstack([x, y]), level_of_measurement="interval"
            ),
            "mae": np.abs(x - y).mean(),
        }
        for key, want in expected.items():
            assert values[key][b] == pytest.approx(want), (key, b)
