"""Which item is waiting for a batch: a per-item scope the gateway marks on a pending request.

In a batch round (`auditor run --batch`) the gateway answers a request it has no answer
for by recording it for the batch; the call comes back unscored and the item's scope is
marked, so the runner leaves the item unwritten until a later round has every answer.
A context variable carries the scope from the runner through the graph's tasks (which
copy the context) to the gateway. This module imports nothing heavy: the runner uses it
in every run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class PendingScope:
    """One item's count of requests that wait for a batch."""

    pending: int = 0


_CURRENT: ContextVar[PendingScope | None] = ContextVar("auditor_pending_scope", default=None)


@contextlib.contextmanager
def item_scope() -> Iterator[PendingScope]:
    """The scope of one item's graph run: `scope.pending` > 0 means it must wait."""
    scope = PendingScope()
    token = _CURRENT.set(scope)
    try:
        yield scope
    finally:
        _CURRENT.reset(token)


def mark_pending() -> None:
    """Called by the gateway when a request of the current item goes into a batch."""
    scope = _CURRENT.get()
    if scope is None:
        raise RuntimeError(
            "a batch request outside an item's scope: only the run's items can wait for a batch"
        )
    scope.pending += 1
