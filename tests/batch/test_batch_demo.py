"""`--batch` on the demo slice with PII adjudication: a follow-up only a pass can ask goes into round 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.testing import FakeOpenAI
from tests.batch.batch_helpers import comparable
from tests.judges_llm.judge_helpers import demo_project
from tests.judges_llm.scripted_model import scripted_reply
from tests.judges_llm.test_openai_run import FAKE_KEY, SLICE, audit


def test_the_demo_slice_in_batch_rounds_matches_the_online_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_project(tmp_path, SLICE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    with FakeOpenAI(models=["gpt-4o-mini"], expected_key=FAKE_KEY) as server:
        server.respond_with(scripted_reply)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        assert audit("online", "--no-cache") == 0
        online = len(server.chat_requests)
        assert audit("batched", "--batch", "--no-cache") == 0
        assert len(server.chat_requests) == online
        assert server.batches.created == 2
    log = json.loads((tmp_path / "batched" / "batch" / "batch.json").read_text())
    # round 1: the 11 judge requests known in advance; round 2: the adjudication of ss-014's spans
    assert [r["request_count"] for r in log["rounds"]] == [11, 1]
    assert comparable(tmp_path / "batched") == comparable(tmp_path / "online")
    manifest = json.loads((tmp_path / "batched" / "manifest.json").read_text())
    assert manifest["llm"]["total"]["batched"] == 12 and manifest["llm"]["total"]["requests"] == 0
