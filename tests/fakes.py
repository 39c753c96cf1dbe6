"""Small scripted judges for tests of the graph and the runner, and the records' pieces they give."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from auditor.types import AuditItem, Backend, PIISpan, Provenance, Verdict


class ScriptedJudge:
    """Returns a verdict computed by `score_of(item)`; can be slowed down or made to crash."""

    def __init__(
        self,
        name: str,
        criterion: str,
        score_of: Callable[[AuditItem], float] = lambda item: 5.0,
        *,
        needs_reference: bool = False,
        delay_s: float = 0.0,
        crash_on: str | None = None,
        confidence: float | None = None,
        backend: Backend = "baseline",
    ) -> None:
        self.name = name
        self.criterion = criterion
        self.backend = backend
        self.score_of = score_of
        self.needs_reference = needs_reference
        self.delay_s = delay_s
        self.crash_on = crash_on
        self.confidence = confidence
        self.calls: list[str] = []

    def applies(self, item: AuditItem) -> bool:
        return not self.needs_reference or item.reference is not None or item.context is not None

    async def judge(self, item: AuditItem) -> Verdict:
        self.calls.append(item.id)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if item.id == self.crash_on:
            raise RuntimeError("scripted crash")
        score = self.score_of(item)
        return Verdict(
            judge=self.name,
            criterion=self.criterion,
            score=score,
            passed=score >= 4,
            reasoning=f"scripted {score}",
            confidence=self.confidence,
            provenance=Provenance(backend=self.backend),
        )


def span_in(
    response: str, text: str, entity: str, severity: str, source: str = "new", **fields: Any
) -> PIISpan:
    """A detected span whose offsets are where `text` sits in `response`; `fields` holds the
    detector's score, recognizer and (if so) validated."""
    start = response.index(text)
    span = {"entity_type": entity, "start": start, "end": start + len(text), "text": text}
    return PIISpan.model_validate({**span, "source": source, "severity": severity, **fields})
