"""How much of a response its source supports, sentence by sentence.

When the accuracy judge compares with a *context* (a policy, an article) rather than a
reference answer, the question is not whether the response covers the source (a summary
leaves most of it out) but whether what the response says is in it. Each response
sentence is scored by the share of its words (light-stemmed; character bigrams for
Chinese and Japanese) that the source uses, and each number it states that the source
never states (by value: "five" = "5") counts against it. Function words count too: on
the dev set they carry part of the signal (a relation the source does not state tends
to bring its own small words with it). The response's support is the mean over its
sentences, less a fixed amount per unsupported number; words of the question count as
supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from auditor.judges import units
from auditor.judges.facts import parse_number
from auditor.judges.text import CJK, has_cjk, sentences, stem, term_set

# Words of alphabetic scripts and numbers; Chinese and Japanese are covered by their
# character bigrams (`term_set`) instead, as they have no spaces between words.
_TOKEN_RE = re.compile(rf"[^\W\d_{CJK}]+|\d+(?:[.,]\d+)?")
_NUMBER_PENALTY = 0.25  # per stated number the source never states (tuned on the dev set)


@dataclass(frozen=True, slots=True)
class Grounding:
    """The supported share of each response sentence, numbers the source lacks, and the total."""

    shares: tuple[float, ...]
    unsupported_numbers: tuple[str, ...]
    support: float


@lru_cache(maxsize=1024)
def _source_index(source_norm: str) -> tuple[frozenset[str], frozenset[float]]:
    tokens = _TOKEN_RE.findall(source_norm)
    keys = {stem(t) for t in tokens if not t[0].isdigit()}
    if has_cjk(source_norm):
        keys |= term_set(source_norm)
    return frozenset(keys), frozenset(v for t in tokens if (v := _value(t)) is not None)


def _value(token: str) -> float | None:
    if token[0].isdigit() or token in units.NUMBER_WORDS:
        try:
            return parse_number(token)
        except (ValueError, KeyError):
            return None
    return None


def ground(response_norm: str, source_norm: str, question_norm: str = "") -> Grounding:
    """How much of the (normalised) response the (normalised) source supports.

    Words of the question count as supported: repeating what was asked invents nothing.
    """
    keys, values = _source_index(source_norm)
    if question_norm:
        asked_keys, asked_values = _source_index(question_norm)
        keys, values = keys | asked_keys, values | asked_values
    shares: list[float] = []
    missing: list[str] = []
    for sentence in sentences(response_norm):
        tokens = _TOKEN_RE.findall(sentence.norm)
        said = [stem(t) for t in tokens if _value(t) is None]
        if has_cjk(sentence.norm):
            said += list(term_set(sentence.norm))
        numbers = [t for t in tokens if t[0].isdigit() and _value(t) is not None]
        missing += [t for t in numbers if _value(t) not in values]
        if said:
            shares.append(sum(k in keys for k in said) / len(said))
    if not shares:
        return Grounding((), tuple(missing), 0.0)
    overall = sum(shares) / len(shares) - _NUMBER_PENALTY * len(missing)
    return Grounding(tuple(shares), tuple(missing), max(0.0, overall))
