"""The offline benchmark (`make benchmark`): two real local models' recorded answers, replayed.

The answers in cassettes/benchmark_qwen/ were produced by Qwen2.5-Coder 1.5B and 0.5B
through the local backend (see that directory's README); here they are only replayed.
"""

from __future__ import annotations

import json
import re

import pytest

from auditor.config import load_config
from auditor.rundir import read_records
from tests.targets.benchmark_helpers import (
    BASELINE,
    CASSETTES,
    CONFIG,
    RECORD_CONFIG,
    ROOT,
    Benchmark,
    assert_all_replayed,
    run_benchmark,
)


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory: pytest.TempPathFactory) -> Benchmark:
    return run_benchmark(tmp_path_factory.mktemp("bench"))


def test_every_recorded_answer_is_replayed_and_judged_for_both_models(benchmark: Benchmark) -> None:
    records = read_records(benchmark.run)
    assert len(records) == 40 and {r.target for r in records} == {BASELINE, "qwen-coder-0.5b"}
    assert_all_replayed(records, CASSETTES)
    models = {r.target: r.answer.provenance.model for r in records if r.answer and r.answer.provenance}
    assert models[BASELINE].startswith("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")


def test_the_report_opens_with_the_go_no_go_table(benchmark: Benchmark) -> None:
    text = (benchmark.run / "report.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    verdict = json.loads((benchmark.run / "acceptance.json").read_text())["verdict"]
    assert sections[0] == f"Go / no-go: {verdict}" and sections[1] == "Summary"
    first = text.split("\n## ")[1]
    assert "| status | criterion | metric |" in first
    assert first.count("| FAIL |") + first.count("| PASS |") + first.count("| INCONCLUSIVE |") >= 5
    assert "## Comparison against the baseline" in text


def test_small_coding_models_do_not_clear_the_seller_support_bar(benchmark: Benchmark) -> None:
    # The expected answer, stated in the README and docs/benchmark.md: no-go (exit 1).
    assert benchmark.gate_exit == 1
    decisions = json.loads((benchmark.run / "acceptance.json").read_text())["decisions"]
    overall = [
        d for d in decisions if d["criterion"] == "accuracy" and d["metric"] == "pass_rate" and not d["slice"]
    ]
    assert {d["target"] for d in overall} == {BASELINE, "qwen-coder-0.5b"}
    assert all(d["status"] == "fail" for d in overall)
    by_language = [d for d in decisions if d["slice"] and d["slice"].startswith("language=")]
    assert by_language and all(d["status"] == "inconclusive" for d in by_language)  # 1-8 items each


def test_the_replay_config_asks_what_the_recording_config_asked() -> None:
    replay, record = load_config(CONFIG), load_config(RECORD_CONFIG)
    sent = ("system_prompt", "temperature", "seed", "max_tokens", "max_tokens_param")
    for a, b in zip(replay.targets, record.targets, strict=True):
        assert a.name == b.name and a.model_dump(include=set(sent)) == b.model_dump(include=set(sent))
    readme = (CASSETTES / "README.md").read_text(encoding="utf-8")
    for target in replay.targets:
        assert target.model is not None and target.model.split("@sha256:")[1] in readme


def test_the_benchmark_slice_is_lines_of_the_demo_set_unchanged() -> None:
    demo = set((ROOT / "examples/seller_support/items.jsonl").read_text(encoding="utf-8").splitlines())
    sliced = (ROOT / "examples/seller_support/benchmark_slice.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(sliced) == 20 and all(line in demo for line in sliced)


def test_the_makefile_runs_the_same_steps() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nbenchmark:")[1].split("\n\n")[0]
    assert "configs/benchmark.yaml --replay cassettes/benchmark_qwen" in recipe
    assert f"compare runs/benchmark --baseline {BASELINE}" in recipe
    assert "[ $$code -ne 2 ]" in recipe  # a no-go (1) or inconclusive (3) verdict does not fail make
