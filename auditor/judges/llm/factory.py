"""Building LLM judges from a config's `judges:` entries (called by the registry)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from auditor.config import LLMJudgeConfig, PIIJudgeConfig
from auditor.errors import UserError
from auditor.judges.llm.rubric_judge import JUDGE_CLASSES, RubricJudge
from auditor.templates import load_prompt, load_rubric, locate

if TYPE_CHECKING:
    from auditor.llm import Gateway
    from auditor.pii.adjudication import Adjudicator


def build_rubric_judge(jc: LLMJudgeConfig, gateway: Gateway | None) -> RubricJudge:
    """An `llm.<criterion>` judge from its rubric and prompt files.

    `gateway` is None only for a dry run, which renders requests and calls nothing.
    Options: `expected_output_tokens` (for the dry-run estimate).
    """
    criterion = jc.criterion
    rubric = load_rubric(_file(jc, "rubric"))
    if rubric.criterion != criterion:
        raise UserError(
            f"judge '{jc.name}' (kind {jc.kind}): rubric {jc.rubric} is for criterion "
            f"'{rubric.criterion}', not '{criterion}'"
        )
    prompt = load_prompt(_file(jc, "prompt"))
    return JUDGE_CLASSES[criterion](
        jc.name,
        prompt=prompt,
        rubric=rubric,
        gateway=gateway,
        samples=jc.samples,
        expected_output_tokens=jc.options.expected_output_tokens,
    )


def build_pii_adjudicator(jc: PIIJudgeConfig, gateway: Gateway | None) -> Adjudicator:
    """The LLM adjudicator a `pii` judge uses for ambiguous spans (`options: {adjudicate: true}`)."""
    from auditor.judges.llm.pii_adjudicator import LLMAdjudicator

    if gateway is None:
        raise UserError(f"judge '{jc.name}': adjudicate needs a model: add an 'llm:' section to the config")
    rubric = load_rubric(_file(jc, "rubric"))
    prompt = load_prompt(_file(jc, "prompt"))
    return LLMAdjudicator(jc.name, prompt=prompt, rubric=rubric, gateway=gateway)


def _file(jc: LLMJudgeConfig | PIIJudgeConfig, what: str) -> Path:
    """The judge's rubric or prompt file; a UserError names the judge when it is missing.

    A loaded config's paths are already absolute (`config.load_config`); one built in code
    is read from the current directory, else from the files shipped with auditor.
    """
    value = jc.rubric if what == "rubric" else jc.prompt
    if not value:
        raise UserError(f"judge '{jc.name}' (kind {jc.kind}) needs a '{what}' file")
    path = locate(value, Path.cwd())
    if not path.is_file():
        shipped = "" if Path(value).is_absolute() else f", nor shipped with auditor as {value}"
        raise UserError(f"judge '{jc.name}': {what} file {path} not found{shipped}")
    return path
