"""End to end: `auditor run configs/openai.yaml` on a slice of the demo, live and replayed.

"Live" is the local fake OpenAI-compatible server answering with the scripted judge model
(tests/judges_llm/scripted_model.py), never a real model. `cassettes/openai_demo_slice/`
was recorded that way; re-record it with
`AUDITOR_RECORD_CASSETTES=1 pytest tests/judges_llm/test_openai_run.py -k committed`.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from auditor.cli import main
from auditor.testing import FakeOpenAI
from tests.judges_llm.judge_helpers import ROOT, demo_project
from tests.judges_llm.scripted_model import scripted_reply

SLICE = ("ss-002", "ss-007", "ss-010", "ss-014", "ss-038", "ss-063")
COMMITTED = ROOT / "cassettes" / "openai_demo_slice"
FAKE_KEY = "sk-test-openai-run-5678"
# What differs between a live and a replayed run of the same exchanges: time, and that
# a replay costs nothing and says it was replayed.
VOLATILE = {"latency_ms", "cached", "replayed", "cost_usd"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with the project's configs and a 6-item slice."""
    demo_project(tmp_path, SLICE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    return tmp_path


def audit(out: str, *extra: str) -> int:
    return main(
        ["run", "configs/openai.yaml", "--input", "slice.jsonl", "--out", out, "--no-progress", *extra]
    )


def live_run(monkeypatch: pytest.MonkeyPatch, out: str, *extra: str) -> int:
    with FakeOpenAI(models=["gpt-4o-mini"], expected_key=FAKE_KEY) as server:
        server.respond_with(scripted_reply)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = audit(out, *extra)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)  # dead after this block
    return code


def records(run: Path) -> list[dict[str, Any]]:
    lines = (run / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return sorted((json.loads(line) for line in lines), key=lambda r: r["item_id"])


def comparable(run: Path) -> str:
    """The run's verdicts, routes and consensus as canonical JSON, without the volatile fields."""
    out = []
    for record in records(run):
        record.pop("duration_ms")
        for verdict in record["verdicts"]:
            for key in VOLATILE:
                verdict["provenance"].pop(key)
        out.append(record)
    return json.dumps(out, sort_keys=True, ensure_ascii=False)


def test_a_live_run_gives_every_verdict_reasoning_evidence_confidence_and_provenance(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert live_run(monkeypatch, "run") == 0
    # the summary's LLM line counts every purpose, the PII adjudication call included
    assert "LLM (gpt-4o-mini): 12 calls, 12 requests, 0 cache hits" in capsys.readouterr().out

    by_item = {r["item_id"]: {v["judge"]: v for v in r["verdicts"]} for r in records(project / "run")}
    assert sorted(by_item) == sorted(SLICE)
    assert "accuracy_llm" not in by_item["ss-063"]  # neither a reference nor a context
    llm = [v for verdicts in by_item.values() for name, v in verdicts.items() if name != "pii"]
    assert len(llm) == 11
    for v in llm:
        assert v.get("unscored_reason") is None and v["reasoning"].startswith("scripted:")
        assert v["evidence"] and v["evidence"][0]["start"] is not None
        assert v["confidence"] == round(0.8 / 0.95, 4)  # scripted: P(score)=0.8, a neighbour 0.15
        # G-Eval: the weighted score leans from the written score toward that neighbour
        assert v["weighted_score"] == pytest.approx(v["score"] + 0.15 / 0.95, abs=1e-3) or v[
            "weighted_score"
        ] == pytest.approx(v["score"] - 0.15 / 0.95, abs=1e-3)
        p = v["provenance"]
        assert p["backend"] == "llm" and p["model"] == "gpt-4o-mini" and p["confidence_method"] == "logprobs"
        assert p["prompt_version"].split("+")[0] in {"accuracy@4", "relevance@4"}
        assert p["rubric_version"].split("+")[0] in {"accuracy@2", "relevance@2"}
        assert p["prompt_tokens"] > 0 and p["cost_usd"] > 0 and len(p["request_hash"]) == 64
    assert by_item["ss-002"]["accuracy_llm"]["score"] == 2  # the scripted model caught the wrong deadline
    assert by_item["ss-010"]["relevance_llm"]["score"] == 2  # answered in English to a Chinese question
    pii = by_item["ss-014"]["pii"]
    assert pii["label"] == "leak" and pii["provenance"]["backend"] == "ensemble"
    # the adjudicator's call is accounted for on the verdict it decided
    assert pii["provenance"]["model"] == "gpt-4o-mini" and pii["provenance"]["prompt_tokens"] > 0
    assert pii["provenance"]["prompt_version"].startswith("pii_adjudicate@")
    manifest = json.loads((project / "run" / "manifest.json").read_text())
    assert manifest["llm"]["by_purpose"]["adjudicate:pii"]["calls"] == 1
    assert manifest["llm"]["total"]["calls"] == 12


def test_a_replayed_run_reproduces_the_live_one_with_no_server(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert live_run(monkeypatch, "live", "--record", "cassette") == 0
    monkeypatch.delenv("OPENAI_API_KEY")
    assert audit("replayed", "--replay", "cassette") == 0

    assert comparable(project / "replayed") == comparable(project / "live")
    replayed = [v for r in records(project / "replayed") for v in r["verdicts"] if v["judge"] != "pii"]
    assert all(v["provenance"]["replayed"] and v["provenance"]["cost_usd"] == 0 for v in replayed)
    cassette = "".join(p.read_text() for p in sorted((project / "cassette").glob("*.json")))
    assert FAKE_KEY not in cassette


def test_the_committed_cassette_replays_the_live_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if os.environ.get("AUDITOR_RECORD_CASSETTES") == "1":
        shutil.rmtree(COMMITTED, ignore_errors=True)
        assert live_run(monkeypatch, "recording", "--record", str(COMMITTED)) == 0
    assert live_run(monkeypatch, "live") == 0
    monkeypatch.delenv("OPENAI_API_KEY")
    assert audit("replayed", "--replay", str(COMMITTED)) == 0

    assert comparable(project / "replayed") == comparable(project / "live")
    assert len(list(COMMITTED.glob("*.json"))) == 12  # every exchange of the run, none left over
