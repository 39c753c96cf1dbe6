"""A changed rubric or prompt shows in provenance and misses the cache; an unchanged one hits it."""

from __future__ import annotations

from pathlib import Path

from auditor.config import AuditConfig
from auditor.judges.registry import build_judges
from auditor.llm import Gateway, LLMSettings
from auditor.templates import PACKAGE_DIR
from auditor.testing import FakeOpenAI
from auditor.types import Verdict
from tests.judges_llm.judge_helpers import demo_item, judge_config


async def judge_once(settings: LLMSettings, rubric: Path, prompt: Path) -> Verdict:
    jc = judge_config("accuracy_llm", "llm.accuracy").model_copy(
        update={"rubric": str(rubric), "prompt": str(prompt)}
    )
    async with Gateway(settings) as gateway:
        (judge,) = build_judges(AuditConfig(llm=settings, judges=[jc]), gateway)
        return await judge.judge(demo_item("ss-002"))


async def test_editing_the_rubric_or_prompt_changes_the_version_and_asks_again(
    server: FakeOpenAI, settings: LLMSettings, tmp_path: Path
) -> None:
    rubric, prompt = PACKAGE_DIR / "rubrics" / "accuracy.yaml", PACKAGE_DIR / "prompts" / "accuracy.yaml"
    first = await judge_once(settings, rubric, prompt)
    again = await judge_once(settings, rubric, prompt)
    assert len(server.chat_requests) == 1 and again.provenance.cached and not first.provenance.cached
    assert again.provenance.prompt_version == first.provenance.prompt_version
    assert str(first.provenance.prompt_version).startswith("accuracy@4+")
    assert str(first.provenance.rubric_version).startswith("accuracy@2+")

    edited_rubric = tmp_path / "accuracy_rubric.yaml"
    edited_rubric.write_text(
        rubric.read_text().replace("decision_rules:\n", "decision_rules:\n  - Round amounts to the cent.\n")
    )
    with_rule = await judge_once(settings, edited_rubric, prompt)
    assert len(server.chat_requests) == 2 and not with_rule.provenance.cached
    assert with_rule.provenance.rubric_version != first.provenance.rubric_version
    assert str(with_rule.provenance.rubric_version).startswith("accuracy@2+")  # declared version kept
    assert with_rule.provenance.prompt_version == first.provenance.prompt_version

    edited_prompt = tmp_path / "accuracy_prompt.yaml"
    edited_prompt.write_text(prompt.read_text().replace("meticulous", "careful"))
    reworded = await judge_once(settings, rubric, edited_prompt)
    assert len(server.chat_requests) == 3 and not reworded.provenance.cached
    assert reworded.provenance.prompt_version != first.provenance.prompt_version
    assert reworded.provenance.rubric_version == first.provenance.rubric_version
