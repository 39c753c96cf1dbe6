"""Combining the verdicts of several judges on the same criterion."""

from __future__ import annotations

from collections import Counter

from auditor.types import Consensus, Verdict


def consensus(verdicts: list[Verdict], max_score_spread: float) -> list[Consensus]:
    """One `Consensus` per criterion, in the order the criteria first appear."""
    by_criterion: dict[str, list[Verdict]] = {}
    for v in verdicts:
        by_criterion.setdefault(v.criterion, []).append(v)
    return [_combine(criterion, group, max_score_spread) for criterion, group in by_criterion.items()]


def _combine(criterion: str, group: list[Verdict], max_spread: float) -> Consensus:
    scored = [v for v in group if v.scored]
    scores = [v.score for v in scored if v.score is not None]
    labels = [v.label for v in scored if v.label is not None]
    outcomes = [v.passed for v in scored if v.passed is not None]
    spread = max(scores) - min(scores) if scores else 0.0
    return Consensus(
        criterion=criterion,
        score=round(sum(scores) / len(scores), 3) if scores else None,
        label=Counter(labels).most_common(1)[0][0] if labels else None,
        passed=all(outcomes) if outcomes else None,
        judges=[v.judge for v in scored],
        disagreement=spread > max_spread or len(set(labels)) > 1 or len(set(outcomes)) > 1,
    )
