"""Comparing the facts of a response with the facts of a reference (or a context).

A response fact *matches* when the reference states the same value for a fact of the same
kind (a duration in any unit, converted to days, where a month or a year against another
unit matches only approximately; an amount in a currency it may share; a
percentage; a date; a number counting the same noun). It *conflicts* when it matches
nothing and a reference fact of the same kind is stated in a sentence about the same
thing (the two sentences share content words): "You have 7 days to respond to the claim"
against "You have 72 hours to respond to a claim". A fact the reference says nothing
about, a fact the question itself supplied ("my order of $40"), an order id or a year is
neutral: extra detail is not an error.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from auditor.judges.facts import AMOUNT, DATE, DURATION, NUMBER, PERCENTAGE, Fact, extract_facts
from auditor.judges.text import Term, clauses, terms
from auditor.judges.units import UNIT_DAYS_RANGE, UNIT_IN_DAYS

TAG_BY_KIND = {
    AMOUNT: "amount_mismatch",
    PERCENTAGE: "percentage_mismatch",
    DURATION: "duration_mismatch",
    DATE: "date_mismatch",
    NUMBER: "number_mismatch",
}
CURRENCY_MISMATCH = "currency_mismatch"
_MIN_SHARED_CONTEXT = 2  # content words two sentences must share to be about one thing
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Analysed:
    """A normalised text with its facts and the content words of each fact's sentence."""

    norm: str
    facts: tuple[Fact, ...]
    contexts: tuple[frozenset[str], ...]  # one per fact


@lru_cache(maxsize=4096)
def analyse(norm: str) -> Analysed:
    """Extract a text's facts and, for each, what its clause is about."""
    facts = extract_facts(norm)
    if not facts:
        return Analysed(norm, facts, ())
    all_terms = terms(norm)
    starts = [t.start for t in all_terms]
    spans = [(c.start, c.end) for c in clauses(norm)]
    contexts = []
    for fact in facts:
        start, end = next(((s, e) for s, e in spans if s <= fact.start < e), (0, len(norm)))
        inside = all_terms[bisect_left(starts, start) : bisect_left(starts, end)]
        contexts.append(_clause_context(inside, facts, fact, start, end))
    return Analysed(norm, facts, tuple(contexts))


def _signature(fact: Fact) -> str:
    values = _in_days(fact) if fact.kind == DURATION else fact.values
    return f"#{fact.kind}:{fact.unit if fact.kind == NUMBER else ''}:{values}:{sorted(fact.currencies)}"


def _clause_context(
    inside: tuple[Term, ...], facts: tuple[Fact, ...], fact: Fact, start: int, end: int
) -> frozenset[str]:
    """The content words of a fact's clause, plus the other facts it states.

    Words inside a fact ("days", "€") say nothing about what the fact is about; the other
    facts of the clause do ("October to December ... 8,900 yen").
    """
    local = [f for f in facts if start <= f.start < end]
    words = {t.key for t in inside if not any(f.start <= t.start < f.end for f in local)}
    words.update(_signature(f) for f in local if f is not fact)
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class FactCheck:
    """A response fact and the reference fact it agrees or conflicts with."""

    fact: Fact
    status: Literal["match", "conflict"]
    other: Fact
    tag: str | None = None  # set for a conflict
    approximate: bool = False  # a match that holds only roughly ("a month" for "30 days")


def _in_days(fact: Fact) -> tuple[float, ...]:
    return tuple(v * UNIT_IN_DAYS[fact.unit] for v in fact.values)


def _values_agree(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    if len(a) == len(b):
        return all(abs(x - y) <= _EPS * max(1.0, abs(y)) for x, y in zip(a, b, strict=True))
    single, pair = (a, b) if len(a) == 1 else (b, a)
    return min(pair) - _EPS <= single[0] <= max(pair) + _EPS


def _dates_agree(a: Fact, b: Fact) -> bool:
    for x in a.values:
        for y in b.values:
            if x % 10000 == y % 10000 and (x < 10000 or y < 10000 or x == y):
                return True
    return False


def comparable(fact: Fact, other: Fact) -> bool:
    """Whether two facts speak of the same kind of quantity."""
    if fact.kind != other.kind:
        return False
    if fact.kind == NUMBER:
        return fact.unit == other.unit
    return True


def _days_range(fact: Fact) -> tuple[float, float]:
    low, high = UNIT_DAYS_RANGE.get(fact.unit, (UNIT_IN_DAYS[fact.unit],) * 2)
    return min(fact.values) * low, max(fact.values) * high


def approximately_agrees(fact: Fact, other: Fact) -> bool:
    """Whether two durations agree once months and years are allowed their varying length.

    "a month" is 28 to 31 days, so it agrees with "30 days" or "4 weeks" only roughly.
    """
    if fact.kind != DURATION or fact.unit == other.unit:
        return False
    if fact.unit not in UNIT_DAYS_RANGE and other.unit not in UNIT_DAYS_RANGE:
        return False
    (a_low, a_high), (b_low, b_high) = _days_range(fact), _days_range(other)
    return a_low - _EPS <= b_high and b_low - _EPS <= a_high


def agrees(fact: Fact, other: Fact) -> bool:
    """Whether two comparable facts state the same value (and currency)."""
    if fact.kind == DATE:
        return _dates_agree(fact, other)
    if fact.kind == DURATION:
        exact_units = fact.unit == other.unit or not {fact.unit, other.unit} & UNIT_DAYS_RANGE.keys()
        return exact_units and _values_agree(_in_days(fact), _in_days(other))
    if fact.kind == AMOUNT and not (fact.currencies & other.currencies):
        return False
    return _values_agree(fact.values, other.values)


def _conflict_tag(fact: Fact, other: Fact) -> str:
    if fact.kind == AMOUNT and _values_agree(fact.values, other.values):
        return CURRENCY_MISMATCH
    return TAG_BY_KIND[fact.kind]


def _rival(fact: Fact, other: Fact) -> bool:
    """Whether `other` states a different value for what `fact` could be about."""
    if fact.kind != AMOUNT:
        return True
    # An amount rivals one in a shared currency, or the same figure in another currency.
    return bool(fact.currencies & other.currencies) or _values_agree(fact.values, other.values)


def check_facts(response: Analysed, reference: Analysed, question: tuple[Fact, ...]) -> list[FactCheck]:
    """Each response fact the reference confirms or contradicts, in order."""
    checks: list[FactCheck] = []
    for fact, context in zip(response.facts, response.contexts, strict=True):
        candidates = [
            (other, ctx)
            for other, ctx in zip(reference.facts, reference.contexts, strict=True)
            if comparable(fact, other)
        ]
        agreeing = next((other for other, _ in candidates if agrees(fact, other)), None)
        if agreeing is not None:
            checks.append(FactCheck(fact, "match", agreeing))
            continue
        rough = next((other for other, _ in candidates if approximately_agrees(fact, other)), None)
        if rough is not None:
            checks.append(FactCheck(fact, "match", rough, approximate=True))
            continue
        if any(comparable(fact, q) and agrees(fact, q) for q in question):
            continue  # the question supplied it: an echo, not a claim about the policy
        rivals = [
            (len(context & ctx), other)
            for other, ctx in candidates
            if _rival(fact, other) and len(context & ctx) >= _MIN_SHARED_CONTEXT
        ]
        if rivals:
            _, other = max(rivals, key=lambda r: r[0])
            checks.append(FactCheck(fact, "conflict", other, _conflict_tag(fact, other)))
    return checks
