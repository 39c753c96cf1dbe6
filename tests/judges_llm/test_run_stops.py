"""A run that stops on an endpoint error with many items in flight: what finished is kept
whole, the rest is absent, nothing keeps running, and `--resume` judges exactly the rest."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import pytest

from auditor.config import AuditConfig, LLMJudgeConfig
from auditor.errors import UserError
from auditor.llm import LLMSettings
from auditor.run import RunOptions, run_audit
from auditor.rundir import read_records
from auditor.templates import PACKAGE_DIR
from auditor.testing import FakeOpenAI, Fault, Reply
from auditor.testing.fake_openai import ChatRequest
from tests.judges_llm.scripted_model import score_reply

ROOT = Path(__file__).resolve().parents[2]
N_ITEMS, FAST, FAILING = 60, 10, 12
SLOW_S = 5.0  # how long the slow items would take: far beyond a stop, even on a loaded machine
ITEM_NO = re.compile(r"answer (\d+)\.")


def write_items(path: Path) -> Path:
    lines = [
        json.dumps({"id": f"it-{i}", "prompt": "q", "response": f"answer {i}.", "reference": f"answer {i}."})
        for i in range(1, N_ITEMS + 1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def failing_midway(request: ChatRequest) -> Reply | Fault:
    """Items 1-10 answered at once; item 12 refused (401) a little later; the rest slow."""
    match = ITEM_NO.search(request.user_turns[0])
    assert match is not None
    number = int(match.group(1))
    if number == FAILING:
        time.sleep(0.3)  # the fast ones are written by now, the slow ones are in flight
        return Fault.status_error(401, "Incorrect API key provided.")
    reply = score_reply(5, {"reasoning": "scripted: fine", "evidence": [], "score": 5})
    return reply if number <= FAST else Reply(reply.content, reply.alternatives, delay_s=SLOW_S)


def answering(request: ChatRequest) -> Reply:
    return score_reply(5, {"reasoning": "scripted: fine", "evidence": [], "score": 5})


def config(base_url: str, tmp_path: Path) -> AuditConfig:
    settings = LLMSettings(
        model="fake-model",
        base_url=base_url,
        api_key_env=None,
        cache_dir=None,
        retry_initial_wait_s=0.01,
        timeout_s=5.0,
    )
    judge = LLMJudgeConfig(
        name="accuracy_llm",
        kind="llm.accuracy",
        rubric=str(PACKAGE_DIR / "rubrics" / "accuracy.yaml"),
        prompt=str(PACKAGE_DIR / "prompts" / "accuracy.yaml"),
    )
    return AuditConfig(judges=[judge], llm=settings, concurrency=16)


async def test_an_endpoint_error_cancels_the_workers_and_keeps_what_finished(tmp_path: Path) -> None:
    items, out = write_items(tmp_path / "items.jsonl"), tmp_path / "run"
    with FakeOpenAI() as server:
        server.respond_with(failing_midway)
        started = time.perf_counter()
        with pytest.raises(UserError, match="401"):
            await run_audit(config(server.base_url, tmp_path), RunOptions(items, out, progress=False))
        stopped_after = time.perf_counter() - started
        # Nothing of the run outlives it: no worker still judging, no request still going out.
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
        sent = len(server.chat_requests)
        await asyncio.sleep(1.2)
        assert len(server.chat_requests) == sent
    assert stopped_after < SLOW_S / 2  # the slow items in flight were cancelled, not waited for

    kept = read_records(out)  # every line whole (a torn line would not parse)
    assert sorted(r.item_id for r in kept) == sorted(f"it-{i}" for i in range(1, FAST + 1))
    assert all(len(r.verdicts) == 1 and r.verdicts[0].score == 5 for r in kept)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "401" in manifest["stop_reason"]

    with FakeOpenAI() as server:
        server.respond_with(answering)
        options = RunOptions(items, out, resume=True, progress=False)
        result = await run_audit(config(server.base_url, tmp_path), options)
        assert len(server.chat_requests) == N_ITEMS - FAST  # only the absent ones are judged
    assert result.status == "complete" and result.skipped_done == FAST
    ids = [r.item_id for r in read_records(out)]
    assert sorted(ids) == sorted(f"it-{i}" for i in range(1, N_ITEMS + 1))  # each exactly once
