"""The state one item carries through the graph, and the run-time context.

Parallel judge nodes all write `verdicts`; the reducer concatenates their lists, so no
node overwrites another's verdict. Run-time settings travel as context, not state.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Annotated

from auditor.routing import RoutingPolicy
from auditor.types import AuditItem, Consensus, Route, Verdict


@dataclass
class ItemState:
    item: AuditItem
    judges: list[str] = field(default_factory=list)  # the judges that apply, chosen by `prepare`
    verdicts: Annotated[list[Verdict], operator.add] = field(default_factory=list)
    verdicts_sorted: list[Verdict] = field(default_factory=list)  # in the configured judge order
    consensus: list[Consensus] = field(default_factory=list)
    route: Route | None = None


@dataclass(frozen=True)
class RunContext:
    """Per-run settings the nodes read; never stored in the state."""

    routing: RoutingPolicy
