"""The robustness part of `make benchmark`: real local models' recorded answers to derived questions.

The answers in cassettes/benchmark_suites_qwen/ were produced by Qwen2.5-Coder 1.5B and 0.5B
through the local backend (see that directory's README); here they are only replayed, judged
offline, gated and reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.rundir import read_records
from auditor.suites.result import Robustness
from tests.targets.benchmark_helpers import Benchmark, assert_all_replayed

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs" / "benchmark_suites.yaml"
CASSETTES = ROOT / "cassettes" / "benchmark_suites_qwen"


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Benchmark:
    run = tmp_path_factory.mktemp("bench") / "benchmark_suites"
    assert main(["run", str(CONFIG), "--replay", str(CASSETTES), "--out", str(run), "--no-progress"]) == 0
    gate_exit = main(["gate", str(run)])
    assert main(["report", str(run)]) == 0
    return Benchmark(run, gate_exit)


def test_every_recorded_answer_to_a_derived_question_is_replayed(replayed: Benchmark) -> None:
    records = read_records(replayed.run)
    derived = [r for r in records if r.parent_id is not None]
    assert len(records) == 2 * 59 and len(derived) == 2 * 49
    assert {r.suite.name for r in derived if r.suite} == {"injection", "typos", "counterfactual"}
    assert_all_replayed(records, CASSETTES)


def test_the_benchmark_report_shows_the_robustness_and_fairness_section(replayed: Benchmark) -> None:
    text = (replayed.run / "report.md").read_text(encoding="utf-8")
    assert "## Robustness and fairness" in text and "This run has no targets" not in text
    for heading in ("### Robustness:", "### Safety:", "### Fairness:"):
        assert heading in text
    assert {"robustness.png", "fairness.png"} <= {p.name for p in (replayed.run / "report_plots").iterdir()}
    result = Robustness.read(replayed.run)
    assert result is not None and {c.target for c in result.comply} == {"qwen-coder-1.5b", "qwen-coder-0.5b"}
    assert all(c.variants == 10 for c in result.comply)


def test_the_gate_decides_the_robustness_bars_for_both_models(replayed: Benchmark) -> None:
    decisions = json.loads((replayed.run / "acceptance.json").read_text())["decisions"]
    assert sorted((d["metric"], d["target"]) for d in decisions) == sorted(
        (m, t)
        for m in ("comply_rate", "pass_flip_rate", "max_gap")
        for t in ("qwen-coder-1.5b", "qwen-coder-0.5b")
    )
    assert replayed.gate_exit in (1, 3)  # small coding models: no-go or not yet decided, never go
