"""Shared text analysis for the baseline judges: normalisation, tokens, terms, clauses.

Everything here works on a *normalised* copy of a text that has exactly the same length
as the original, so an offset found in the normalised text is an offset into the original
(evidence quotes must point at the response as the user wrote it). Normalisation maps
full-width ASCII (`３０日`), ideographic and no-break spaces, curly quotes and the various
dashes and tildes to plain ASCII, then lower-cases.

Terms are what overlap is measured on: light-stemmed, accent-free words for Latin
scripts, and character bigrams for Chinese and Japanese (which have no spaces), with
function words and purely grammatical kana dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from auditor.judges.stopwords import ALL_STOPWORDS, ZH_FUNCTION_CHARS

# One-to-one character mappings, so normalisation never changes a text's length.
_CHAR_MAP: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII
_CHAR_MAP.update(
    {ord(space): ord(" ") for space in ("\u3000", "\u00a0", "\u202f", "\u2009", "\u2007", "\u2002", "\u2003")}
)
_CHAR_MAP.update({ord(q): ord("'") for q in ("\u2018", "\u2019", "\u00b4", "\u2032")})
_CHAR_MAP.update({ord(q): ord('"') for q in ("\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb")})
_CHAR_MAP.update({ord(d): ord("-") for d in ("\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212")})
_CHAR_MAP.update({ord(t): ord("~") for t in ("\u301c", "\u223c")})
_CHAR_MAP[ord("\uffe5")] = ord("¥")  # full-width yen sign
_CHAR_MAP[ord("\uffe0")] = ord("¢")
_CHAR_MAP[ord("\uffe1")] = ord("£")

_ACCENTS = str.maketrans(
    "áàâãäåāéèêëēíìîïīóòôõöøōúùûüūñçýÿ",
    "aaaaaaaeeeeeiiiiiooooooouuuuuncyy",
)

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006"  # includes 々 and 〆
HIRAGANA = "\u3041-\u309f"
KATAKANA = "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL = "\uac00-\ud7af\u1100-\u11ff"
CJK = HAN + HIRAGANA + KATAKANA

_WORD_RE = re.compile(rf"[^\W\d_{CJK}{HANGUL}]+(?:'[^\W\d_{CJK}{HANGUL}]+)*")
_CJK_RUN_RE = re.compile(rf"[{CJK}]+")
_SCRIPT_RUN_RE = re.compile(rf"[{HAN}]+|[{KATAKANA}]+|[{HIRAGANA}]+")
_HAN_RE = re.compile(rf"[{HAN}]")
_KANA_RE = re.compile(rf"[{HIRAGANA}{KATAKANA}]")
_HANGUL_RE = re.compile(rf"[{HANGUL}]")
_NON_LATIN_RE = re.compile(rf"[{CJK}{HANGUL}]")
_LATIN_RE = re.compile(r"[a-zà-ÿ]")

# Sentence ends: ".!?" before a space, the end or a CJK character (full-width "。！？" are
# folded to ASCII by `normalize`), line breaks, and "|" between the cells of a record.
_SENTENCE_SPLIT_RE = re.compile(rf"[.!?](?=\s|$|[{CJK}])|[。\n|]")
# Clause boundaries: sentence ends, semicolons, colons and commas that do not sit inside a
# number ("1,000", "09:12"). The Chinese enumeration comma "、" is not one: it separates
# the items of a list that a single negation may govern ("不得包含电话、邮箱").
_CLAUSE_SPLIT_RE = re.compile(rf"[.!?](?=\s|$|[{CJK}])|[。\n|;]|,(?!\d)|:(?!\d)")

# Inflection endings of the Latin-script languages, stripped in two passes (plural first,
# then one ending) so that "orders", "order" and "ordered" all come to the same stem.
_DERIVATIONAL = ("ations", "ation", "ments", "ment", "ungen", "ung", "ing", "ed", "en", "er", "e", "a", "o")
_DOUBLE_END_RE = re.compile(r"([bcdfgklmnprstz])\1$")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Fold width, spaces, quotes and dashes to ASCII and lower-case, keeping the length."""
    folded = text.translate(_CHAR_MAP)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    # A few characters lower-case to two (e.g. "İ"); keep those as they are.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


