"""`auditor run --batch` against the fake server's Batch API: the same records as online, at the batch price."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.testing import FakeOpenAI
from tests.batch.batch_helpers import audit, comparable, make_items, records, total_cost, write_config
from tests.judges_llm.scripted_model import scripted_reply

N_ITEMS = 1000


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        fake.respond_with(scripted_reply)
        yield fake


def test_a_batch_run_writes_the_records_an_online_run_writes_at_half_the_price(
    server: FakeOpenAI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items, config = tmp_path / "items.jsonl", tmp_path / "config.yaml"
    make_items(items, N_ITEMS)
    write_config(config, items, server.base_url)
    assert audit(config, tmp_path / "online", "--no-cache") == 0
    online_requests = len(server.chat_requests)
    assert online_requests == N_ITEMS + N_ITEMS // 2  # relevance for all, accuracy where a reference is

    assert audit(config, tmp_path / "batched", "--batch", "--no-cache") == 0
    assert len(server.chat_requests) == online_requests  # nothing went online
    assert server.batches.created == 1
    assert comparable(tmp_path / "batched") == comparable(tmp_path / "online")
    assert total_cost(tmp_path / "batched") == pytest.approx(total_cost(tmp_path / "online") / 2)
    out = capsys.readouterr().out
    assert f"batch round 1: {online_requests} answered, 0 failed, 0 missing" in out

    log = json.loads((tmp_path / "batched" / "batch" / "batch.json").read_text())
    assert [r["number"] for r in log["rounds"]] == [1]
    (job,) = log["rounds"][0]["batches"]
    assert job["id"].startswith("batch-") and job["status"] == "completed" and job["ingested"]
    manifest = json.loads((tmp_path / "batched" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["llm"]["total"]["batched"] == online_requests
    assert len(records(tmp_path / "batched")) == N_ITEMS
