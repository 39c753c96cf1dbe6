"""Checkable facts in a text: amounts, percentages, durations, dates and counted numbers.

Extraction runs on a normalised text (`auditor.judges.text.normalize`, same length as the
original), so every fact's span is a span of the original text. Numbers may be written
with thousands separators ("1,000", "1.000", "1 000"), decimal commas ("1,5"), full-width
digits (normalised beforehand), CJK multipliers ("1万"), Chinese numerals before a unit
("三个工作日") and number words before a time unit ("thirty days", "zwei Wochen", "a fortnight").

A fact has a *kind* and a *unit*, and only facts of the same kind and a comparable unit are
ever compared (see `auditor.judges.factcheck`): a response's order id or a year is never
held against the reference's "30 days".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from auditor.judges import units
from auditor.judges.stopwords import ALL_STOPWORDS
from auditor.judges.text import CJK, stem

AMOUNT = "amount"
PERCENTAGE = "percentage"
DURATION = "duration"
DATE = "date"
NUMBER = "number"


@dataclass(frozen=True, slots=True)
class Fact:
    """One checkable statement: `values` holds one value, or both ends of a range."""

    kind: str
    unit: str  # duration unit, counted noun, or "" ; amounts keep currencies apart
    values: tuple[float, ...]
    start: int
    end: int
    currencies: frozenset[str] = frozenset()


_DIGITS_RE = re.compile(
    r"(?<![a-z\d.,/#_])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?"
    r"|\d{1,3}(?: \d{3})+(?![.,]?\d)|\d+(?:[.,]\d+)?)(?!\d)"
)
_LATIN_WORD_RE = re.compile(r"[a-zà-ÿß]+(?:-[a-z]+)?")
_CJK_NUMERAL_RE = re.compile(
    r"[零〇一二两三四五六七八九十百千]+(?=个?(?:" + units.CJK_NUMERAL_FOLLOW_RE + "))"
    r"|(?<=百分之)[零〇一二两三四五六七八九十]+"
)
_HAS_CJK_NUMERAL_RE = re.compile(r"[零〇一二两三四五六七八九十百千]")
_THOUSANDS_COMMA_RE = re.compile(r"\d{1,3}(?:,\d{3})+")
_THOUSANDS_DOT_RE = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_MULTIPLIER_RE = re.compile(r"\s?(万|千|亿|k(?![a-z]))")
_MULTIPLIERS = {"万": 1e4, "千": 1e3, "亿": 1e8, "k": 1e3}
_RANGE_GAP_RE = re.compile(r"\s?(?:-|~|to|a|al|bis|até|ate|至|到|and|y|e|und)\s?(?:us\$|r\$|\$|€|£|¥)?\s?$")
_ID_BEFORE_RE = re.compile(
    r"(?:#|\bno\.?|\bnr\.?|\bn[º°]|\bid|\border|\bpedido|\bbestellung|\bbestellnummer|\bticket"
    r"|\bcase|\bcaso|\bnúmero|\bnummer|\bnumber|订单号?|编号|单号|注文番号|番号|注文)\s?[:#]?\s?$"
)
_NEXT_WORD_RE = re.compile(r"[ -]?([a-zà-ÿ]{2,})")
_NEXT_CJK_RE = re.compile(rf" ?(个?[{CJK}])")
_PERCENT_BEFORE_RE = re.compile(r"百分之$")


def _parse_digits(raw: str) -> float:
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return float(raw.replace(thousands, "").replace(decimal, "."))
    if "," in raw:
        if _THOUSANDS_COMMA_RE.fullmatch(raw):
            return float(raw.replace(",", ""))
        return float(raw.replace(",", "."))
    if "." in raw and _THOUSANDS_DOT_RE.fullmatch(raw):
        return float(raw.replace(".", ""))
    return float(raw.replace(" ", ""))


def parse_number(raw: str) -> float:
    """The value of a number as written: digits, a number word or Chinese numerals."""
    if raw[0].isdigit():
        return _parse_digits(raw)
    if raw in units.NUMBER_WORDS:
        return float(units.NUMBER_WORDS[raw])
    if raw in ("a", "an"):
        return 1.0  # "a week": read only before a unit of time
    return units.parse_cjk_numeral(raw)


@dataclass(slots=True)
class _Num:
    value: float
    start: int
    end: int  # end of the number including any multiplier
    is_digits: bool


def _number_matches(norm: str) -> list[re.Match[str]]:
    """Digits everywhere; number words and Chinese numerals only where they could count."""
    found = list(_DIGITS_RE.finditer(norm))
    found += [
        m
        for m in _LATIN_WORD_RE.finditer(norm)
        if m.group() in units.NUMBER_WORDS and norm[m.end() : m.end() + 1] in (" ", "-")
    ]
    found += units.ARTICLE_BEFORE_UNIT_RE.finditer(norm)
    if _HAS_CJK_NUMERAL_RE.search(norm):
        found += _CJK_NUMERAL_RE.finditer(norm)
    return sorted(found, key=lambda m: m.start())


def _numbers(norm: str, taken: list[tuple[int, int]]) -> list[_Num]:
    found: list[_Num] = []
    for match in _number_matches(norm):
        start, end = match.span()
        if any(s <= start < e for s, e in taken):
            continue
        raw = match.group()
        value = parse_number(raw)
        mult = _MULTIPLIER_RE.match(norm, end)
        if mult and raw[0].isdigit():
            value *= _MULTIPLIERS[mult.group(1)]
            end = mult.end()
        found.append(_Num(value, start, end, raw[0].isdigit()))
    return found


def _classify(norm: str, num: _Num) -> Fact | None:
    """What a number is, from what stands right after (and before) it."""
    start, end, value = num.start, num.end, num.value
    before = norm[max(0, start - 20) : start]
    if _PERCENT_BEFORE_RE.search(before):
        return Fact(PERCENTAGE, "", (value,), start - 3, end)
    if match := units.PERCENT_AFTER_RE.match(norm, end):
        return Fact(PERCENTAGE, "", (value,), start, match.end())
    prefix = units.CURRENCY_BEFORE_RE.search(before)
    suffix = units.CURRENCY_AFTER_RE.match(norm, end)
    if prefix or suffix:
        return _amount(value, start, end, prefix, suffix)
    if match := units.DURATION_AFTER_RE.match(norm, end):
        unit = units.duration_unit(match)
        if not (unit == "year" and 1900 <= value <= 2100):
            return Fact(DURATION, unit, (value,), start, match.end())
        return None  # a year ("2024年"), not a length of time
    if not num.is_digits:
        return None
    if _ID_BEFORE_RE.search(before) or (value >= 10000 and norm[start:end].isdigit()):
        return None  # an order id, ticket or phone number: not a claim about the policy
    return _counted(norm, value, start, end)


def _amount(
    value: float, start: int, end: int, prefix: re.Match[str] | None, suffix: re.Match[str] | None
) -> Fact:
    currencies: frozenset[str] = frozenset()
    if prefix:
        currencies = units.currency_codes(prefix.group().strip())
        start = max(0, start - len(prefix.group()))
    if suffix:
        after = units.currency_codes(suffix.group().strip())
        currencies = (currencies & after) or after
        end = suffix.end()
    return Fact(AMOUNT, "", (value,), start, end, currencies)


def _counted(norm: str, value: float, start: int, end: int) -> Fact | None:
    """A bare number: counted by the word after it ("10 photos"), or not comparable."""
    if 1900 <= value <= 2100 and end - start == 4:
        return None  # a year on its own
    unit = ""
    if (word := _NEXT_WORD_RE.match(norm, end)) and word.group(1) not in ALL_STOPWORDS:
        unit = stem(word.group(1))
    elif cjk := _NEXT_CJK_RE.match(norm, end):
        unit = cjk.group(1)
    return Fact(NUMBER, unit, (value,), start, end)


def _merge_ranges(norm: str, facts: list[Fact]) -> list[Fact]:
    """Join "5-7 business days", "$10 to $20", "5至7天" into one fact with two values."""
    merged: list[Fact] = []
    for fact in facts:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and len(prev.values) == 1
            and DATE not in (prev.kind, fact.kind)
            and _RANGE_GAP_RE.fullmatch(norm[prev.end : fact.start])
            and (
                (prev.kind == NUMBER and prev.unit == "" and not prev.currencies)
                or (prev.kind, prev.unit, prev.currencies) == (fact.kind, fact.unit, fact.currencies)
            )
        ):
            merged[-1] = replace(fact, values=(prev.values[0], *fact.values), start=prev.start)
            continue
        merged.append(fact)
    return merged


@lru_cache(maxsize=4096)
def extract_facts(norm: str) -> tuple[Fact, ...]:
    """All checkable facts of a normalised text, in order of appearance."""
    facts = [Fact(DATE, "", keys, start, end) for start, end, keys in units.find_dates(norm)]
    taken = [(f.start, f.end) for f in facts]
    for num in _numbers(norm, taken):
        fact = _classify(norm, num)
        if fact is not None:
            facts.append(fact)
    facts.sort(key=lambda f: f.start)
    # Bare numbers ("5" in "5-7 days") were kept only as possible range ends.
    return tuple(f for f in _merge_ranges(norm, facts) if f.kind != NUMBER or f.unit)
