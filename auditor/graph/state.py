"""The state one item carries through the graph, and the run-time context.

Parallel judge nodes all write `verdicts`; the reducer concatenates their lists, so no
node overwrites another's verdict. Run-time settings (and the targets to ask) travel as
context, not state.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Required, TypedDict

from auditor.routing import RoutingPolicy
from auditor.types import Answer, AuditItem, Consensus, Route, Verdict

if TYPE_CHECKING:
    from auditor.targets.systems import SystemUnderTest


class ItemState(TypedDict, total=False):
    item: Required[AuditItem]  # with targets: the input's item, its response replaced by the answer
    target: str  # the system under test to ask (runs with targets only)
    answer: Answer  # what the target said, written by `generate`
    verdicts: Annotated[list[Verdict], operator.add]
    verdicts_sorted: list[Verdict]  # `verdicts` in the configured judge order
    consensus: list[Consensus]
    route: Route


@dataclass(frozen=True)
class RunContext:
    """Per-run settings the nodes read; never stored in the state."""

    routing: RoutingPolicy
    targets: Mapping[str, SystemUnderTest] = field(default_factory=dict)  # by name; empty: no generation
