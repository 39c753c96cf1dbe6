"""Framework overhead: auditor's per-item graph vs a bare LangGraph graph of the same shape.

Both graphs run 3 no-op judges in parallel -> aggregate -> route, on the same
items, in the same process, alternating to share the machine's noise. Goal: <= 1.25x.

    .venv/bin/python -m benchmarks.graph_overhead [--items 400] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import operator
import statistics
import time
from typing import Annotated, Any, TypedDict

from langgraph.graph import END, START, StateGraph

from auditor.graph.build import build_graph
from auditor.graph.state import RunContext
from auditor.routing import RoutingPolicy
from auditor.types import AuditItem, Provenance, Verdict
from benchmarks._common import save, verdict_line

PROV = Provenance(backend="baseline")


class NoopJudge:
    backend = "baseline"

    def __init__(self, name: str, criterion: str) -> None:
        self.name, self.criterion = name, criterion

    def applies(self, item: AuditItem) -> bool:
        return True

    async def judge(self, item: AuditItem) -> Verdict:
        return Verdict(judge=self.name, criterion=self.criterion, score=5, passed=True, provenance=PROV)


class BareState(TypedDict, total=False):
    item: AuditItem
    verdicts: Annotated[list[Verdict], operator.add]
    done: bool


def bare_graph() -> Any:
    g = StateGraph(BareState)

    async def nothing(s: BareState) -> dict[str, Any]:
        return {}

    async def finish(s: BareState) -> dict[str, Any]:
        return {"done": True}

    # async nodes, as auditor's are: LangGraph runs sync nodes in a thread pool
    for name, crit in [("a", "accuracy"), ("r", "relevance"), ("p", "pii_leakage")]:

        async def node(s: BareState, name: str = name, crit: str = crit) -> dict[str, Any]:
            v = Verdict(judge=name, criterion=crit, score=5, passed=True, provenance=PROV)
            return {"verdicts": [v]}

        g.add_node(name, node)
        g.add_edge(START, name)
        g.add_edge(name, "aggregate")
    g.add_node("aggregate", nothing)
    g.add_node("route", finish)
    g.add_edge("aggregate", "route")
    g.add_edge("route", END)
    return g.compile()


async def per_item_ms(graph: Any, items: list[AuditItem], **kwargs: Any) -> float:
    t0 = time.perf_counter()
    for item in items:
        await graph.ainvoke({"item": item}, **kwargs)
    return (time.perf_counter() - t0) * 1000 / len(items)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    items = [AuditItem(id=str(i), prompt="q", response="r", reference="x") for i in range(args.items)]
    noop = [NoopJudge("a", "accuracy"), NoopJudge("r", "relevance"), NoopJudge("p", "pii_leakage")]
    ours = build_graph(noop)
    bare = bare_graph()
    ctx = RunContext(routing=RoutingPolicy())
    await per_item_ms(ours, items[:50], context=ctx)  # warm-up
    await per_item_ms(bare, items[:50])
    ours_ms, bare_ms = [], []
    for _ in range(args.rounds):
        bare_ms.append(await per_item_ms(bare, items))
        ours_ms.append(await per_item_ms(ours, items, context=ctx))
    o, b = statistics.median(ours_ms), statistics.median(bare_ms)
    ratio = o / b
    print(f"bare LangGraph, same shape: {b:.3f} ms/item; auditor's graph: {o:.3f} ms/item")
    print(verdict_line("auditor graph / bare LangGraph (per item)", ratio, "<= 1.25x", ratio <= 1.25))
    path = save(
        "graph_overhead",
        {
            "bare_ms_per_item": b,
            "auditor_ms_per_item": o,
            "ratio": ratio,
            "goal": 1.25,
            "items": args.items,
            "rounds": args.rounds,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    asyncio.run(main())
