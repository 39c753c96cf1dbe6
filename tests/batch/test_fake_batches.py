"""The fake server's Files and Batches API, through the real openai client."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import openai
import pytest

from auditor.testing import FAKE_MODEL, FakeOpenAI, Fault


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        fake.respond_with(lambda request: '{"score": 4}')
        fake.script("refuse me", Fault.status_error(400, "context length exceeded"))
        yield fake


def request_file(texts: list[str]) -> io.BytesIO:
    lines = [
        {
            "custom_id": f"req-{i}",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {"model": FAKE_MODEL, "messages": [{"role": "user", "content": text}]},
        }
        for i, text in enumerate(texts)
    ]
    return io.BytesIO("".join(json.dumps(line) + "\n" for line in lines).encode())


def lines_of(client: openai.OpenAI, file_id: str | None) -> list[dict]:
    assert file_id is not None
    return [json.loads(line) for line in client.files.content(file_id).text.splitlines()]


def test_a_batch_is_answered_like_chat_requests_with_the_scripted_faults(server: FakeOpenAI) -> None:
    client = openai.OpenAI(base_url=server.base_url, api_key="unused")
    upload = client.files.create(file=("in.jsonl", request_file(["a", "b", "refuse me"])), purpose="batch")
    assert upload.purpose == "batch" and upload.bytes > 0
    batch = client.batches.create(
        input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    assert server.batches.created == 1
    done = client.batches.retrieve(batch.id)
    assert done.status == "completed" and done.request_counts is not None
    assert (done.request_counts.total, done.request_counts.completed, done.request_counts.failed) == (3, 2, 1)
    output = lines_of(client, done.output_file_id)
    assert [line["custom_id"] for line in output] == ["req-0", "req-1"]
    assert output[0]["response"]["status_code"] == 200
    assert output[0]["response"]["body"]["choices"][0]["message"]["content"] == '{"score": 4}'
    (error,) = lines_of(client, done.error_file_id)
    assert error["custom_id"] == "req-2" and error["response"]["status_code"] == 400
    assert server.chat_requests == []  # answered inside the batch, not as chat requests


def test_a_delayed_batch_can_be_cancelled_and_unknown_ids_are_404(server: FakeOpenAI) -> None:
    client = openai.OpenAI(base_url=server.base_url, api_key="unused", max_retries=0)
    server.batches.behaviour.delay_s = 60
    upload = client.files.create(file=("in.jsonl", request_file(["a"])), purpose="batch")
    batch = client.batches.create(
        input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    assert client.batches.retrieve(batch.id).status == "in_progress"
    assert client.batches.cancel(batch.id).status == "cancelled"
    assert server.batches.cancelled == [batch.id]
    with pytest.raises(openai.NotFoundError):
        client.batches.retrieve("batch-nope")
    with pytest.raises(openai.NotFoundError):
        client.files.content("file-nope")


def test_injected_batch_faults_lose_fail_and_shuffle_lines(server: FakeOpenAI) -> None:
    client = openai.OpenAI(base_url=server.base_url, api_key="unused")
    server.batches.behaviour.error_rate = 0.25
    server.batches.behaviour.missing_rate = 0.25
    server.batches.behaviour.shuffle = True
    upload = client.files.create(
        file=("in.jsonl", request_file([f"q{i}" for i in range(200)])), purpose="batch"
    )
    batch = client.batches.create(
        input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    done = client.batches.retrieve(batch.id)
    answered = [line["custom_id"] for line in lines_of(client, done.output_file_id)]
    failed = [line["custom_id"] for line in lines_of(client, done.error_file_id)]
    assert 70 < len(answered) < 130 and 25 < len(failed) < 75
    assert len(answered) + len(failed) < 175  # the rest never came back
    assert answered != sorted(answered, key=lambda c: int(c.split("-")[1]))
