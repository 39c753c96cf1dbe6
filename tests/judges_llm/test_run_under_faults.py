"""A whole LLM run on the demo under a 20% injected fault rate (issue: every item completes
with the scripted verdict, none is judged twice, and the key is stored nowhere)."""

import json
from collections import Counter
from pathlib import Path

import pytest

from auditor.config import AuditConfig, LLMJudgeConfig
from auditor.llm import LLMSettings
from auditor.run import RunOptions, run_audit
from auditor.templates import PACKAGE_DIR
from auditor.testing import FakeOpenAI, Fault
from auditor.testing.fake_openai import ChatRequest
from tests.judges_llm.scripted_model import scripted_reply, sections

ROOT = Path(__file__).resolve().parents[2]
ITEMS = ROOT / "examples" / "seller_support" / "items.jsonl"
KEY = "sk-test-FAULTS-SECRET-9012"


def judges() -> list[LLMJudgeConfig]:
    return [
        LLMJudgeConfig(
            name=f"{c}_llm",
            kind=f"llm.{c}",
            rubric=str(PACKAGE_DIR / "rubrics" / f"{c}.yaml"),
            prompt=str(PACKAGE_DIR / "prompts" / f"{c}.yaml"),
        )
        for c in ("accuracy", "relevance")
    ]


def which(request: ChatRequest) -> tuple[str, str]:
    found = sections(request.user_turns[0])
    return ("relevance" if "conversation" in found else "accuracy", found["response"])


async def test_every_item_gets_its_scripted_verdict_once_under_faults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAULTS_KEY", KEY)
    items = [json.loads(line) for line in ITEMS.read_text(encoding="utf-8").splitlines()]
    with FakeOpenAI(expected_key=KEY) as server:
        server.respond_with(scripted_reply)
        server.fault_rate(
            0.2,
            [
                Fault.rate_limited(retry_after=0.01),
                Fault.server_error(502),
                Fault.drop(),
                Fault.invalid_body(),
            ],
            seed=3,
        )
        settings = LLMSettings(
            model="fake-model",
            base_url=server.base_url,
            api_key_env="FAULTS_KEY",
            logprobs=True,
            cache_dir=str(tmp_path / "cache"),
            retry_initial_wait_s=0.01,
            max_attempts=12,
            timeout_s=5,
        )
        config = AuditConfig(judges=judges(), llm=settings, concurrency=16)
        out = tmp_path / "run"
        options = RunOptions(ITEMS, out, progress=False, record=tmp_path / "cassette")
        result = await run_audit(config, options)
        answered = Counter(which(r) for r in server.answered)
        expected = {which(r): json.loads(scripted_reply(r).contents[0])["score"] for r in server.answered}
        faults_served = len(server.chat_requests) - len(server.answered)

    assert result.status == "complete" and result.stats.items == len(items)
    assert faults_served > 10  # the faults really happened
    assert max(answered.values()) == 1  # no request was answered twice: nothing judged twice
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert len(records) == len(items)
    response_of = {i["id"]: i["response"] for i in items}
    for record in records:
        for v in record["verdicts"]:
            criterion = v["criterion"]
            assert v.get("unscored_reason") is None, v
            assert v["score"] == expected[(criterion, response_of[record["item_id"]])]
    # the key is in no file auditor wrote: run directory, cache, cassette
    assert files_containing(tmp_path, KEY) == []


def files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
