"""The response cache from the command line: in the user cache, `--no-cache`, `--refresh-cache`.

Runs `auditor run configs/openai.yaml` against one fake server (the cache key holds the
endpoint's URL, so every run of a test talks to the same one) and counts its requests.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.testing import FakeOpenAI
from auditor.testing.fake_openai import ChatRequest, Reply
from tests.judges_llm.judge_helpers import demo_project
from tests.judges_llm.scripted_model import scripted_reply

SLICE = ("ss-002", "ss-014")  # both LLM judges and a PII adjudication
FAKE_KEY = "sk-test-cache-flags-2468"


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(models=["gpt-4o-mini"], expected_key=FAKE_KEY) as server:
        server.respond_with(scripted_reply)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
        yield server


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(demo_project(tmp_path / "project", SLICE))
    return tmp_path / "project"


def requests_of_run(endpoint: FakeOpenAI, out: str, *extra: str) -> int:
    """Run the audit; how many requests reached the endpoint."""
    before = len(endpoint.chat_requests)
    args = ["run", "configs/openai.yaml", "--input", "slice.jsonl", "--out", out, "--no-progress", *extra]
    assert main(args) == 0
    return len(endpoint.chat_requests) - before


def reworded(request: ChatRequest) -> Reply:
    """The scripted verdicts with another reasoning, to tell a new answer from a cached one."""
    reply = scripted_reply(request)
    return dataclasses.replace(reply, content=str(reply.content).replace('"scripted:', '"refreshed:'))


def reasonings(run: Path) -> list[str]:
    lines = (run / "records.jsonl").read_text(encoding="utf-8").splitlines()
    verdicts = [v for line in lines for v in json.loads(line)["verdicts"] if v["judge"] != "pii"]
    return [str(v["reasoning"]) for v in verdicts]


def test_no_cache_sends_every_call_to_the_endpoint_and_stores_nothing(
    project: Path, endpoint: FakeOpenAI, private_user_cache: Path
) -> None:
    calls = requests_of_run(endpoint, "first", "--no-cache")
    assert calls >= 5  # two items, two LLM judges each, one PII adjudication
    assert requests_of_run(endpoint, "second", "--no-cache") == calls
    assert not (private_user_cache / "llm").exists()
    assert requests_of_run(endpoint, "cached", "--no-cache") == calls
    # a normal run fills the cache; --no-cache still reads none of it
    assert requests_of_run(endpoint, "normal") == calls
    assert requests_of_run(endpoint, "again", "--no-cache") == calls


def test_refresh_cache_asks_again_and_the_next_run_is_served_the_new_answers(
    project: Path, endpoint: FakeOpenAI
) -> None:
    calls = requests_of_run(endpoint, "old")
    assert calls > 0 and all(r.startswith("scripted:") for r in reasonings(project / "old"))
    endpoint.respond_with(reworded)

    assert requests_of_run(endpoint, "refreshed", "--refresh-cache") == calls
    assert requests_of_run(endpoint, "next") == 0
    assert reasonings(project / "next") == reasonings(project / "refreshed")
    assert reasonings(project / "next") and all(
        r.startswith("refreshed:") for r in reasonings(project / "next")
    )


def test_a_run_from_another_directory_is_served_from_the_same_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, endpoint: FakeOpenAI, private_user_cache: Path
) -> None:
    monkeypatch.chdir(demo_project(tmp_path / "here", SLICE))
    calls = requests_of_run(endpoint, "run")
    monkeypatch.chdir(demo_project(tmp_path / "there", SLICE))

    assert calls > 0 and requests_of_run(endpoint, "run") == 0
    assert not (tmp_path / "here" / ".cache").exists()
    assert (private_user_cache / "llm" / "cache.db").is_file()


def test_cache_stats_says_where_the_cache_is(
    project: Path, endpoint: FakeOpenAI, private_user_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "stats"]) == 0
    assert capsys.readouterr().out.strip() == f"{private_user_cache / 'llm'}: no cache yet"
    calls = requests_of_run(endpoint, "run")
    capsys.readouterr()

    assert main(["cache", "stats", "--config", "configs/openai.yaml"]) == 0
    assert capsys.readouterr().out.startswith(f"{private_user_cache / 'llm'}: {calls} cached responses, ")
