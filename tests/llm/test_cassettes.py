"""Cassettes: record every exchange, replay with no network, fail clearly on a miss.

`cassettes/gateway_smoke/` was recorded against the local fake server (scripted replies,
not a model). Re-record it with `AUDITOR_RECORD_CASSETTES=1 pytest tests/llm/test_cassettes.py`.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.errors import UserError
from auditor.llm import Completion, Gateway, LLMSettings
from auditor.testing import FAKE_MODEL, FakeOpenAI, Reply, assert_cassette_fully_played
from tests.llm.llm_helpers import FAKE_KEY, KEY_ENV, Score, ask, score_json

SMOKE_CASSETTE = Path(__file__).resolve().parents[2] / "cassettes" / "gateway_smoke"
ReplayFactory = Callable[[Path, LLMSettings], Gateway]


def script_smoke(server: FakeOpenAI) -> None:
    """The scripted replies the smoke cassette was recorded from."""
    server.script(
        "smoke-1",
        Reply(
            score_json(4, "The answer gives the reference figure."),
            alternatives={"4": {"4": -0.2, "5": -1.9}},
        ),
    )
    server.script("smoke-2", "Score: 2 out of 5", score_json(2, "The answer misses the deadline."))
    server.script(
        "smoke-3", Reply([score_json(5, "Exact."), score_json(4, "Nearly exact."), score_json(5, "Right.")])
    )


async def run_smoke(gateway: Gateway) -> list[Completion[Score]]:
    """One plain call with logprobs, one that needs a re-ask, one with three samples."""
    return [
        await gateway.complete(ask("smoke-1"), Score, logprobs=True, purpose="judge:accuracy"),
        await gateway.complete(ask("smoke-2"), Score, purpose="judge:accuracy"),
        await gateway.complete(ask("smoke-3"), Score, n=3, purpose="judge:relevance"),
    ]


def outputs(results: list[Completion[Score]]) -> str:
    """Everything a run keeps from its calls, serialized, for byte-for-byte comparison."""
    return json.dumps(
        [
            {
                "unscored": r.unscored_reason,
                "samples": [
                    {
                        "raw": s.raw,
                        "parsed": s.parsed.model_dump() if s.parsed else None,
                        "reasked": s.reasked,
                        "logprobs": [
                            [t.token, t.logprob, [[a.token, a.logprob] for a in t.top_logprobs]]
                            for t in s.logprobs
                        ]
                        if s.logprobs
                        else None,
                    }
                    for s in r.samples
                ],
                "tokens": [r.provenance.prompt_tokens, r.provenance.completion_tokens],
                "request_hash": r.provenance.request_hash,
            }
            for r in results
        ],
        sort_keys=True,
    )


def smoke_settings(base_url: str, cache_dir: Path | None) -> LLMSettings:
    return LLMSettings(
        model=FAKE_MODEL,
        base_url=base_url,
        api_key_env=KEY_ENV,
        temperature=0.7,
        cache_dir=str(cache_dir) if cache_dir else None,
        retry_initial_wait_s=0.01,
    )


async def test_a_replayed_run_reproduces_the_recorded_one_with_the_server_stopped(
    settings: LLMSettings, llm_key: str, tmp_path: Path, replay_gateway: ReplayFactory
) -> None:
    with FakeOpenAI() as server:
        script_smoke(server)
        recording = smoke_settings(server.base_url, tmp_path / "cache")
        async with Gateway(recording, record_dir=tmp_path / "cassette") as gateway:
            recorded = await run_smoke(gateway)
        requests_while_recording = len(server.chat_requests)

    assert requests_while_recording == 4  # three calls and one re-ask
    replayer = replay_gateway(tmp_path / "cassette", smoke_settings(server.base_url, None))
    replayed = await run_smoke(replayer)
    await replayer.aclose()

    assert outputs(replayed) == outputs(recorded)
    assert all(r.provenance.replayed and r.provenance.cost_usd == 0 for r in replayed)
    assert replayer.usage["judge:accuracy"].replayed == 3


async def test_the_committed_smoke_cassette_replays(replay_gateway: ReplayFactory, llm_key: str) -> None:
    if os.environ.get("AUDITOR_RECORD_CASSETTES") == "1":
        shutil.rmtree(SMOKE_CASSETTE, ignore_errors=True)
        with FakeOpenAI() as server:
            script_smoke(server)
            async with Gateway(smoke_settings(server.base_url, None), record_dir=SMOKE_CASSETTE) as gateway:
                await run_smoke(gateway)

    gateway = replay_gateway(SMOKE_CASSETTE, smoke_settings("https://api.example.invalid/v1", None))
    first, second, third = await run_smoke(gateway)

    assert first.parsed == Score(reasoning="The answer gives the reference figure.", score=4)
    assert first.logprobs is not None
    assert [(a.token, a.logprob) for t in first.logprobs if t.token == "4" for a in t.top_logprobs] == [
        ("4", -0.2),
        ("5", -1.9),
    ]
    assert second.parsed == Score(reasoning="The answer misses the deadline.", score=2)
    assert second.provenance.reasks == 1 and second.samples[0].reasked
    assert [o.score for o in third.outputs] == [5, 4, 5]


async def test_replay_needs_no_key_and_no_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replay_gateway: ReplayFactory
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    remote = smoke_settings("https://api.openai.com/v1", None)
    with pytest.raises(UserError, match=KEY_ENV):
        Gateway(remote)  # without a cassette, a remote endpoint needs its key
    gateway = replay_gateway(SMOKE_CASSETTE, remote)
    results = await run_smoke(gateway)
    assert all(r.provenance.replayed for r in results)


async def test_a_request_missing_from_the_cassette_names_what_differs() -> None:
    gateway = Gateway(smoke_settings("http://127.0.0.1:9/v1", None), replay_dir=SMOKE_CASSETTE)
    with pytest.raises(UserError) as info:
        await gateway.complete(ask("smoke-1 (edited)"), Score, logprobs=True)
    message = str(info.value)
    assert message.startswith(f"{SMOKE_CASSETTE}: no recorded exchange for this request")
    assert (
        'messages[1].content: recorded "Grade item smoke-1.", now "Grade item smoke-1 (edited)."' in message
    )

    other_model = Gateway(
        smoke_settings("http://127.0.0.1:9/v1", None).model_copy(update={"model": "gpt-4o"}),
        replay_dir=SMOKE_CASSETTE,
    )
    with pytest.raises(UserError, match='model: recorded "fake-model", now "gpt-4o"'):
        await other_model.complete(ask("smoke-2"), Score)


async def test_a_partly_played_cassette_fails_the_test(tmp_path: Path) -> None:
    gateway = Gateway(smoke_settings("http://127.0.0.1:9/v1", None), replay_dir=SMOKE_CASSETTE)
    await gateway.complete(ask("smoke-1"), Score, logprobs=True, purpose="judge:accuracy")
    with pytest.raises(AssertionError, match=r"3 recorded exchange\(s\) were never replayed"):
        assert_cassette_fully_played(gateway)


async def test_cassettes_hold_no_key_and_no_headers(
    fake_openai: FakeOpenAI, settings: LLMSettings, tmp_path: Path
) -> None:
    fake_openai.script("item-1", score_json(4))
    with_header = settings.model_copy(update={"extra_headers": {"api-key": "hdr-SECRET-5678"}})
    async with Gateway(with_header, record_dir=tmp_path / "cassette") as gateway:
        await gateway.complete(ask("item-1"), Score)

    (path,) = (tmp_path / "cassette").glob("*.json")
    text = path.read_text()
    assert FAKE_KEY not in text and "hdr-SECRET-5678" not in text and "authorization" not in text.lower()
    exchange = json.loads(text)
    assert set(exchange) == {"format", "request_hash", "endpoint", "request", "response"}
    assert exchange["endpoint"] == fake_openai.base_url
    assert exchange["response"]["choices"][0]["message"]["content"] == score_json(4)


async def test_recording_with_a_warm_cache_still_writes_every_exchange(
    fake_openai: FakeOpenAI, settings: LLMSettings, tmp_path: Path, replay_gateway: ReplayFactory
) -> None:
    fake_openai.script("item-1", score_json(4))
    async with Gateway(settings) as gateway:
        await gateway.complete(ask("item-1"), Score)
    async with Gateway(settings, record_dir=tmp_path / "cassette") as gateway:
        await gateway.complete(ask("item-1"), Score)

    assert len(fake_openai.chat_requests) == 1
    replayed = await replay_gateway(tmp_path / "cassette", settings).complete(ask("item-1"), Score)
    assert replayed.parsed == Score(reasoning="fine", score=4)


def test_bad_cassette_directories_are_user_errors(tmp_path: Path, settings: LLMSettings) -> None:
    with pytest.raises(UserError, match="cassette directory not found"):
        Gateway(settings, replay_dir=tmp_path / "nowhere")
    with pytest.raises(UserError, match="holds no recorded exchanges"):
        Gateway(settings, replay_dir=tmp_path)
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(UserError, match=r"broken\.json: not a readable cassette file"):
        Gateway(settings, replay_dir=tmp_path)
    with pytest.raises(UserError, match="cannot record and replay"):
        Gateway(settings, record_dir=tmp_path / "a", replay_dir=tmp_path / "b")
