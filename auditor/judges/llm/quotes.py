"""Finding a judge's quote in the response it quotes, forgiving only how models copy.

A model wraps quotes in quotation marks, changes the case or the spacing (also around
punctuation: "edinburgh." for "edinburgh ."), swaps typographic characters (’ for ',
— for -), or cuts them with an ellipsis. A quote is looked up as written, then with those
differences ignored. Every word and punctuation mark of the quote must still be in the
response, in order and next to each other: a paraphrase is never found.
"""

from __future__ import annotations

import re
from itertools import pairwise

NOT_FOUND = "not found in response"
_WRAPPING = " \t\r\n\"'“”‘’«»「」『』"
_ELLIPSIS = re.compile(r"^(?:\.\.\.|…)\s*|\s*(?:\.\.\.|…)$")
# A word (letters, digits, underscore) or one other visible character.
_TOKEN = re.compile(r"\w+|[^\w\s]")
# Characters models type in place of the response's own; each class matches all of them.
_SAME_CHARACTER = ("'’‘`´", '"“”„«»', "-‐‑‒–—―", "…")


def locate(response: str, quote: str) -> tuple[int, int] | None:
    """The span of `response` that `quote` copies, or None."""
    at = response.find(quote) if quote else -1
    if at >= 0:
        return at, at + len(quote)
    core = _ELLIPSIS.sub("", quote.strip(_WRAPPING)).strip(_WRAPPING)
    tokens = _TOKEN.findall(core)
    if not tokens:
        return None
    match = re.search(_pattern(tokens), response, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def _pattern(tokens: list[str]) -> str:
    """The tokens in order: whitespace between two words, optional whitespace at punctuation."""
    out = [_token_pattern(tokens[0])]
    for before, token in pairwise(tokens):
        between_words = _is_word(before) and _is_word(token)
        out.append(r"\s+" if between_words else r"\s*")
        out.append(_token_pattern(token))
    return "".join(out)


def _token_pattern(token: str) -> str:
    if _is_word(token):
        return re.escape(token)
    for same in _SAME_CHARACTER:
        if token in same:
            return f"[{re.escape(same)}]"
    return re.escape(token)


def _is_word(token: str) -> bool:
    return bool(re.match(r"\w", token))
