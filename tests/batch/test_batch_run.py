"""`auditor run --batch` against the fake server's Batch API: the online records, at the batch price."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.testing import ChatRequest, FakeOpenAI, Reply
from tests.batch.batch_helpers import (
    audit,
    batch_config,
    comparable,
    records,
    total_cost,
)
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
    config = batch_config(tmp_path, N_ITEMS, server.base_url)
    assert audit(config, tmp_path / "online", "--no-cache") == 0
    online_requests = len(server.chat_requests)
    assert online_requests == N_ITEMS + N_ITEMS // 2  # relevance for all, accuracy where a reference is

    assert audit(config, tmp_path / "batched", "--batch", "--no-cache") == 0
    assert len(server.chat_requests) == online_requests  # nothing went online
    assert server.batches.created == 1
    assert comparable(tmp_path / "batched") == comparable(tmp_path / "online")
    assert total_cost(tmp_path / "batched") == pytest.approx(total_cost(tmp_path / "online") / 2)
    out = capsys.readouterr().out
    assert f"batch round 1 (batch-fake-2, completed): {online_requests} answered, 0 failed, 0 missing" in out

    log = json.loads((tmp_path / "batched" / "batch" / "batch.json").read_text())
    assert [r["number"] for r in log["rounds"]] == [1]
    (job,) = log["rounds"][0]["batches"]
    assert job["id"].startswith("batch-") and job["status"] == "completed" and job["ingested"]
    manifest = json.loads((tmp_path / "batched" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["llm"]["total"]["batched"] == online_requests
    assert len(records(tmp_path / "batched")) == N_ITEMS


def test_error_lines_missing_lines_and_shuffled_output_end_with_every_item_judged_or_unscored(
    server: FakeOpenAI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = batch_config(tmp_path, 200, server.base_url)
    server.batches.behaviour.error_rate = 0.2
    server.batches.behaviour.missing_rate = 0.2
    server.batches.behaviour.shuffle = True
    assert audit(config, tmp_path / "run", "--batch", "--no-cache") == 0

    out = capsys.readouterr().out
    assert "batch round 1 (" in out and "batch round 2 (" in out  # the failed ones asked once more
    assert server.batches.created == 2
    by_item = records(tmp_path / "run")
    assert len(by_item) == 200 and len({r["item_id"] for r in by_item}) == 200
    verdicts = [v for r in by_item for v in r["verdicts"]]
    assert len(verdicts) == 300
    unscored = [v for v in verdicts if v.get("unscored_reason")]
    scored = [v for v in verdicts if not v.get("unscored_reason")]
    # 40% fail per try, twice in a row for about 16%: the rest is judged on the second try
    assert 0.08 * 300 < len(unscored) < 0.26 * 300
    assert len(scored) + len(unscored) == 300
    reasons = {v["unscored_reason"].split(": ", 1)[1].split(":")[0] for v in unscored}
    assert all(v["unscored_reason"].startswith("no answer from the batch after 2 tries") for v in unscored)
    assert reasons <= {"missing from the batch output", "batch error"}
    assert len(reasons) == 2


def test_an_expired_batch_retries_what_it_did_not_answer(server: FakeOpenAI, tmp_path: Path) -> None:
    config = batch_config(tmp_path, 40, server.base_url)
    server.batches.behaviour.expire = True  # every batch answers only its first half
    assert audit(config, tmp_path / "run", "--batch", "--no-cache") == 0
    verdicts = [v for r in records(tmp_path / "run") for v in r["verdicts"]]
    unscored = [v for v in verdicts if v.get("unscored_reason")]
    # round 1 answers 30 of 60, round 2 answers 15 of the other 30: 15 never answered
    assert len(verdicts) == 60 and len(unscored) == 15
    assert all("batch error: batch expired" in v["unscored_reason"] for v in unscored)


def test_failed_requests_can_be_retried_online_instead(server: FakeOpenAI, tmp_path: Path) -> None:
    config = batch_config(tmp_path, 60, server.base_url, retry="online")
    server.batches.behaviour.missing_rate = 0.25
    assert audit(config, tmp_path / "run", "--batch", "--no-cache") == 0
    assert server.batches.created == 1
    online = len(server.chat_requests)
    assert 0 < online < 45
    verdicts = [v for r in records(tmp_path / "run") for v in r["verdicts"]]
    assert len(verdicts) == 90 and all(not v.get("unscored_reason") for v in verdicts)


def test_an_invalid_batch_answer_is_re_asked_in_the_next_round(server: FakeOpenAI, tmp_path: Path) -> None:
    config = batch_config(tmp_path, 10, server.base_url)

    def first_reply_invalid(request: ChatRequest) -> str | Reply:
        """Item 3's first request gets a reply that is not JSON; its re-ask gets a valid one."""
        if "order 3?" in request.user_turns[0] and len(request.user_turns) == 1:
            return "not json at all"
        return scripted_reply(request)

    server.respond_with(first_reply_invalid)
    assert audit(config, tmp_path / "run", "--batch", "--no-cache") == 0
    assert server.batches.created == 2
    log = json.loads((tmp_path / "run" / "batch" / "batch.json").read_text())
    assert [r["request_count"] for r in log["rounds"]] == [15, 1]
    (record,) = [r for r in records(tmp_path / "run") if r["item_id"] == "it-00003"]
    (relevance,) = [v for v in record["verdicts"] if v["judge"] == "relevance_llm"]
    assert not relevance.get("unscored_reason") and relevance["provenance"]["reasks"] == 1
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["llm"]["by_purpose"]["judge:relevance_llm"]["reasks"] == 1  # counted once, not per round


