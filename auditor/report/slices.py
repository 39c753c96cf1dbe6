"""Slices (marketplace, language, category): where failures concentrate, and whether that is chance.

A finding names a slice only when its items fall in it clearly more often than the run's
items do: at least `MIN_ITEMS` items, a lift of `MIN_LIFT` or more over the slice's share
of the run, and a one-sided hypergeometric p-value below `MAX_P` (the chance of drawing
that many or more of the slice's items at random). Small groups rarely pass; that is the
point: the report does not name a slice the data cannot single out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scipy.stats import hypergeom

from auditor.types import AuditRecord

SLICE_KEYS = ("marketplace", "language", "category")
MIN_ITEMS = 2
MIN_LIFT = 1.5
MAX_P = 0.05


def slice_of(record: AuditRecord, key: str) -> str | None:
    """A record's metadata value for a slice key, as text; None when it has none."""
    value: Any = record.metadata.get(key)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


@dataclass(frozen=True)
class SliceIndex:
    """Which items sit in which slice: key -> value -> item ids."""

    total: int
    members: dict[str, dict[str, frozenset[str]]]

    @classmethod
    def of(cls, records: Sequence[AuditRecord], keys: Iterable[str] = SLICE_KEYS) -> SliceIndex:
        members: dict[str, dict[str, set[str]]] = {}
        for key in keys:
            for record in records:
                value = slice_of(record, key)
                if value is not None:
                    members.setdefault(key, {}).setdefault(value, set()).add(record.item_id)
        frozen = {k: {v: frozenset(ids) for v, ids in sorted(vals.items())} for k, vals in members.items()}
        return cls(total=len(records), members=frozen)


@dataclass(frozen=True)
class SliceSkew:
    """A slice holding clearly more of a finding's items than its share of the run."""

    key: str
    value: str
    in_finding: int
    finding_size: int
    slice_size: int
    run_size: int
    p_value: float

    @property
    def text(self) -> str:
        share = self.slice_size / self.run_size
        return (
            f"{self.key} {self.value}: {self.in_finding} of {self.finding_size} items "
            f"({self.value} is {share:.0%} of the run; {_p(self.p_value)})"
        )


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def skews(item_ids: Collection[str], index: SliceIndex, limit: int = 3) -> list[SliceSkew]:
    """The slices this group of items concentrates in, most significant first."""
    found = []
    n = len(item_ids)
    for key, values in index.members.items():
        for value, members in values.items():
            k = len(members.intersection(item_ids))
            size = len(members)
            if k < MIN_ITEMS or size >= index.total:
                continue
            if (k / n) / (size / index.total) < MIN_LIFT:
                continue
            p = float(hypergeom.sf(k - 1, index.total, size, n))
            if p < MAX_P:
                found.append(SliceSkew(key, value, k, n, size, index.total, p))
    order = list(index.members)
    found.sort(key=lambda s: (s.p_value, -s.in_finding, order.index(s.key), s.value))
    return found[:limit]


@dataclass(frozen=True)
class SliceRate:
    key: str
    value: str
    items: int
    failing: int

    @property
    def rate(self) -> float:
        return self.failing / self.items if self.items else 0.0


def failure_rates(index: SliceIndex, failing: Collection[str]) -> list[SliceRate]:
    """Per slice value: items, and items with at least one failure."""
    return [
        SliceRate(key, value, len(members), len(members.intersection(failing)))
        for key, values in index.members.items()
        for value, members in values.items()
    ]
