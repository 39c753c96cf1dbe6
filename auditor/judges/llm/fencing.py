"""Audited text goes into a judge prompt as fenced data, never as instructions.

The prompt files put each piece between tags (`<response>` ... `</response>`) and tell
the judge to ignore instructions inside them. A response that writes a closing tag
itself could otherwise end its fence early and speak to the judge as the prompt does,
so every closing tag of a fence inside the data is neutralised: `</response>` becomes
`<\\/response>`, which reads the same to a person and closes nothing.
"""

from __future__ import annotations

import json
import re

from auditor.templates import Example, Rubric
from auditor.types import AuditItem

FENCE_TAGS = ("question", "reference", "context", "response", "conversation", "spans")
NONE = "(none)"  # what an empty section reads; the prompts tell the judge what it means
_CLOSING = re.compile(r"<\s*/\s*(" + "|".join(FENCE_TAGS) + r")\s*>", re.IGNORECASE)


def fence(text: str | None) -> str:
    """Text safe to place between fence tags; None or blank reads "(none)"."""
    if text is None or not text.strip():
        return NONE
    return _CLOSING.sub(lambda m: f"<\\/{m.group(1)}>", text)


def section(tag: str, text: str | None) -> str:
    """One fenced section, laid out as the prompt files lay theirs out."""
    return f"<{tag}>\n{fence(text)}\n</{tag}>"


def earlier_turns(item: AuditItem) -> str | None:
    """The chat before the seller's last question ("role: text" lines), or None for a single prompt."""
    if isinstance(item.prompt, str):
        return None
    last_user = max(i for i, t in enumerate(item.prompt) if t.role == "user")
    turns = item.prompt[:last_user]
    return "\n".join(f"{t.role}: {t.content}" for t in turns) or None


def render_examples(rubric: Rubric) -> str:
    """The rubric's few-shot examples as the judge reads them, or "(none)"."""
    if not rubric.examples:
        return NONE
    return "\n\n".join(_example(i, ex, rubric) for i, ex in enumerate(rubric.examples, 1))


def _example(number: int, ex: Example, rubric: Rubric) -> str:
    parts = [f"## Example {number}", section("question", ex.prompt)]
    if ex.reference is not None:
        parts.append(section("reference", ex.reference))
    if ex.context is not None:
        parts.append(section("context", ex.context))
    parts.append(section("response", ex.response))
    expected = ex.expected_score if rubric.scale.kind == "ordinal" else ex.expected_label
    key = "score" if rubric.scale.kind == "ordinal" else "label"
    verdict = f"Expected {key}: {expected}\nWhy: {ex.reasoning.strip()}"
    if ex.evidence:
        verdict += f"\nEvidence (copied from the response): {json.dumps(ex.evidence, ensure_ascii=False)}"
    parts.append(verdict)
    return "\n\n".join(parts)
