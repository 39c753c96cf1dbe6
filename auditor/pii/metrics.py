"""Precision, recall and F2 of detected spans against gold spans.

Two ways of counting, both documented in docs/pii.md:

* span level (the headline): a predicted span and a gold span match when they share a
  non-space character. Recall counts gold spans matched, precision counts predicted spans
  matched, so one predicted address covering three gold fragments (the shared dataset
  splits a street, its unit and its town into three spans) recalls all three and counts once.
* token level (what presidio-research's published baseline uses): every word or
  punctuation token is PII or not; over-long and too-short spans both cost.

`ignore` spans (entity types the benchmark does not evaluate) are "don't care" regions:
a prediction that only touches them is neither right nor wrong. `tokens_strict` counts
them as not-PII instead, as presidio-research does, for a like-for-like baseline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex  # type: ignore[import-untyped]  # no stubs; see docs/pii.md

_TOKEN = regex.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Span:
    """A labelled character range, `text[start:end]`."""

    start: int
    end: int
    label: str

    def overlaps(self, other: Span, text: str) -> bool:
        """True when the spans share a non-space character."""
        lo, hi = max(self.start, other.start), min(self.end, other.end)
        return lo < hi and not text[lo:hi].isspace()


@dataclass
class Counts:
    """Tallies for one entity type (or all), and the scores they give."""

    gold: int = 0  # gold spans (or tokens)
    found: int = 0  # gold spans matched by a prediction
    predicted: int = 0  # predicted spans (or tokens)
    correct: int = 0  # predicted spans matching a gold span

    def add(self, other: Counts) -> None:
        """Accumulate another tally into this one."""
        self.gold += other.gold
        self.found += other.found
        self.predicted += other.predicted
        self.correct += other.correct

    @property
    def precision(self) -> float:
        """Share of predictions that were right (1.0 when nothing was predicted)."""
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of gold spans found (1.0 when there was nothing to find)."""
        return self.found / self.gold if self.gold else 1.0

    @property
    def f2(self) -> float:
        """F-beta with beta=2: recall weighs four times as much as precision."""
        return f2(self.precision, self.recall)


def f2(precision: float, recall: float) -> float:
    """F2 = 5PR / (4P + R); 0 when both are 0."""
    denominator = 4 * precision + recall
    return 5 * precision * recall / denominator if denominator else 0.0


@dataclass
class Tally:
    """Counts overall (type-agnostic and type-aware) and per entity type."""

    any_type: Counts = field(default_factory=Counts)
    same_type: Counts = field(default_factory=Counts)
    by_type: dict[str, Counts] = field(default_factory=dict)
    tokens: Counts = field(default_factory=Counts)
    tokens_strict: Counts = field(default_factory=Counts)  # don't-care tokens count as not PII

    def of(self, label: str) -> Counts:
        """The tally for one entity type, created on first use."""
        return self.by_type.setdefault(label, Counts())


def score_document(
    tally: Tally, text: str, gold: Sequence[Span], predicted: Sequence[Span], ignore: Sequence[Span] = ()
) -> None:
    """Add one document's span and token counts to `tally`."""
    scored = [p for p in predicted if _counts(p, gold, ignore, text)]
    for g in gold:
        hit_any = any(g.overlaps(p, text) for p in predicted)
        hit_same = any(g.overlaps(p, text) and p.label == g.label for p in predicted)
        _tick_gold(tally.any_type, hit_any)
        _tick_gold(tally.same_type, hit_same)
        _tick_gold(tally.of(g.label), hit_same)
    for p in scored:
        _tick_pred(tally.any_type, any(p.overlaps(g, text) for g in gold))
        same = any(p.overlaps(g, text) and p.label == g.label for g in gold)
        _tick_pred(tally.same_type, same)
        _tick_pred(tally.of(p.label), same)
    tally.tokens.add(_token_counts(text, gold, predicted, ignore))
    tally.tokens_strict.add(_token_counts(text, gold, predicted, ()))


def _counts(p: Span, gold: Sequence[Span], ignore: Sequence[Span], text: str) -> bool:
    """A prediction touching only don't-care regions is not scored."""
    return any(p.overlaps(g, text) for g in gold) or not any(p.overlaps(i, text) for i in ignore)


def _tick_gold(counts: Counts, hit: bool) -> None:
    counts.gold += 1
    counts.found += hit


def _tick_pred(counts: Counts, hit: bool) -> None:
    counts.predicted += 1
    counts.correct += hit


def _token_counts(
    text: str, gold: Sequence[Span], predicted: Sequence[Span], ignore: Sequence[Span]
) -> Counts:
    counts = Counts()
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if _covers(ignore, start, end) and not _covers(gold, start, end):
            continue
        is_gold, is_pred = _covers(gold, start, end), _covers(predicted, start, end)
        counts.gold += is_gold
        counts.predicted += is_pred
        counts.found += is_gold and is_pred
        counts.correct += is_gold and is_pred
    return counts


def _covers(spans: Iterable[Span], start: int, end: int) -> bool:
    return any(s.start < end and start < s.end for s in spans)
