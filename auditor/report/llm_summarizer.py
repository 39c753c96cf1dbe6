"""The model-backed `Summarizer`: drafts a finding's cause through the LLM gateway.

The finding reaches the model as masked JSON (ids, counts, tags, quotes, reasoning);
the reply is validated as a `Draft`. A reply that cannot be used raises
`ModelBehaviorError`, so the finding keeps its template text with a note. Retries,
caching and recording are the gateway's.
"""

from __future__ import annotations

import json
from pathlib import Path

from auditor.errors import ModelBehaviorError
from auditor.llm import Gateway
from auditor.report.findings import Finding
from auditor.report.summarizer import Draft
from auditor.templates import PromptTemplate, load_prompt

DEFAULT_PROMPT = Path(__file__).resolve().parents[2] / "prompts" / "summarize_finding.yaml"
MAX_EVIDENCE = 8


class LLMSummarizer:
    """Drafts causes and recommendations with one prompt template and one gateway."""

    def __init__(self, gateway: Gateway, prompt: PromptTemplate | None = None) -> None:
        self.gateway = gateway
        self.prompt = prompt or load_prompt(DEFAULT_PROMPT)
        self.model = f"{gateway.settings.model} ({self.prompt.full_version})"

    async def draft(self, finding: Finding, problem: str | None = None) -> Draft:
        messages = self.prompt.render(
            finding=json.dumps(_brief(finding), ensure_ascii=False, indent=1),
            problem=f"\nYour previous draft had a problem: {problem}\n" if problem else "",
        )
        result = await self.gateway.complete(messages, Draft, purpose="summarizer")
        if result.parsed is None:
            raise ModelBehaviorError(result.unscored_reason or "no usable draft", raw=result.raw or "")
        return result.parsed


def _brief(finding: Finding) -> dict[str, object]:
    """What the model needs to know of a finding; every text in it is already masked."""
    return {
        "id": finding.id,
        "criterion": finding.criterion,
        "title": finding.title,
        "items": f"{finding.count} of {finding.denominator} {finding.denominator_label}",
        "severity": finding.severity,
        "tags": finding.tags,
        "slices": finding.slices,
        "typical_reasoning": finding.pattern,
        "item_ids": finding.item_ids,
        "evidence": [
            {"item_id": e.item_id, "quote": e.quote, "judge_reasoning": e.note}
            for e in finding.evidence[:MAX_EVIDENCE]
        ],
    }
