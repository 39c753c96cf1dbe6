"""The model-backed `Summarizer`: drafts a finding's cause through the LLM gateway.

The finding reaches the model as masked JSON (ids, counts, tags, quotes, reasoning);
the reply is validated as the finding's `draft_model`. A reply that cannot be used raises
`ModelBehaviorError` (`DraftRejected` when the gateway's re-ask did not fix it), so the
finding keeps its template text with a note. Retries, re-asks, caching and recording are
the gateway's.
"""

from __future__ import annotations

import json

from auditor.errors import ModelBehaviorError
from auditor.llm import Gateway
from auditor.llm.gateway import REASK_FAILED
from auditor.report.drafting import Draft, Drafted, DraftRejected
from auditor.report.findings import Finding
from auditor.templates import PACKAGE_DIR, PromptTemplate, load_prompt

DEFAULT_PROMPT = PACKAGE_DIR / "prompts" / "summarize_finding.yaml"
MAX_EVIDENCE = 8


class LLMSummarizer:
    """Drafts causes and recommendations with one prompt template and one gateway."""

    def __init__(self, gateway: Gateway, prompt: PromptTemplate | None = None) -> None:
        self.gateway = gateway
        self.prompt = prompt or load_prompt(DEFAULT_PROMPT)
        self.model = f"{gateway.settings.model} ({self.prompt.full_version})"

    async def draft(self, finding: Finding, output_type: type[Draft]) -> Drafted:
        messages = self.prompt.render(finding=json.dumps(_brief(finding), ensure_ascii=False, indent=1))
        result = await self.gateway.complete(messages, output_type, purpose="summarizer")
        sample = result.samples[0] if result.samples else None
        reason = result.unscored_reason or "no usable draft"
        if result.parsed is None and sample is not None and sample.reasked:
            raise DraftRejected(reason.removeprefix(f"{REASK_FAILED}: "), raw=result.raw)
        if result.parsed is None:
            raise ModelBehaviorError(reason, raw=result.raw)
        return Drafted(result.parsed, reask_reason=sample.reask_reason if sample else None)


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
