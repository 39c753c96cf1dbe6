"""Model-drafted causes and recommendations: a LangGraph map-reduce over the findings.

    START -> (Send one `draft` per finding, in parallel) -> reduce -> END

`draft` asks the summarizer for the finding's `draft_model`, whose validator checks the
cited ids against the finding; the gateway re-asks once with the error, and a draft that
still fails is dropped with a note. `reduce` applies the kept drafts (masked again: a
model can echo anything) and leaves the template text everywhere else. The summarizer
travels in the run-time context, not in the state; the graph is built per call, nothing
at import time. Retries and re-asks belong to the gateway.
"""

from __future__ import annotations

import operator
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send

from auditor.errors import ModelBehaviorError
from auditor.pii.redact import Redactor
from auditor.report.findings import Finding
from auditor.report.summarizer import Draft, DraftRejected, Summarizer, draft_model

DRAFT, REDUCE = "draft", "reduce"


@dataclass(frozen=True)
class Outcome:
    finding_id: str
    draft: Draft | None
    note: str | None = None


class DraftState(TypedDict, total=False):
    findings: list[Finding]
    outcomes: Annotated[list[Outcome], operator.add]
    final: list[Finding]


class DraftTask(TypedDict):
    finding: Finding


@dataclass(frozen=True)
class DraftContext:
    summarizer: Summarizer
    known_ids: frozenset[str]  # every item id of the run: an id named in a draft's text is a citation
    redactor: Redactor


async def draft_findings(
    findings: Sequence[Finding], summarizer: Summarizer, known_ids: Collection[str], redactor: Redactor
) -> list[Finding]:
    """The findings with model-drafted causes where a draft passed the check, in the same order."""
    if not findings:
        return list(findings)
    context = DraftContext(summarizer, frozenset(known_ids), redactor)
    state = await build_draft_graph().ainvoke({"findings": list(findings), "outcomes": []}, context=context)
    final: list[Finding] = state["final"]
    return final


def build_draft_graph() -> Any:
    """Compile the map-reduce graph (cheap; called once per report)."""
    graph = StateGraph(DraftState, context_schema=DraftContext)
    graph.add_node(DRAFT, draft_one)
    graph.add_node(REDUCE, reduce_drafts)
    graph.add_conditional_edges(START, fan_out, [DRAFT, REDUCE])
    graph.add_edge(DRAFT, REDUCE)
    graph.add_edge(REDUCE, END)
    return graph.compile()


def fan_out(state: DraftState) -> list[Send] | list[str]:
    """The map step: one `draft` per finding."""
    findings = state.get("findings", [])
    return [Send(DRAFT, DraftTask(finding=f)) for f in findings] or [REDUCE]


async def draft_one(state: DraftTask, runtime: Runtime[DraftContext]) -> dict[str, Any]:
    """Ask for a draft that cites only the finding's items; without one, say why."""
    finding = state["finding"]
    context = runtime.context
    try:
        drafted = await context.summarizer.draft(finding, draft_model(finding, context.known_ids))
    except DraftRejected as exc:
        dropped = f"a model draft was dropped after one re-ask: {exc}; the template text is kept"
        return {"outcomes": [Outcome(finding.id, None, dropped)]}
    except ModelBehaviorError as exc:
        unusable = f"the model's draft could not be used ({exc}); the template text is kept"
        return {"outcomes": [Outcome(finding.id, None, unusable)]}
    reasked = f"drafted after one re-ask ({drafted.reask_reason})" if drafted.reask_reason else None
    return {"outcomes": [Outcome(finding.id, drafted.draft, reasked)]}


async def reduce_drafts(state: DraftState, runtime: Runtime[DraftContext]) -> dict[str, Any]:
    """The reduce step: put each kept draft into its finding, and every note beside it."""
    redactor = runtime.context.redactor
    by_id = {o.finding_id: o for o in state.get("outcomes", [])}
    final = []
    for finding in state.get("findings", []):
        outcome = by_id.get(finding.id)
        if outcome is None:
            final.append(finding)
            continue
        update: dict[str, Any] = {"notes": [*finding.notes, *([outcome.note] if outcome.note else [])]}
        if outcome.draft is not None:
            update.update(
                cause=redactor.text(outcome.draft.cause.strip()),
                recommendation=redactor.text(outcome.draft.recommendation.strip()),
                source="model",
                drafted_by=getattr(runtime.context.summarizer, "model", None),
            )
        final.append(finding.model_copy(update=update))
    return {"final": final}
