"""Mistakes in an LLM judge's config entry are one clear line naming the judge and the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.config import AuditConfig, JudgeConfig, LLMJudgeOptions, load_config
from auditor.errors import UserError
from auditor.judges.llm import RubricJudge
from auditor.judges.registry import build_judges
from auditor.templates import PACKAGE_DIR
from tests.judges_llm.judge_helpers import judge_config


def build(jc: JudgeConfig) -> None:
    build_judges(AuditConfig(judges=[jc]), None)


def test_a_rubric_for_another_criterion_is_refused() -> None:
    jc = judge_config("rel", "llm.relevance", rubric=str(PACKAGE_DIR / "rubrics" / "accuracy.yaml"))
    expected = r"judge 'rel' \(kind llm.relevance\): rubric .*accuracy.yaml is for criterion 'accuracy'"
    with pytest.raises(UserError, match=expected):
        build(jc)


def test_missing_files_name_the_judge() -> None:
    with pytest.raises(UserError, match=re.escape("judge 'acc' (kind llm.accuracy) needs a 'prompt' file")):
        build(judge_config("acc", "llm.accuracy").model_copy(update={"prompt": None}))
    missing = f"rubric file {Path.cwd() / 'nowhere.yaml'} not found, nor shipped with auditor as nowhere.yaml"
    with pytest.raises(UserError, match=re.escape(missing)):
        build(judge_config("acc", "llm.accuracy").model_copy(update={"rubric": "nowhere.yaml"}))


def test_a_prompt_with_a_variable_the_judge_does_not_fill_is_refused(tmp_path: Path) -> None:
    prompt = tmp_path / "prompt.yaml"
    text = (PACKAGE_DIR / "prompts" / "relevance.yaml").read_text()
    prompt.write_text(text.replace("{{question}}", "{{seller}}"))
    jc = judge_config("rel", "llm.relevance").model_copy(update={"prompt": str(prompt)})
    expected = "prompt 'relevance' uses {{seller}}, which this judge does not fill"
    with pytest.raises(UserError, match=re.escape(expected)):
        build(jc)


def test_unknown_options_are_refused_and_known_ones_used(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "judges:\n  - name: acc\n    kind: llm.accuracy\n    options:\n      expected_output_tokns: 90\n"
    )
    with pytest.raises(UserError) as info:
        load_config(path)
    assert str(info.value) == f"{path}:5: unknown key 'judges.0.options.expected_output_tokns'"
    tokens = judge_config("acc", "llm.accuracy").model_copy(
        update={"options": LLMJudgeOptions(expected_output_tokens=90)}
    )
    (judge,) = build_judges(AuditConfig(judges=[tokens]), None)
    assert isinstance(judge, RubricJudge) and judge.expected_output_tokens == 90
