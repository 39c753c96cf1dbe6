"""`--batch-export`, then `--batch-ingest` of output written by another program (as vLLM writes it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.testing import ChatRequest
from tests.batch.batch_helpers import audit, batch_config, records
from tests.judges_llm.scripted_model import scripted_reply

NOWHERE = "https://batch-only.invalid/v1"  # never contacted: every answer comes from the files


def answer_line(request: dict[str, Any], n: int) -> dict[str, Any]:
    """What `vllm run-batch` writes for one request line: the chat completion in `response.body`."""
    reply = scripted_reply(ChatRequest(request["body"], {}, 0))
    content = reply.contents[0]
    body = {
        "id": f"cmpl-{n}",
        "object": "chat.completion",
        "model": request["body"]["model"],
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }
    return {
        "id": f"vllm-{n}",
        "custom_id": request["custom_id"],
        "response": {"status_code": 200, "request_id": f"vllm-batch-{n}", "body": body},
        "error": None,
    }


def run_engine(requests: Path, results: Path, *, skip: int = 0, unknown: bool = False) -> int:
    """Answer a request file the way another engine would, in reverse order; `skip` lines lost."""
    lines = [json.loads(line) for line in requests.read_text(encoding="utf-8").splitlines()]
    out = [answer_line(r, i) for i, r in enumerate(lines)][skip:]
    if unknown:
        out.append({**out[0], "custom_id": "f" * 64})
    results.write_text("".join(json.dumps(line) + "\n" for line in reversed(out)), encoding="utf-8")
    return len(lines)


def test_export_then_ingest_of_another_engines_output_finishes_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # nothing is sent, so no key is needed
    config = batch_config(tmp_path, 30, NOWHERE)
    exported = tmp_path / "exported"
    out = tmp_path / "run"
    assert audit(config, out, "--batch-export", str(exported)) == 0
    printed = capsys.readouterr().out
    requests = exported / "round-1" / "requests-001.jsonl"
    assert f"vllm run-batch -i {requests} -o {exported / 'round-1' / 'results-001.jsonl'}" in printed
    assert f"--batch-ingest {exported / 'round-1' / 'results-001.jsonl'}" in printed
    assert not (out / "records.jsonl").exists()  # every item waits for its answers
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "waiting"

    first = requests.read_text(encoding="utf-8").splitlines()[0]
    request = json.loads(first)
    assert request["method"] == "POST" and request["url"] == "/v1/chat/completions"
    assert len(request["custom_id"]) == 64 and request["body"]["model"] == "fake-model"

    results = exported / "round-1" / "results-001.jsonl"
    assert run_engine(requests, results, skip=1, unknown=True) == 45
    assert audit(config, out, "--batch-ingest", str(results)) == 0
    printed = capsys.readouterr().out
    assert "batch round 1: 44 answered, 0 failed, 1 missing, 1 unknown custom_ids ignored" in printed
    again = exported / "round-2" / "requests-001.jsonl"
    assert again.is_file() and len(again.read_text().splitlines()) == 1  # the lost one, asked once more
    assert len(records(out)) == 29

    assert run_engine(again, exported / "round-2" / "results-001.jsonl") == 1
    assert audit(config, out, "--batch-ingest", str(exported / "round-2" / "results-001.jsonl")) == 0
    judged = records(out)
    assert len(judged) == 30
    verdicts = [v for r in judged for v in r["verdicts"]]
    assert len(verdicts) == 45 and all(not v.get("unscored_reason") for v in verdicts)
    assert all(v["reasoning"].startswith("scripted:") for v in verdicts)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    log = json.loads((out / "batch" / "batch.json").read_text())
    rounds = [(r["number"], r["mode"], r["ingested"]) for r in log["rounds"]]
    assert rounds == [(1, "files", True), (2, "files", True)]


def test_ingest_without_an_exported_round_says_what_to_do(tmp_path: Path) -> None:
    config = batch_config(tmp_path, 3, NOWHERE)
    (tmp_path / "run").mkdir()
    stray = tmp_path / "results.jsonl"
    stray.write_text("")
    assert audit(config, tmp_path / "run", "--batch-ingest", str(stray)) == 2


def test_a_malformed_output_line_names_the_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = batch_config(tmp_path, 3, NOWHERE)
    exported = tmp_path / "exported"
    assert audit(config, tmp_path / "run", "--batch-export", str(exported)) == 0
    results = exported / "round-1" / "results-001.jsonl"
    results.write_text('{"custom_id": "abc", "response": {"status_code": 200, "body": {}}}\n{"id": 1}\n')
    assert audit(config, tmp_path / "run", "--batch-ingest", str(results)) == 2
    assert f"{results}:2: field 'custom_id': missing or not a string" in capsys.readouterr().err


def test_a_waiting_batch_run_is_not_started_again_by_accident(tmp_path: Path) -> None:
    config = batch_config(tmp_path, 4, NOWHERE)
    exported = tmp_path / "exported"
    out = tmp_path / "run"
    assert audit(config, out, "--batch-export", str(exported)) == 0
    assert audit(config, out, "--batch-export", str(exported)) == 2  # --resume or --overwrite, please
    assert audit(config, out, "--batch-export", str(exported), "--overwrite") == 0
    log = json.loads((out / "batch" / "batch.json").read_text())
    assert len(log["rounds"]) == 1 and log["rounds"][0]["request_count"] == 6
