"""Building the per-item graph: [generate ->] prepare -> judges in parallel -> aggregate -> route.

With targets (systems under test), `generate` first asks the item's target for its
answer, and the judges judge that answer; without, the graph starts at `prepare`.

Every judge is a node fed by `prepare`; one that does not apply to an item (accuracy
without a reference or context) writes nothing. Aggregate runs once, after all of them.

Nothing is compiled at import time: `build_graph` is called once per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langgraph.graph import END, START, StateGraph

from auditor.graph.nodes import make_aggregate, make_generate, make_judge_node, make_prepare, make_route
from auditor.graph.state import ItemState, RunContext
from auditor.judges.base import Judge

GENERATE, PREPARE, AGGREGATE, ROUTE = "generate", "prepare", "aggregate", "route"


def build_graph(judges: Sequence[Judge], *, generate: bool = False) -> Any:
    """Compile the graph for these judges; each judge is one node, run in parallel.

    `generate`: the state names a target, asked for the answer before any judge runs.
    """
    judges = list(judges)
    names = [j.name for j in judges]
    if len(set(names)) != len(names):
        raise ValueError(f"judge names must be unique, got {names}")
    if reserved := set(names) & {GENERATE, PREPARE, AGGREGATE, ROUTE}:
        raise ValueError(f"judge names {sorted(reserved)} are reserved for graph steps")

    graph = StateGraph(ItemState, context_schema=RunContext)
    graph.add_node(PREPARE, make_prepare(judges))
    for judge in judges:
        graph.add_node(judge.name, make_judge_node(judge))
        # Static fan-out: a judge that does not apply returns at once (cheaper than a branch).
        graph.add_edge(PREPARE, judge.name)
        graph.add_edge(judge.name, AGGREGATE)
    graph.add_node(AGGREGATE, make_aggregate(judges))
    graph.add_node(ROUTE, make_route(judges))

    if generate:
        graph.add_node(GENERATE, make_generate())
        graph.add_edge(START, GENERATE)
        graph.add_edge(GENERATE, PREPARE)
    else:
        graph.add_edge(START, PREPARE)
    if not judges:
        graph.add_edge(PREPARE, AGGREGATE)
    graph.add_edge(AGGREGATE, ROUTE)
    graph.add_edge(ROUTE, END)
    return graph.compile()
