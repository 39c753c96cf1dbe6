"""`--resume` of an LLM run refuses when a judge's prompt, rubric or model changed since the run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.config import AuditConfig, LLMJudgeConfig
from auditor.errors import UserError
from auditor.llm import LLMSettings
from auditor.run import RunOptions, run_audit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A prompt and a rubric of our own, to edit between the run and its resume."""
    shutil.copy(ROOT / "prompts" / "accuracy.yaml", tmp_path / "prompt.yaml")
    shutil.copy(ROOT / "rubrics" / "accuracy.yaml", tmp_path / "rubric.yaml")
    lines = [
        json.dumps({"id": f"it-{i}", "prompt": "q", "response": f"{i} days.", "reference": f"{i} days."})
        for i in range(1, 4)
    ]
    (tmp_path / "items.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def config(project: Path, settings: LLMSettings) -> AuditConfig:
    judge = LLMJudgeConfig(
        name="accuracy_llm",
        kind="llm.accuracy",
        rubric=str(project / "rubric.yaml"),
        prompt=str(project / "prompt.yaml"),
    )
    return AuditConfig(judges=[judge], llm=settings, concurrency=2)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("prompt", "judge 'accuracy_llm' prompt: accuracy@"),
        ("rubric", "judge 'accuracy_llm' rubric: accuracy@"),
        ("model", "judge 'accuracy_llm' model: fake-model -> other-model"),
    ],
)
async def test_a_changed_prompt_rubric_or_model_refuses_the_resume(
    project: Path, settings: LLMSettings, change: str, named: str
) -> None:
    items, out = project / "items.jsonl", project / "run"
    await run_audit(config(project, settings), RunOptions(items, out, progress=False))
    if change == "prompt":
        edit(project / "prompt.yaml", "response", "reply")
    elif change == "rubric":
        edit(project / "rubric.yaml", "Accuracy: does", "Accuracy (edited): does")
    else:
        settings = settings.model_copy(update={"model": "other-model"})
    with pytest.raises(UserError, match="cannot resume") as refused:
        await run_audit(config(project, settings), RunOptions(items, out, resume=True, progress=False))
    assert named in str(refused.value) and "\n" not in str(refused.value)

    options = RunOptions(items, out, resume=True, force=True, progress=False)
    await run_audit(config(project, settings), options)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumes"][-1]["forced"] is True
    assert any(named in c for c in manifest["resumes"][-1]["changed"])


async def test_an_unchanged_llm_run_resumes_without_force(project: Path, settings: LLMSettings) -> None:
    items, out = project / "items.jsonl", project / "run"
    await run_audit(config(project, settings), RunOptions(items, out, progress=False))
    result = await run_audit(config(project, settings), RunOptions(items, out, resume=True, progress=False))
    assert result.status == "complete" and result.skipped_done == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumes"][-1]["forced"] is False and manifest["resumes"][-1]["changed"] == []
