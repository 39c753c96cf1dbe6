"""Failures -> groups: one theme per criterion and kind, by error tag, then by reasoning.

Within each criterion and kind of failure (failed, unscored, missed, false alarm):

1. error tags, greedily: the tag carried by the most ungrouped failures becomes a group
   of all of them, and so on until no tagged failure is left. Each failure lands in one
   group, so counts and shares add up; its other tags are still counted in its group.
   A failure's PII tags (`pii:CREDIT_CARD`, `pii:PERSON`, ...) count as one tag, the
   worst severity among them (`pii-severity:critical`): a name and a card leaked in one
   answer are one leak, and grouping it under its most common type (usually the name)
   would file a card leak under "names";
2. the untagged failures are clustered by the text of the judge's reasoning (or the
   reason it gave none): see `auditor.report.similarity`. Clusters of two or more items
   are groups of "similar reasoning"; the remaining single items form one "other" group.

Slices are not a grouping key: splitting every theme by marketplace would scatter it.
Each group is tested for slice concentration instead (`auditor.report.slices`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from auditor.pii.severity import RANK as PII_RANK
from auditor.pii.severity import SEVERITY as PII_SEVERITY
from auditor.report.failures import Failure, Kind
from auditor.report.similarity import cluster

Theme = Literal["tag", "similar", "other"]
PII_PREFIX = "pii:"
PII_SEVERITY_TAG = "pii-severity:"


@dataclass(frozen=True)
class Group:
    criterion: str
    kind: Kind
    theme: Theme
    tag: str | None
    failures: tuple[Failure, ...]

    @property
    def item_ids(self) -> list[str]:
        return list(dict.fromkeys(f.item_id for f in self.failures))


def group_failures(failures: Iterable[Failure]) -> list[Group]:
    """Every failure in exactly one group; groups in order of criterion and kind."""
    buckets: dict[tuple[str, Kind], list[Failure]] = {}
    for f in failures:
        buckets.setdefault((f.criterion, f.kind), []).append(f)
    groups: list[Group] = []
    for (criterion, kind), bucket in buckets.items():
        tagged, untagged = _by_tag(bucket)
        groups += [Group(criterion, kind, "tag", tag, tuple(members)) for tag, members in tagged]
        groups += _by_reasoning(criterion, kind, untagged)
    return groups


def _by_tag(failures: Sequence[Failure]) -> tuple[list[tuple[str, list[Failure]]], list[Failure]]:
    left = list(failures)
    out: list[tuple[str, list[Failure]]] = []
    while True:
        counts = Counter(tag for f in left for tag in _grouping_tags(f))
        if not counts:
            return out, left
        tag = min(counts, key=lambda t: (-counts[t], t))
        out.append((tag, [f for f in left if tag in _grouping_tags(f)]))
        left = [f for f in left if tag not in _grouping_tags(f)]


def _grouping_tags(failure: Failure) -> set[str]:
    tags = set(failure.verdict.tags)
    kinds = [t.removeprefix(PII_PREFIX) for t in tags if t.startswith(PII_PREFIX)]
    if not kinds:
        return tags
    worst = max((PII_SEVERITY.get(k, "low") for k in kinds), key=PII_RANK.__getitem__)
    return {t for t in tags if not t.startswith(PII_PREFIX)} | {PII_SEVERITY_TAG + worst}


def _by_reasoning(criterion: str, kind: Kind, failures: Sequence[Failure]) -> list[Group]:
    if not failures:
        return []
    labels = cluster([f.text for f in failures])
    clusters: dict[int, list[Failure]] = {}
    for label, f in zip(labels, failures, strict=True):
        clusters.setdefault(label, []).append(f)
    groups, rest = [], []
    for members in clusters.values():
        if len({f.item_id for f in members}) >= 2:
            groups.append(Group(criterion, kind, "similar", None, tuple(members)))
        else:
            rest += members
    if rest:
        groups.append(Group(criterion, kind, "other", None, tuple(rest)))
    return groups
