"""Plain-text helpers shared by the recognizers and the run process: word lists,
context-word regexes, spelled-out email addresses.

Nothing here imports Presidio or spaCy: with detection in worker processes, the run
process traces spans to their sources and reads business cues with these alone, and
never loads the NLP stack (about 60 MB and a second of start-up).
"""

from __future__ import annotations

from collections.abc import Sequence

import regex  # type: ignore[import-untyped]  # no stubs; see docs/pii.md

CONTEXT_WINDOW = 48  # characters before a match searched for a context word


def words(text: str) -> tuple[str, ...]:
    """The space-separated words of `text`: long word lists read better as one string."""
    return tuple(text.split())


def context_regex(words: Sequence[str]) -> regex.Pattern[str] | None:
    """One regex for a list of context words, with word boundaries for alphabetic scripts.

    CJK words get no boundary: those scripts do not separate words with spaces.
    """
    if not words:
        return None
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = regex.escape(word.casefold())
        if word[:1].isascii() and word[:1].isalnum():
            escaped = rf"(?<![\p{{Latin}}\d]){escaped}"
        if word[-1:].isascii() and word[-1:].isalnum():
            escaped = rf"{escaped}(?![\p{{Latin}}\d])"
        parts.append(escaped)
    return regex.compile("|".join(parts), regex.VERSION1)


def has_context(
    pattern: regex.Pattern[str] | None, text: str, start: int, window: int = CONTEXT_WINDOW
) -> bool:
    """Whether a context word occurs in the `window` characters before `start`."""
    if pattern is None:
        return False
    return pattern.search(text[max(0, start - window) : start].casefold()) is not None


# An address spelled out in words to slip past filters: "john dot smith at gmail dot com",
# "juan punto perez arroba gmail punto com", "max punkt muster at web punkt de",
# "ahmet nokta yilmaz et işareti gmail nokta com". The words for "." and "@" per language
# (en, es, pt, de, fr, it, nl, pl, tr), bracketed forms ("[at]", "(dot)") too.
_DOT_WORDS = r"dot|punto|ponto|punkt|point|punt|kropka|nokta"
_AT_WORDS = (
    r"at|arroba|arobase|chez|chiocciola|at-zeichen|klammeraffe|apenstaartje|małpa|malpa"
    r"|(?:@|et)[ \t]+işareti"
)
SPELLED_DOT = rf"(?:[ \t]*[(\[][ \t]*(?:{_DOT_WORDS})[ \t]*[)\]][ \t]*|[ \t]+(?:{_DOT_WORDS})[ \t]+|\.)"
SPELLED_AT = (
    rf"(?:[ \t]*[(\[][ \t]*(?:{_AT_WORDS})[ \t]*[)\]][ \t]*|[ \t]+(?:{_AT_WORDS})[ \t]+|[ \t]*@[ \t]*)"
)
_SPELLED_DOT_RE = regex.compile(SPELLED_DOT, regex.IGNORECASE)
_SPELLED_AT_RE = regex.compile(SPELLED_AT, regex.IGNORECASE)


def spelled_out_email(text: str) -> str:
    """The address a spelled-out email stands for: "a dot b at c dot com" -> "a.b@c.com"."""
    return str(_SPELLED_DOT_RE.sub(".", _SPELLED_AT_RE.sub("@", text, count=1))).casefold()