def test_batch_answers_also_land_in_the_response_cache_for_later_online_runs(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    config = batch_config(tmp_path, 20, server.base_url)
    assert audit(config, tmp_path / "batched", "--batch") == 0
    assert audit(config, tmp_path / "online") == 0
    assert server.chat_requests == []  # every answer came from the cache the batch filled
    cached = [v["provenance"]["cached"] for r in records(tmp_path / "online") for v in r["verdicts"]]
    assert len(cached) == 30 and all(cached)


def test_a_round_above_the_file_limit_goes_out_as_several_batches(server: FakeOpenAI, tmp_path: Path) -> None:
    config = batch_config(tmp_path, 30, server.base_url, per_file=20)
    assert audit(config, tmp_path / "run", "--batch", "--no-cache") == 0
    assert server.batches.created == 3  # 45 requests, 20 per file
    log = json.loads((tmp_path / "run" / "batch" / "batch.json").read_text())
    (only,) = log["rounds"]
    assert [Path(p).name for p in only["requests"]] == [f"requests-00{i}.jsonl" for i in (1, 2, 3)]
    assert len({job["id"] for job in only["batches"]}) == 3 and only["answered"] == 45
    assert len(records(tmp_path / "run")) == 30


def test_a_run_needing_more_rounds_than_max_rounds_stops_with_one_line(
    server: FakeOpenAI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = batch_config(tmp_path, 2, server.base_url)
    text = config.read_text().replace("poll_interval_s: 0.05,", "poll_interval_s: 0.05, max_rounds: 1,")
    config.write_text(text)
    # item 0's replies are never valid, so its re-ask needs a second round
    server.respond_with(lambda r: "not json" if "order 0?" in r.user_text else scripted_reply(r))
    assert audit(config, tmp_path / "run", "--batch", "--no-cache") == 2
    assert "round 2 would pass llm.batch.max_rounds (1) and still asks 2 requests" in capsys.readouterr().err
    config.write_text(text.replace("max_rounds: 1", "max_rounds: 2"))
    assert audit(config, tmp_path / "run", "--batch", "--resume", "--no-cache") == 0
    assert len(records(tmp_path / "run")) == 2
