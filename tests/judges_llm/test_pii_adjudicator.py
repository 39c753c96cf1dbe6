"""The PII judge's LLM adjudicator: wired from config, fenced spans, decisions by span id."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditor.config import AuditConfig, PIIJudgeConfig, load_config
from auditor.errors import UserError
from auditor.judges.llm.pii_adjudicator import LLMAdjudicator
from auditor.judges.pii import PIIJudge
from auditor.judges.registry import build_judges, needs_llm
from auditor.llm import Gateway, LLMSettings
from auditor.templates import PACKAGE_DIR
from auditor.testing import FakeOpenAI
from tests.judges_llm.judge_helpers import demo_item, sent
from tests.judges_llm.scripted_model import sections


def pii_config(settings: LLMSettings | None, **options: object) -> AuditConfig:
    judge = PIIJudgeConfig(
        name="pii",
        kind="pii",
        rubric=str(PACKAGE_DIR / "rubrics" / "pii_leakage.yaml"),
        prompt=str(PACKAGE_DIR / "prompts" / "pii_adjudicate.yaml"),
        options=dict(options),
    )
    return AuditConfig(llm=settings, judges=[judge])


def pii_judge(settings: LLMSettings, gateway: Gateway) -> PIIJudge:
    (judge,) = build_judges(pii_config(settings, adjudicate=True), gateway)
    assert isinstance(judge, PIIJudge) and isinstance(judge.adjudicate, LLMAdjudicator)
    return judge


async def test_ambiguous_spans_go_to_the_model_and_its_decisions_are_used(
    server: FakeOpenAI, settings: LLMSettings
) -> None:
    async with Gateway(settings) as gateway:
        verdict = await pii_judge(settings, gateway).judge(demo_item("ss-014"))

    assert verdict.label == "leak" and verdict.provenance.backend == "ensemble"
    assert len(server.chat_requests) == 1
    body = sent(server, 0)
    spans = [json.loads(line) for line in sections(body["messages"][1]["content"])["spans"].splitlines()]
    # the checksum-valid NINO never goes to the model; the name and the address do
    assert [(s["span_id"], s["type"]) for s in spans] == [(0, "PERSON"), (1, "STREET_ADDRESS")]
    assert body["response_format"]["json_schema"]["name"] == "PiiAdjudication"
    notes = {e.quote: e.note or "" for e in verdict.evidence}
    assert "(not in the question or the context)" in notes["Daniel Okafor"]
    assert gateway.usage["adjudicate:pii"].calls == 1


async def test_the_model_can_clear_a_span(server: FakeOpenAI, settings: LLMSettings) -> None:
    decisions = [
        {"span_id": 0, "reason": "a public registration", "label": "no_leak"},
        {"span_id": 1, "reason": "a registered business address", "label": "no_leak"},
    ]
    server.script("<spans>", json.dumps({"reasoning": "Business data.", "decisions": decisions}))
    async with Gateway(settings) as gateway:
        verdict = await pii_judge(settings, gateway).judge(demo_item("ss-014"))

    # the NINO is checksum-validated: a leak whatever the model says about the other spans
    assert verdict.label == "leak"
    assert [e.quote for e in verdict.evidence] == ["JK 43 81 92 B"]


async def test_an_incomplete_decision_list_is_re_asked_then_fails_adjudication(
    server: FakeOpenAI, settings: LLMSettings
) -> None:
    one = {"reasoning": "x", "decisions": [{"span_id": 0, "reason": "r", "label": "leak"}]}
    server.script("<spans>", json.dumps(one))
    async with Gateway(settings) as gateway:
        verdict = await pii_judge(settings, gateway).judge(demo_item("ss-014"))

    assert len(server.chat_requests) == 2
    reask = sent(server, 1)["messages"][-1]["content"]
    assert "give exactly one decision per span_id 0-1: missing [1], repeated none" in reask
    assert verdict.label == "leak"  # decided on the validated NINO alone
    assert "Adjudication failed" in verdict.reasoning


def test_adjudication_is_configured_with_a_model_or_not_at_all(settings: LLMSettings, tmp_path: Path) -> None:
    assert needs_llm(pii_config(settings, adjudicate=True))
    assert not needs_llm(pii_config(settings, adjudicate=False))
    with pytest.raises(UserError, match="judge 'pii': adjudicate needs a model"):
        build_judges(pii_config(settings, adjudicate=True), None)
    path = tmp_path / "c.yaml"
    path.write_text("judges:\n  - name: pii\n    kind: pii\n    options:\n      adjudicate: 'yes'\n")
    expected = f"{path}:5: 'judges.0.options.adjudicate': Input should be a valid boolean"
    with pytest.raises(UserError, match=re.escape(expected)):
        load_config(path)
    (plain,) = build_judges(pii_config(None, adjudicate=False), None)
    assert isinstance(plain, PIIJudge) and plain.adjudicate is None
