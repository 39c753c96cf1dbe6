"""Every structured-output mode asks for the same schema and gives the same verdict."""

from __future__ import annotations

import json

import pytest

from auditor.llm import Gateway, LLMSettings
from auditor.testing import FakeOpenAI
from auditor.types import AuditItem
from tests.judges_llm.judge_helpers import make_judge, sent, verdict_json

ITEM = AuditItem(id="m", prompt="How long?", response="Buyers have 14 days.", reference="30 days.")
REPLY = verdict_json(2, "The reference says 30 days.", ["Buyers have 14 days"])
REPLIES = {
    "json_schema": REPLY,
    "json_object": REPLY,
    "text": f"Here is my grading.\n```json\n{REPLY}\n```\nI hope this helps.",
}


@pytest.mark.parametrize("mode", ["json_schema", "json_object", "text"])
async def test_each_mode_asks_for_the_schema_and_parses_the_reply(
    mode: str, server: FakeOpenAI, settings: LLMSettings
) -> None:
    server.script("Buyers have 14 days", REPLIES[mode])
    in_mode = settings.model_copy(update={"structured_output": mode, "logprobs": False})
    async with Gateway(in_mode) as gateway:
        verdict = await make_judge("llm.accuracy", gateway, in_mode).judge(ITEM)

    assert (verdict.score, verdict.passed, verdict.reasoning) == (2.0, False, "The reference says 30 days.")
    assert [(e.quote, e.start, e.end) for e in verdict.evidence] == [("Buyers have 14 days", 0, 19)]
    body = sent(server, 0)
    system = body["messages"][0]["content"]
    if mode == "json_schema":
        fmt = body["response_format"]["json_schema"]
        assert fmt["name"] == "AccuracyVerdict" and fmt["strict"] is True
        assert list(fmt["schema"]["properties"]) == ["reasoning", "score", "evidence"]
        assert fmt["schema"]["properties"]["score"]["enum"] == [1, 2, 3, 4, 5]
        assert fmt["schema"]["additionalProperties"] is False
    else:
        assert body.get("response_format") == ({"type": "json_object"} if mode == "json_object" else None)
        schema = json.loads(system.split("conforms to this JSON schema:\n", 1)[1])
        # The gateway prints the schema with sorted keys; `required` keeps the field order.
        assert schema["required"] == ["reasoning", "score", "evidence"]
        assert schema["properties"]["score"]["enum"] == [1, 2, 3, 4, 5]


async def test_the_claims_schema_lists_claims_before_the_score(
    server: FakeOpenAI, settings: LLMSettings
) -> None:
    claims = [{"claim": "Buyers have 14 days", "verdict": "contradicted"}]
    reply = {
        "reasoning": "Wrong deadline.",
        "claims": claims,
        "score": 2,
        "evidence": ["Buyers have 14 days"],
    }
    server.script("Buyers have 14 days", json.dumps(reply))
    async with Gateway(settings) as gateway:
        verdict = await make_judge("llm.accuracy.claims", gateway, settings).judge(ITEM)

    schema = sent(server, 0)["response_format"]["json_schema"]["schema"]
    assert list(schema["properties"]) == ["reasoning", "claims", "score", "evidence"]
    claim = schema["$defs"]["Claim"]
    assert claim["properties"]["verdict"]["enum"] == ["supported", "contradicted", "unverifiable"]
    assert claim["additionalProperties"] is False
    assert verdict.score == 2.0 and verdict.tags == ["contradicted_claim"]
