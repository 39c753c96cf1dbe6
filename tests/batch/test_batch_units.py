"""Batch files and the failure log on their own: the API's file limits, output shapes, retries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.llm.batchfiles import RequestWriter, read_output, request_ids
from auditor.llm.batchmode import BatchMode
from auditor.llm.errors import BatchFailed, BatchPending
from auditor.llm.pending import item_scope
from auditor.llm.request import canonical_json
from auditor.llm.settings import BatchSettings

BODY = canonical_json({"model": "m", "messages": [{"role": "user", "content": "x" * 100}]})


def test_request_files_split_at_the_request_and_byte_limits(tmp_path: Path) -> None:
    by_count = RequestWriter(tmp_path / "count", max_requests=3, max_bytes=10**6)
    for i in range(7):
        assert by_count.add(f"id-{i}", BODY, "m")
    assert not by_count.add("id-0", BODY, "m")  # one line per request
    by_count.close()
    assert [len(f.read_text().splitlines()) for f in by_count.files] == [3, 3, 1]
    line = len(tmp_path.joinpath("count", "requests-001.jsonl").read_bytes().splitlines()[0]) + 1
    by_size = RequestWriter(tmp_path / "size", max_requests=50_000, max_bytes=2 * line + 10)
    for i in range(5):
        by_size.add(f"id-{i}", BODY, "m")
    by_size.close()
    assert [f.stat().st_size <= 2 * line + 10 for f in by_size.files] == [True, True, True]
    assert request_ids(by_size.files) == {f"id-{i}" for i in range(5)}
    first = json.loads(by_count.files[0].read_text().splitlines()[0])
    assert first == {
        "custom_id": "id-0",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": json.loads(BODY),
    }


def test_openai_and_vllm_output_lines_are_read_alike(tmp_path: Path) -> None:
    completion = {"choices": [{"index": 0, "message": {"content": "{}"}}], "usage": {}}
    lines = [
        {"id": "1", "custom_id": "a", "response": {"status_code": 200, "body": completion}, "error": None},
        {
            "id": "2",
            "custom_id": "b",
            "response": {"status_code": 400, "body": {"error": {"message": "too long"}}},
        },
        {
            "id": "3",
            "custom_id": "c",
            "response": None,
            "error": {"code": "batch_expired", "message": "expired"},
        },
        {
            "id": "4",
            "custom_id": "d",
            "response": {"status_code": 200, "body": {"choices": []}},
            "error": None,
        },
    ]
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    read = list(read_output(path))
    assert read[0].response == completion and read[0].error is None
    assert read[1].error == "batch error: status 400: too long"
    assert read[2].error == "batch error: expired"
    assert read[3].response is None and read[3].error is not None and "not a chat completion" in read[3].error


@pytest.mark.parametrize(
    ("retry", "second"), [("batch", "pending"), ("online", "online"), ("none", "failed")]
)
def test_a_failed_request_is_retried_once_then_unscored(tmp_path: Path, retry: str, second: str) -> None:
    mode = BatchMode(tmp_path / "batch", BatchSettings(retry=retry), submits=False)  # type: ignore[arg-type]
    mode.start_round(tmp_path / "round-1")
    with item_scope() as scope, pytest.raises(BatchPending):
        mode.defer("k", {"model": "m"})
    assert scope.pending == 1
    written = mode.end_round()
    assert written is not None
    report = mode.ingest([], written.files)  # the batch lost it
    assert (written.count, report.missing) == (1, 1)
    mode.start_round(tmp_path / "round-2")
    with item_scope():
        if second == "pending":
            with pytest.raises(BatchPending):
                mode.defer("k", {"model": "m"})
        elif second == "online":
            mode.defer("k", {"model": "m"})  # returns: the gateway asks online
        else:
            with pytest.raises(BatchFailed, match="after 1 tries: missing from the batch output"):
                mode.defer("k", {"model": "m"})
    written = mode.end_round()
    mode.ingest([], written.files if written else [])
    mode.close()
    if second == "pending":  # lost twice: unscored, and the log survives a new process
        again = BatchMode(tmp_path / "batch", BatchSettings(retry="batch"), submits=False)
        with pytest.raises(BatchFailed, match="after 2 tries: missing from the batch output"):
            again.defer("k", {"model": "m"})
        again.close()


def test_each_request_file_asks_one_model(tmp_path: Path) -> None:
    """The Batch API and `vllm run-batch` serve one model per file: a target's and a judge's split."""
    writer = RequestWriter(tmp_path, max_requests=10, max_bytes=10**6)
    for i in range(3):
        writer.add(f"judge-{i}", BODY, "judge-model")
        writer.add(f"target-{i}", BODY, "target-model")
    writer.close()
    assert writer.models == {
        str(tmp_path / "requests-001.jsonl"): "judge-model",
        str(tmp_path / "requests-002.jsonl"): "target-model",
    }
    assert request_ids([tmp_path / "requests-002.jsonl"]) == {f"target-{i}" for i in range(3)}
