"""The LLM side of PII adjudication: the PII judge sends its ambiguous spans here.

`LLMAdjudicator` is the `Adjudicator` callback of `auditor.judges.pii.PIIJudge`: it shows
the model the fenced question, context and response and the spans (one JSON line each),
and asks for one decision per span with the labels of `auditor/rubrics/pii_leakage.yaml`. The
output schema only allows the span ids that were sent, and a reply that leaves a span
undecided or decides one twice is invalid, so the gateway re-asks it once. A reply that
is still unusable raises `ModelBehaviorError` (with the raw reply); the PII judge then
decides what it can without the model.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, create_model, model_validator

from auditor.errors import ModelBehaviorError, UserError
from auditor.judges.llm.fencing import fence
from auditor.pii.adjudication import Adjudication, SpanDecision
from auditor.templates import PromptTemplate, Rubric
from auditor.types import AuditItem, PIISpan

if TYPE_CHECKING:
    from auditor.llm import Gateway

Messages = list[dict[str, str]]
_ITEM_VARIABLES = ("question", "context", "response", "spans")


class SpanCall(BaseModel):
    """The model's decision on one span; the concrete class narrows `span_id` and `label`."""

    model_config = ConfigDict(extra="forbid")
    span_id: int
    reason: str
    label: str


class AdjudicationOutput(BaseModel):
    """Reasoning first, then one decision per span sent."""

    model_config = ConfigDict(extra="forbid")
    spans_sent: ClassVar[int] = 0
    reasoning: str
    decisions: list[SpanCall]

    @model_validator(mode="after")
    def _one_decision_per_span(self) -> AdjudicationOutput:
        ids = [d.span_id for d in self.decisions]
        missing = sorted(set(range(self.spans_sent)) - set(ids))
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if missing or repeated:
            raise ValueError(
                f"give exactly one decision per span_id 0-{self.spans_sent - 1}: "
                f"missing {missing or 'none'}, repeated {repeated or 'none'}"
            )
        return self


@functools.cache
def adjudication_model(labels: tuple[str, ...], spans: int) -> type[AdjudicationOutput]:
    """The output schema for `spans` spans and the rubric's labels."""
    span_id: Any = Literal.__getitem__(tuple(range(spans)))
    label: Any = Literal.__getitem__(labels)
    call = create_model("SpanCall", __base__=SpanCall, span_id=(span_id, ...), label=(label, ...))
    decisions: Any = list[call]
    model = create_model("PiiAdjudication", __base__=AdjudicationOutput, decisions=(decisions, ...))
    model.spans_sent = spans
    return model


class LLMAdjudicator:
    """Decides, through the gateway, whether ambiguous PII spans are leaks."""

    def __init__(
        self, judge: str, *, prompt: PromptTemplate, rubric: Rubric, gateway: Gateway | None
    ) -> None:
        if rubric.scale.kind != "labels":
            raise UserError(f"judge '{judge}': the adjudication rubric needs a label scale (leak / no_leak)")
        supplied = {"rubric", "reasoning_language", "labels", *_ITEM_VARIABLES}
        if unknown := sorted(prompt.variables - supplied):
            raise UserError(
                f"judge '{judge}': prompt '{prompt.name}' uses variables it is not given: {unknown}"
            )
        self.judge = judge
        self.prompt = prompt
        self.rubric = rubric
        self.gateway = gateway
        self.purpose = f"adjudicate:{judge}"
        self._fixed = {
            "rubric": rubric.as_text(),
            "reasoning_language": rubric.reasoning_language,
            "labels": " or ".join(f'"{label}"' for label in rubric.scale.labels),
        }

    def requests(self, item: AuditItem, spans: list[PIISpan]) -> list[Messages]:
        """The messages of the one call made for these spans."""
        lines = "\n".join(
            json.dumps({"span_id": i, "type": s.entity_type, "text": s.text}, ensure_ascii=False)
            for i, s in enumerate(spans)
        )
        values = {
            "question": fence(item.prompt_text),
            "context": fence(item.context),
            "response": fence(item.response),
            "spans": fence(lines),
        }
        return [self.prompt.render(**self._fixed, **values)]

    async def __call__(self, item: AuditItem, spans: list[PIISpan]) -> Adjudication:
        """One decision per span, by its index in `spans`; ModelBehaviorError if the model gave none."""
        if self.gateway is None:
            raise RuntimeError(f"judge '{self.judge}': the adjudicator was built without an LLM gateway")
        (messages,) = self.requests(item, spans)
        output_type = adjudication_model(tuple(self.rubric.scale.labels), len(spans))
        completion = await self.gateway.complete(messages, output_type, purpose=self.purpose)
        parsed = completion.parsed
        if parsed is None:
            raise ModelBehaviorError(completion.unscored_reason or "no usable reply", raw=completion.raw)
        decisions = [
            SpanDecision(index=c.span_id, leak=c.label not in self.rubric.pass_levels, reason=c.reason)
            for c in parsed.decisions
        ]
        stamp = {"prompt_version": self.prompt.full_version}
        return Adjudication(decisions, completion.provenance.model_copy(update=stamp))
