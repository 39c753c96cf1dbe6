"""The state one item carries through the graph, and the run-time context.

Parallel judge nodes all write `verdicts`; the reducer concatenates their lists, so no
node overwrites another's verdict. Run-time settings travel as context, not state.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Annotated, Required, TypedDict

from auditor.routing import RoutingPolicy
from auditor.types import AuditItem, Consensus, Route, Verdict


class ItemState(TypedDict, total=False):
    item: Required[AuditItem]
    judges: list[str]  # the judges that apply, chosen by `prepare`
    verdicts: Annotated[list[Verdict], operator.add]
    verdicts_sorted: list[Verdict]  # `verdicts` in the configured judge order
    consensus: list[Consensus]
    route: Route


@dataclass(frozen=True)
class RunContext:
    """Per-run settings the nodes read; never stored in the state."""

    routing: RoutingPolicy
