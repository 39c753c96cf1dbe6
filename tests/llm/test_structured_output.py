"""Structured output: the three request modes, reading JSON out of replies, re-ask then unscored."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict

from auditor.llm import Gateway, LLMSettings
from auditor.llm.structured import OutputInvalid, extract_json, parse_output, strict_schema
from auditor.testing import FakeOpenAI, Reply
from tests.llm.llm_helpers import Score, ask, score_json


class Span(BaseModel):
    quote: str
    note: str | None = None


class Graded(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reasoning: str
    label: Literal["pass", "fail"]
    evidence: list[Span] = []


def test_strict_schema_closes_every_object_and_requires_every_field() -> None:
    schema = strict_schema(Graded)
    assert schema["required"] == ["reasoning", "label", "evidence"]
    assert schema["additionalProperties"] is False
    span = schema["$defs"]["Span"]
    assert span["required"] == ["quote", "note"] and span["additionalProperties"] is False
    assert "default" not in schema["properties"]["evidence"]


@pytest.mark.parametrize(
    "text",
    [
        '{"reasoning": "r", "score": 2}',
        'Here is my grade:\n```json\n{"reasoning": "r", "score": 2}\n```\nThanks.',
        'Scores range over {1..5}. {"reasoning": "r", "score": 2} is my answer.',
    ],
)
def test_the_first_json_object_is_read_wherever_the_model_put_it(text: str) -> None:
    assert parse_output(text, Score) == Score(reasoning="r", score=2)


def test_a_reply_without_json_says_so() -> None:
    with pytest.raises(OutputInvalid, match="no JSON object"):
        extract_json("I would give it a four.")


def test_a_validation_error_names_the_field_without_doc_links() -> None:
    with pytest.raises(OutputInvalid) as info:
        parse_output('{"reasoning": "r", "score": "high", "extra": 1}', Score)
    message = str(info.value)
    assert "score:" in message and "extra:" in message
    assert "https://" not in message and "\n" not in message


async def test_json_object_mode_puts_the_schema_in_the_system_turn(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", score_json(5))
    async with Gateway(settings.model_copy(update={"structured_output": "json_object"})) as gateway:
        result = await gateway.complete(ask("item-1"), Score)

    assert result.parsed == Score(reasoning="fine", score=5)
    body = fake_openai.chat_requests[0].body
    assert body is not None and body["response_format"] == {"type": "json_object"}
    system = body["messages"][0]
    assert system["role"] == "system" and system["content"].startswith("You grade answers.")
    assert '"required": ["reasoning", "score"]' in system["content"]
    assert len(body["messages"]) == 2


async def test_text_mode_reads_json_out_of_prose(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.script("item-1", 'Sure! My verdict: {"reasoning": "close enough", "score": 3} Hope it helps.')
    async with Gateway(settings.model_copy(update={"structured_output": "text"})) as gateway:
        result = await gateway.complete([{"role": "user", "content": "grade item-1"}], Score)

    assert result.parsed == Score(reasoning="close enough", score=3)
    body = fake_openai.chat_requests[0].body
    assert body is not None and "response_format" not in body
    assert body["messages"][0]["role"] == "system"  # added, as the conversation had none


async def test_an_invalid_reply_is_reasked_once_with_the_error(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", '{"reasoning": "good", "score": "four"}', score_json(4, "good"))
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask("item-1"), Score, purpose="judge:accuracy")

    assert result.parsed == Score(reasoning="good", score=4)
    assert result.provenance.reasks == 1 and result.samples[0].reasked
    reask = fake_openai.chat_requests[1].body
    assert reask is not None
    assert reask["messages"][-2] == {"role": "assistant", "content": '{"reasoning": "good", "score": "four"}'}
    assert reask["messages"][-1]["role"] == "user" and "score:" in reask["messages"][-1]["content"]
    assert gateway.usage["judge:accuracy"].reasks == 1
    assert gateway.usage["judge:accuracy"].unscored == 0


async def test_a_reply_invalid_twice_is_unscored_with_the_reason_and_raw_text(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", "I think it deserves a 4.", '{"reasoning": "still no score"}')
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask("item-1"), Score, purpose="judge:accuracy")

    assert result.parsed is None and not result.scored
    assert result.unscored_reason is not None
    assert result.unscored_reason.startswith("invalid output after re-ask: score: Field required")
    assert result.raw == '{"reasoning": "still no score"}'
    assert len(fake_openai.chat_requests) == 2  # one re-ask, then give up
    usage = gateway.usage["judge:accuracy"]
    assert (usage.reasks, usage.unscored) == (1, 1)


async def test_a_refusal_is_unscored_without_a_reask(fake_openai: FakeOpenAI, settings: LLMSettings) -> None:
    fake_openai.script("item-1", Reply("", refusal="I can't help with that."))
    async with Gateway(settings) as gateway:
        result = await gateway.complete(ask("item-1"), Score)

    assert result.unscored_reason == "refused: I can't help with that."
    assert len(fake_openai.chat_requests) == 1


async def test_a_truncated_reply_says_it_hit_max_tokens(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", Reply('{"reasoning": "a very long', finish_reason="length"))
    async with Gateway(settings.model_copy(update={"max_tokens": 20})) as gateway:
        result = await gateway.complete(ask("item-1"), Score)

    assert result.unscored_reason is not None and "cut off at max_tokens=20" in result.unscored_reason


async def test_only_the_invalid_sample_of_several_is_reasked(
    fake_openai: FakeOpenAI, settings: LLMSettings
) -> None:
    fake_openai.script("item-1", Reply([score_json(4), "four", score_json(5)]))
    fake_openai.script("required schema", score_json(3))  # the re-ask turn carries this phrase
    async with Gateway(settings.model_copy(update={"temperature": 1.0})) as gateway:
        result = await gateway.complete(ask("item-1"), Score, n=3)

    assert [o.score for o in result.outputs] == [4, 3, 5]
    assert [s.reasked for s in result.samples] == [False, True, False]
    assert result.provenance.reasks == 1 and len(fake_openai.chat_requests) == 2
