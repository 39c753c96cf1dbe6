"""Graph nodes: thin wrappers that call judges and the routing rules."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

from langgraph.runtime import Runtime

from auditor.aggregate import consensus
from auditor.graph.state import ItemState, RunContext
from auditor.judges.base import Judge, verdict_or_unscored
from auditor.routing import decide
from auditor.types import Provenance, Verdict


# Protocols rather than Callable[...]: LangGraph's node types match a parameter named `state`.
# Every node is async: LangGraph runs a sync node in a thread pool, a hop per node per item.
class StateNode(Protocol):
    def __call__(self, state: ItemState) -> Awaitable[dict[str, Any]]: ...


class ContextNode(Protocol):
    def __call__(self, state: ItemState, runtime: Runtime[RunContext]) -> Awaitable[dict[str, Any]]: ...


def make_generate() -> ContextNode:
    """Ask the item's target for its answer; the judges then judge that answer."""

    async def generate(state: ItemState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        item = state["item"]
        answer = await runtime.context.targets[state["target"]].answer(item)
        return {"item": item.model_copy(update={"response": answer.text}), "answer": answer}

    return generate


def make_judge_node(judge: Judge) -> StateNode:
    """Run one judge; a crash becomes an unscored verdict, so one item cannot stop a batch."""

    async def judge_node(state: ItemState) -> dict[str, Any]:
        if not judge.applies(state["item"]):
            return {}
        answer = state.get("answer")
        if answer is not None and answer.error is not None:  # nothing to judge: unscored, with why
            reason = f"no answer to judge: {answer.error}"
            return {
                "verdicts": [
                    Verdict.unscored(judge.name, judge.criterion, reason, Provenance(backend=judge.backend))
                ]
            }
        return {"verdicts": [await verdict_or_unscored(judge, state["item"])]}

    return judge_node


def make_aggregate(judges: list[Judge]) -> ContextNode:
    """Put verdicts in the configured judge order and combine them per criterion."""
    order = {j.name: i for i, j in enumerate(judges)}

    async def aggregate(state: ItemState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        # Parallel judges finish in any order; a fixed order keeps records reproducible.
        verdicts = sorted(state.get("verdicts", []), key=lambda v: order.get(v.judge, len(order)))
        spread = runtime.context.routing.max_score_spread
        return {"verdicts_sorted": verdicts, "consensus": consensus(verdicts, spread)}

    return aggregate


def make_route(judges: list[Judge]) -> ContextNode:
    """Auto-accept or human review, with the reasons; every judged criterion must have a verdict."""

    async def route(state: ItemState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        item, verdicts = state["item"], state["verdicts_sorted"]
        # A judge that says it is not required (one of a suite's items only) is missing nowhere else.
        criteria = [j.criterion for j in judges if getattr(j, "required", True) or j.applies(item)]
        policy = runtime.context.routing
        return {"route": decide(item, verdicts, state["consensus"], policy, criteria=criteria)}

    return route
