"""Model-drafted causes and recommendations: what a model may add to a finding, and how.

A `Summarizer` drafts from a `Finding`, which holds only masked text. The model-backed
implementation is `auditor.report.llm_summarizer` (imported only when a model is
configured); any object with this `draft` method will do (tests use scripted drafts).

A draft may only cite items of its own finding. `check_draft` finds every id it cites,
in `cited_ids` and in its text, and names any that is not in the group. `draft_model`
makes that check the validator of the finding's output model, so a reply that fails it
is re-asked once with the error by the gateway, like any other invalid output.

`draft_findings` is a LangGraph map-reduce over the findings:

    START -> (Send one `draft` per finding, in parallel) -> reduce -> END

`draft` asks the summarizer for the finding's `draft_model`; a draft that still fails
after the gateway's re-ask is dropped with a note. `reduce` applies the kept drafts
(masked again: a model can echo anything) and leaves the template text everywhere else.
The summarizer travels in the run-time context, not in the state; the graph is built per
call, nothing at import time. Retries and re-asks belong to the gateway.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypedDict, runtime_checkable

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send
from pydantic import Field, create_model, model_validator

from auditor.errors import ModelBehaviorError
from auditor.pii.redact import Redactor
from auditor.report.findings import Finding
from auditor.types import StrictModel

MAX_LISTED = 20
_TOKEN = re.compile(r"[\w][\w.:/-]*[\w]|[\w]")


class Draft(StrictModel):
    """A model's cause and recommendation for one finding, with the item ids it relies on."""

    cause: str = Field(min_length=1)
    recommendation: str = Field(min_length=1)
    cited_ids: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Drafted:
    """A summarizer's usable draft for one finding."""

    draft: Draft
    reask_reason: str | None = None  # what was wrong with the first reply, when a re-ask fixed it


class DraftRejected(ModelBehaviorError):
    """The reply still failed its output model after the one re-ask (e.g. it cites other items)."""


@runtime_checkable
class Summarizer(Protocol):
    """Drafts a finding's cause and recommendation as an `output_type` (see `draft_model`).

    A reply that fails `output_type`'s validation is re-asked once with the error (the
    LLM implementation leaves that to `Gateway.complete`). Raise `DraftRejected` when the
    re-asked reply fails too, `ModelBehaviorError` for another reply that cannot be used
    (the finding keeps its template text, with a note) and `UserError` for what stops the
    report (a wrong key).
    """

    async def draft(self, finding: Finding, output_type: type[Draft]) -> Drafted: ...


def cited_ids(draft: Draft, known_ids: Collection[str]) -> list[str]:
    """Every id the draft cites: its `cited_ids`, and any known item id named in its text.

    Only distinctive ids count when named in the text: with ids like "7" or "12", every
    number in a draft ("7 days") would look like a citation.
    """
    named = [
        t
        for text in (draft.cause, draft.recommendation)
        for t in _TOKEN.findall(text)
        if t in known_ids and _distinctive(t)
    ]
    return list(dict.fromkeys([*draft.cited_ids, *named]))


def _distinctive(item_id: str) -> bool:
    return len(item_id) >= 3 and not item_id.isdigit()


def draft_model(finding: Finding, known_ids: Collection[str]) -> type[Draft]:
    """`Draft` for this finding: its validator refuses a draft citing an item outside it.

    The model keeps the name and the JSON schema of `Draft`, so the request (and its
    cache key) is the same for every finding's model.
    """
    known = frozenset(known_ids)

    class Checked(Draft):
        @model_validator(mode="after")
        def _cites_only_the_finding(self) -> Checked:
            if problem := check_draft(self, finding, known):
                raise ValueError(problem)
            return self

    return create_model("Draft", __base__=Checked, __doc__=Draft.__doc__)


def check_draft(draft: Draft, finding: Finding, known_ids: Collection[str]) -> str | None:
    """None when every cited id belongs to the finding, else the error to re-ask with."""
    allowed = set(finding.item_ids)
    wrong = [i for i in cited_ids(draft, known_ids) if i not in allowed]
    if not wrong:
        return None
    listed = ", ".join(finding.item_ids[:MAX_LISTED]) + (" ..." if len(finding.item_ids) > MAX_LISTED else "")
    return (
        f"the draft cites item ids that are not in finding {finding.id}: {', '.join(wrong)}. "
        f"Cite only these items: {listed}"
    )


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