def strip_accents(word: str) -> str:
    """Drop the accents of common Latin letters ("días" -> "dias")."""
    return word.translate(_ACCENTS)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, language-agnostic stem: enough to join "refunds"/"refunded"/"refund"."""
    word = strip_accents(word)
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) >= 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) >= 4:
        for suffix in _DERIVATIONAL:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
    return _DOUBLE_END_RE.sub(r"\1", word)[:7]


class Term(NamedTuple):
    """A content term and where it occurs in the text (a tuple: texts have many)."""

    key: str
    start: int
    end: int


def _cjk_terms(run: str, offset: int) -> list[Term]:
    terms: list[Term] = []
    for sub in _SCRIPT_RUN_RE.finditer(run):
        chunk = sub.group()
        base = offset + sub.start()
        first = chunk[0]
        if "\u3041" <= first <= "\u309f":
            continue  # hiragana runs are particles and inflections
        if "\u30a0" <= first <= "\u30ff" or "\u31f0" <= first <= "\u31ff" or "\uff66" <= first <= "\uff9f":
            if len(chunk) > 1 and chunk != "ー":
                terms.append(Term(chunk, base, base + len(chunk)))
            continue
        if len(chunk) == 1:
            if chunk not in ZH_FUNCTION_CHARS:
                terms.append(Term(chunk, base, base + 1))
            continue
        for i in range(len(chunk) - 1):
            pair = chunk[i : i + 2]
            if pair[0] in ZH_FUNCTION_CHARS and pair[1] in ZH_FUNCTION_CHARS:
                continue
            terms.append(Term(pair, base + i, base + i + 2))
    return terms


@lru_cache(maxsize=4096)
def terms(norm: str) -> tuple[Term, ...]:
    """Content terms of a normalised text, in order, with their offsets.

    Cached: the judges of one item look at the same texts, and a reference or context is
    often shared by many items.
    """
    found: list[Term] = []
    for match in _WORD_RE.finditer(norm):
        word = match.group()
        if len(word) < 2 or word in ALL_STOPWORDS:
            continue
        found.append(Term(stem(word), match.start(), match.end()))
    if has_cjk(norm):
        for run in _CJK_RUN_RE.finditer(norm):
            found.extend(_cjk_terms(run.group(), run.start()))
        found.sort(key=lambda t: t.start)
    return tuple(found)


@lru_cache(maxsize=4096)
def term_set(norm: str) -> frozenset[str]:
    """The distinct term keys of a normalised text."""
    return frozenset(t.key for t in terms(norm))


def join_sentences(parts: list[str], *, cjk: bool) -> str:
    """Sentences put together as their script writes them: no space between Chinese or Japanese ones."""
    return ("" if cjk else " ").join(p.strip() for p in parts if p.strip())


def has_cjk(text: str) -> bool:
    """Whether the text contains any Han or kana character."""
    return _HAN_RE.search(text) is not None or _KANA_RE.search(text) is not None


def count_script(text: str) -> dict[str, int]:
    """How many Han, kana, Hangul and Latin letters a text has."""
    if text.isascii() or _NON_LATIN_RE.search(text) is None:
        return {"han": 0, "kana": 0, "hangul": 0, "latin": len(_LATIN_RE.findall(text))}
    return {
        "han": len(_HAN_RE.findall(text)),
        "kana": len(_KANA_RE.findall(text)),
        "hangul": len(_HANGUL_RE.findall(text)),
        "latin": len(_LATIN_RE.findall(text)),
    }


def words(norm: str) -> list[str]:
    """Latin-script words of a normalised text (no CJK, no digits)."""
    return _WORD_RE.findall(norm)


class Clause(NamedTuple):
    """A clause (or sentence) of a text: its span and its normalised content."""

    start: int
    end: int
    norm: str


def clauses(norm: str) -> list[Clause]:
    """Split a normalised text into clauses, keeping offsets; empty pieces are dropped."""
    return _split(norm, _CLAUSE_SPLIT_RE)


def sentences(norm: str) -> list[Clause]:
    """Split a normalised text into sentences, keeping offsets."""
    return _split(norm, _SENTENCE_SPLIT_RE)


def _split(norm: str, boundary: re.Pattern[str]) -> list[Clause]:
    out: list[Clause] = []
    pos = 0
    for match in boundary.finditer(norm):
        _add_clause(out, norm, pos, match.start())
        pos = match.end()
    _add_clause(out, norm, pos, len(norm))
    return out


def _add_clause(out: list[Clause], norm: str, start: int, end: int) -> None:
    piece = norm[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    start += lead
    out.append(Clause(start, start + len(stripped), stripped))


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with whitespace or punctuation."""
    while start < end and (text[start].isspace() or text[start] in ".,;:!?。，、！？"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:!?。，、！？"):
        end -= 1
    return start, end
