"""Shared pieces of the LLM judge tests (fixtures are in conftest.py)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from auditor.config import AuditConfig, LLMJudgeConfig
from auditor.judges.llm import RubricJudge
from auditor.judges.registry import build_judges
from auditor.llm import Gateway, LLMSettings
from auditor.templates import PACKAGE_DIR
from auditor.testing import FakeOpenAI
from auditor.types import AuditItem

ROOT = Path(__file__).resolve().parents[2]
DEMO_ITEMS = ROOT / "examples" / "seller_support" / "items.jsonl"

FILES = {
    "llm.accuracy": ("rubrics/accuracy.yaml", "prompts/accuracy.yaml"),
    "llm.accuracy.claims": ("rubrics/accuracy_claims.yaml", "prompts/accuracy_claims.yaml"),
    "llm.relevance": ("rubrics/relevance.yaml", "prompts/relevance.yaml"),
}


@cache
def demo_items() -> dict[str, AuditItem]:
    lines = DEMO_ITEMS.read_text(encoding="utf-8").splitlines()
    return {item.id: item for item in (AuditItem.model_validate_json(line) for line in lines)}


def demo_project(directory: Path, item_ids: tuple[str, ...]) -> Path:
    """A working directory with the project's configs and a slice of the demo."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "configs").symlink_to(ROOT / "configs")
    lines = DEMO_ITEMS.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if json.loads(line)["id"] in item_ids]
    (directory / "slice.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return directory


def demo_item(item_id: str) -> AuditItem:
    return demo_items()[item_id]


def judge_config(name: str, variant: str, *, samples: int = 1, rubric: str | None = None) -> LLMJudgeConfig:
    """A judge entry for `variant` ("llm.accuracy", "llm.accuracy.claims", "llm.relevance")."""
    default_rubric, prompt = FILES[variant]
    kind = variant.removesuffix(".claims")
    return LLMJudgeConfig(
        name=name,
        kind=kind,
        rubric=rubric or str(PACKAGE_DIR / default_rubric),
        prompt=str(PACKAGE_DIR / prompt),
        samples=samples,
    )


def make_judge(
    variant: str,
    gateway: Gateway | None,
    settings: LLMSettings,
    *,
    name: str = "judge",
    samples: int = 1,
    rubric: str | None = None,
) -> RubricJudge:
    """One LLM judge built through the registry, as a run builds it."""
    config = AuditConfig(llm=settings, judges=[judge_config(name, variant, samples=samples, rubric=rubric)])
    (judge,) = build_judges(config, gateway)
    assert isinstance(judge, RubricJudge)
    return judge


def verdict_json(score: int, reasoning: str = "scripted", evidence: list[str] | None = None) -> str:
    return json.dumps({"reasoning": reasoning, "score": score, "evidence": evidence or []})


def sent(server: FakeOpenAI, index: int) -> dict[str, Any]:
    """The body of the `index`-th chat request the fake server received."""
    body = server.chat_requests[index].body
    assert body is not None
    return body
