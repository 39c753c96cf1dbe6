"""How sure an LLM judge is: G-Eval from token logprobs, or self-consistency over samples.

G-Eval (Liu et al., 2023): the model writes a score token, and the logprobs at that
position say how likely each other score was. We find the token that holds the value of
the `score` (or `label`) key in the reply's JSON, keep the alternatives at that position
that are points of the rubric's scale, and renormalise their probabilities over those
points:

    P(s) = exp(logprob(s)) / sum over scale points p found of exp(logprob(p))
    weighted score = sum of s * P(s)            (ordinal scales)
    confidence = P(chosen score)

With several samples that each carry logprobs, the distributions are averaged. Without
logprobs, `n` samples vote: the modal value is the verdict and its share of the samples
is the confidence (self-consistency, Wang et al., 2023).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from auditor.llm import TokenLogprob
from auditor.llm.structured import json_object_span

V = TypeVar("V", bound=Hashable)

_WS = " \t\r\n"
_LEADING_INT = re.compile(r"[+-]?\d+(?!\d)")


def value_span(text: str, key: str) -> tuple[int, int] | None:
    """Where the value of top-level `key` sits in the first JSON object of `text`.

    The first object is found by the gateway's own `json_object_span`. A key repeated at the
    top level counts at its last occurrence, as the parser keeps the last one.
    """
    found = json_object_span(text)
    return None if found is None else _member_span(text, found[0], key, json.JSONDecoder())


def _member_span(text: str, start: int, key: str, decoder: json.JSONDecoder) -> tuple[int, int] | None:
    """Walk the members of the valid object at `start`; raw_decode skips nested values whole."""
    found = None
    i = _skip_ws(text, start + 1)
    while text[i] != "}":
        name, i = decoder.raw_decode(text, i)  # a key: a JSON string
        i = _skip_ws(text, _skip_ws(text, i) + 1)  # past the colon
        _, end = decoder.raw_decode(text, i)
        if name == key:
            found = (i, end)
        i = _skip_ws(text, end)
        if text[i] == ",":
            i = _skip_ws(text, i + 1)
    return found


def _skip_ws(text: str, i: int) -> int:
    while text[i] in _WS:
        i += 1
    return i


def score_distribution(
    tokens: Sequence[TokenLogprob], key: str, points: Sequence[str], *, ordinal: bool
) -> dict[str, float] | None:
    """P(point) at the token holding `key`'s value, renormalised over the scale's points.

    None when the reply's tokens do not let us tell: no such key, a score split over
    several tokens (e.g. "1" + "0"), or no alternative that is a point of the scale.
    """
    text = "".join(t.token for t in tokens)
    span = value_span(text, key)
    if span is None:
        return None
    start, end = span
    target = start + 1 if text[start] == '"' else start  # a label's first letter, past its quote
    offset = 0
    for token in tokens:
        token_end = offset + len(token.token)
        if offset <= target < token_end:
            if ordinal and token_end < end:
                return None
            return _renormalise(token, text[offset:target], points, ordinal)
        offset = token_end
    return None


def _renormalise(
    token: TokenLogprob, prefix: str, points: Sequence[str], ordinal: bool
) -> dict[str, float] | None:
    candidates = {alt.token: alt.logprob for alt in token.top_logprobs}
    candidates.setdefault(token.token, token.logprob)
    chosen = _as_point(token.token, prefix, points, ordinal)
    if chosen is None:
        return None
    mass: dict[str, float] = {}
    for text, logprob in candidates.items():
        point = _as_point(text, prefix, points, ordinal)
        if point is not None:
            mass[point] = mass.get(point, 0.0) + math.exp(logprob)
    total = sum(mass.values())
    if total <= 0.0:
        return None
    return {p: mass[p] / total for p in points if p in mass}


def _as_point(candidate: str, prefix: str, points: Sequence[str], ordinal: bool) -> str | None:
    """The scale point a candidate token stands for at this position, if exactly one."""
    if prefix and candidate.startswith(prefix):
        candidate = candidate[len(prefix) :]
    candidate = candidate.strip().strip('"')
    if not candidate:
        return None
    if ordinal:
        match = _LEADING_INT.match(candidate)
        value = str(int(match.group())) if match else None
        return value if value in points else None
    # A label may span several tokens: its first token names it when no other label starts so.
    starting = [p for p in points if p.startswith(candidate)]
    return starting[0] if len(starting) == 1 else None


def mean_distribution(distributions: Sequence[dict[str, float]], points: Sequence[str]) -> dict[str, float]:
    """The average of several samples' distributions (a point a sample lacks counts 0)."""
    n = len(distributions)
    mean = {p: sum(d.get(p, 0.0) for d in distributions) / n for p in points}
    return {p: v for p, v in mean.items() if v > 0.0}


def weighted_score(distribution: dict[str, float]) -> float:
    """The probability-weighted score over an ordinal scale's points."""
    return sum(int(point) * p for point, p in distribution.items())


def modal_vote(votes: Sequence[V], fails: Callable[[V], bool]) -> V:
    """The most common vote; a tie goes to a failing value, then the lowest, then the first seen.

    Ties lean towards failing because an audit that must guess should send the item to a
    human rather than wave it through.
    """
    if not votes:
        raise ValueError("no votes")
    counts = Counter(votes)
    top = max(counts.values())
    tied = [v for v in dict.fromkeys(votes) if counts[v] == top]
    return min(tied, key=lambda v: (not fails(v), v if isinstance(v, int) else 0))
