"""Building the per-item graph: [generate ->] judges in parallel -> aggregate -> route.

With targets (systems under test), `generate` first asks the item's target for its
answer, and the judges judge that answer; without, the judges start the graph.

Every judge is a node; one that does not apply to an item (accuracy without a reference
or context) writes nothing. Aggregate runs once, after all of them. Each step of the
graph is a LangGraph superstep with its own bookkeeping, so there is no step that only
chooses the judges: each judge node asks its judge.

Nothing is compiled at import time: `build_graph` is called once per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langgraph.graph import END, START, StateGraph

from auditor.graph.nodes import make_aggregate, make_generate, make_judge_node, make_route
from auditor.graph.state import ItemState, RunContext
from auditor.judges.base import Judge

GENERATE, AGGREGATE, ROUTE = "generate", "aggregate", "route"


def build_graph(judges: Sequence[Judge], *, generate: bool = False) -> Any:
    """Compile the graph for these judges; each judge is one node, run in parallel.

    `generate`: the state names a target, asked for the answer before any judge runs.
    """
    judges = list(judges)
    names = [j.name for j in judges]
    if len(set(names)) != len(names):
        raise ValueError(f"judge names must be unique, got {names}")
    if reserved := set(names) & {GENERATE, AGGREGATE, ROUTE}:
        raise ValueError(f"judge names {sorted(reserved)} are reserved for graph steps")

    graph = StateGraph(ItemState, context_schema=RunContext)
    first = START
    if generate:
        graph.add_node(GENERATE, make_generate())
        graph.add_edge(START, GENERATE)
        first = GENERATE
    for judge in judges:
        graph.add_node(judge.name, make_judge_node(judge))
        # Static fan-out: a judge that does not apply returns at once (cheaper than a branch).
        graph.add_edge(first, judge.name)
        graph.add_edge(judge.name, AGGREGATE)
    graph.add_node(AGGREGATE, make_aggregate(judges))
    graph.add_node(ROUTE, make_route(judges))
    if not judges:
        graph.add_edge(first, AGGREGATE)
    graph.add_edge(AGGREGATE, ROUTE)
    graph.add_edge(ROUTE, END)
    return graph.compile()
