"""Evidence quotes are checked against the response; a missing one is re-asked once, by name."""

from __future__ import annotations

import json

from auditor.judges.llm.outputs import JudgeOutput
from auditor.llm import Gateway, LLMSettings
from auditor.testing import FakeOpenAI
from tests.llm.llm_helpers import ask

RESPONSE = "You have 7 days to respond to the claim in Seller Hub."


class Quoted(JudgeOutput):
    score: int
    evidence: list[str]


def reply(*quotes: str) -> str:
    return json.dumps({"reasoning": "r", "score": 4, "evidence": list(quotes)})


async def test_a_paraphrased_quote_is_re_asked_naming_it(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", reply("7 days", "you get a week"), reply("7 days", "respond to the claim"))
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask("item-1"), Quoted, context={"response": RESPONSE})

    assert result.parsed is not None and result.parsed.evidence == ["7 days", "respond to the claim"]
    assert result.provenance.reasks == 1
    reask = fake_openai.chat_requests[1].body["messages"][-1]["content"]
    assert "'you get a week'" in reask and "'7 days'" not in reask and "verbatim" in reask


async def test_a_second_paraphrase_keeps_the_score(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.script("item-2", reply("a week"), reply("about a week"))
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask("item-2"), Quoted, context={"response": RESPONSE})
    assert result.parsed is not None and result.parsed.score == 4  # the quote is marked, not the verdict lost
    assert result.provenance.reasks == 1 and len(fake_openai.chat_requests) == 2


async def test_without_a_context_quotes_are_not_checked(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-3", reply("anything at all"))
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask("item-3"), Quoted)
    assert result.parsed is not None and result.provenance.reasks == 0
