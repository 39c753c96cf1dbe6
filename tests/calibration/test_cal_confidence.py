"""What a judge's confidence is worth: reliability and ECE, thresholds for routing, corrected prevalence."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from auditor.calibration.prevalence import corrected_prevalence
from auditor.calibration.reliability import reliability
from auditor.calibration.thresholds import find_threshold
from auditor.config import RoutingConfig
from auditor.errors import UserError
from auditor.routing import RoutingPolicy
from auditor.thresholds import Target, Threshold, Thresholds

RNG = np.random.default_rng(0)


def test_reliability_table_and_ece_by_hand() -> None:
    # Bin 0.2-0.3: two verdicts at 0.25, one right -> accuracy 0.5, gap 0.25.
    # Bin 0.9-1.0: conf 0.9 and 1.0 (1.0 belongs to the last bin), both right -> gap |1 - 0.95| = 0.05.
    confidence = {"a": 0.25, "b": 0.25, "c": 0.9, "d": 1.0}
    correct = {"a": True, "b": False, "c": True, "d": True}
    rel = reliability(confidence, correct, 200, RNG)
    assert rel is not None and rel.n == 4
    filled = [(b.lower, b.n, b.mean_confidence, b.accuracy) for b in rel.bins if b.n]
    assert filled == [(0.2, 2, 0.25, 0.5), (0.9, 2, 0.95, 1.0)]
    assert rel.ece.value == pytest.approx((2 * 0.25 + 2 * 0.05) / 4)


def test_reliability_needs_confidence() -> None:
    assert reliability({}, {"a": True}, 200, RNG) is None


def test_a_calibrated_judge_has_a_small_ece_and_an_overconfident_one_a_large_one() -> None:
    rng = np.random.default_rng(1)
    conf = rng.uniform(0.5, 1.0, 2000)
    honest = rng.random(2000) < conf
    overconfident = rng.random(2000) < conf - 0.3
    items = [f"i{k}" for k in range(2000)]
    c = dict(zip(items, conf, strict=True))
    good = reliability(c, dict(zip(items, honest, strict=True)), 200, RNG)
    bad = reliability(c, dict(zip(items, overconfident, strict=True)), 200, RNG)
    assert good is not None and bad is not None
    assert good.ece.value is not None and good.ece.value < 0.05
    assert bad.ece.value == pytest.approx(0.3, abs=0.05)


def test_threshold_is_the_lowest_confidence_that_reaches_the_target() -> None:
    # 30 items: confidence k/30; the judge is wrong on the 5 least confident and on item 12.
    confidence = np.arange(30, dtype=np.float64) / 30
    correct = np.ones(30)
    correct[:5] = 0
    correct[12] = 0
    t = find_threshold("j", Target("agreement", 0.95), confidence, correct, None)
    # From 5/30 on: 25 items, 1 wrong -> 0.96.
    assert t.min_confidence == pytest.approx(5 / 30)
    assert t.achieved == pytest.approx(24 / 25)
    assert (t.n, t.n_accepted) == (30, 25)
    assert t.auto_accept_share == pytest.approx(25 / 30)
    strict = find_threshold("j", Target("agreement", 1.0), confidence, correct, None)
    assert strict.min_confidence == pytest.approx(13 / 30)  # above the wrong item 12: 17 items, all right


def test_no_threshold_gives_null_and_the_reason() -> None:
    confidence = np.linspace(0, 1, 40, dtype=np.float64)
    correct = (np.arange(40) % 2).astype(float)  # right half the time at every confidence
    t = find_threshold("j", Target("agreement", 0.9), confidence, correct, None)
    assert t.min_confidence is None and t.achieved is None and t.auto_accept_share is None
    assert t.reason is not None and t.reason.startswith(
        "no threshold reaches agreement 0.9 with at least 10 items"
    )
    few = find_threshold("j", Target(), np.array([0.9] * 4), np.ones(4), None)
    assert few.reason == "only 4 labelled verdicts carry a confidence (fewer than 10)"


def test_precision_target_counts_only_the_auto_accepted_failure_verdicts() -> None:
    confidence = np.linspace(0.05, 1.0, 40, dtype=np.float64)
    judged_positive = np.array([1.0 if k % 2 else 0.0 for k in range(40)])
    correct = np.ones(40)
    correct[[1, 3, 5]] = 0  # three wrong failure verdicts among the least confident
    t = find_threshold("j", Target("precision", 1.0), confidence, correct, judged_positive)
    assert t.min_confidence == pytest.approx(confidence[6])
    fallback = find_threshold("j", Target("precision", 0.9), confidence, correct, None)
    assert fallback.target.metric == "agreement"
    assert fallback.reason == "precision needs a binary criterion; exact agreement was used"


def test_thresholds_json_is_read_by_the_routing_step(tmp_path: Path) -> None:
    target = Target()
    found = {
        "accuracy": [
            Threshold("weak", target, 50, 0.9, 0.91, 12, 0.24),
            Threshold("strong", target, 50, 0.6, 0.92, 35, 0.7),
        ],
        "relevance": [Threshold("j", target, 50, None, None, 0, None, "no threshold reaches agreement 0.9")],
    }
    document = Thresholds.of(found).model_dump(mode="json")
    assert document["version"] == 1
    assert document["criteria"]["accuracy"]["judge"] == "strong"  # auto-accepts the most
    assert set(document["judges"]["accuracy"]) == {"weak", "strong"}
    path = tmp_path / "thresholds.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    policy = RoutingPolicy.from_config(RoutingConfig(thresholds_file=str(path)))
    assert policy.threshold("accuracy") == 0.6
    assert policy.threshold("relevance") == math.inf  # null: always a human


def test_target_parsing_for_the_command_line() -> None:
    assert Target.parse("precision=0.95") == Target("precision", 0.95)
    with pytest.raises(UserError, match="unknown metric 'recall'"):
        Target.parse("recall=0.9")
    with pytest.raises(UserError, match="outside"):
        Target.parse("agreement=1.5")


def test_rogan_gladen_by_hand() -> None:
    # Labelled: 10 human leaks, judge catches 8 (TPR 0.8); 40 human no_leak, judge flags 4 (TNR 0.9).
    labelled_human = np.array([1.0] * 10 + [0.0] * 40)
    labelled_judge = np.array([1.0] * 8 + [0.0] * 2 + [1.0] * 4 + [0.0] * 36)
    # All verdicts: 30 of 200 flagged -> observed 0.15; corrected (0.15 + 0.9 - 1) / (0.8 + 0.9 - 1) = 1/14.
    judged = np.array([1.0] * 30 + [0.0] * 170)
    p = corrected_prevalence("leak", judged, labelled_judge, labelled_human, 500, np.random.default_rng(0))
    assert p.observed.value == pytest.approx(0.15)
    assert p.tpr.value == pytest.approx(0.8) and p.tnr.value == pytest.approx(0.9)
    assert p.corrected.value == pytest.approx(0.05 / 0.7)
    assert p.human_rate.value == pytest.approx(0.2)
    assert p.corrected.ci95 is not None and p.corrected.value is not None
    assert p.corrected.ci95[0] <= p.corrected.value <= p.corrected.ci95[1]


def test_rogan_gladen_clips_and_refuses_a_judge_no_better_than_chance() -> None:
    labelled_human = np.array([1.0] * 10 + [0.0] * 10)
    good = np.array([1.0] * 10 + [0.0] * 10)
    none_flagged = np.zeros(100)
    p = corrected_prevalence("leak", none_flagged, good, labelled_human, 200, np.random.default_rng(0))
    assert p.corrected.value == 0.0  # (0 + 1 - 1) / 1, and never below zero
    coin = np.array([1.0, 0.0] * 10)  # TPR 0.5, TNR 0.5
    p = corrected_prevalence("leak", none_flagged, coin, labelled_human, 200, np.random.default_rng(0))
    assert p.corrected.value is None
    assert p.corrected.reason is not None and "no better than chance" in p.corrected.reason
    assert "TPR + TNR - 1 = 0.00 <= 0" in p.corrected.reason
