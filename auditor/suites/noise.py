"""Sloppy typing: `typos` (keyboard neighbours, dropped letters) and `casing_punctuation`.

Only letters change: digits, currency signs and the points and commas inside numbers are
the facts of a question ("$40", "0.30") and stay as they are. The first letter of a word
and words shorter than four letters stay too, as they do in most real typos.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING

from auditor.suites.base import Variant, rng_for
from auditor.suites.options import CasingPunctuationOptions, TyposOptions
from auditor.types import AuditItem

if TYPE_CHECKING:
    from auditor.llm import Gateway

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_WORD = re.compile(r"(?<![\w$])[A-Za-z]{4,}(?![\w])")
# Punctuation, except a point or comma between two digits.
_PUNCT = re.compile(r"(?<!\d)[.,]|[.,](?!\d)|[!?;:¿¡。，！？、；：]")


def _neighbours() -> dict[str, str]:
    """The keys beside each letter on a QWERTY keyboard (same row and the rows above and below)."""
    where = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
    return {
        c: "".join(o for o, (r2, i2) in where.items() if o != c and abs(r2 - r) <= 1 and abs(i2 - i) <= 1)
        for c, (r, i) in where.items()
    }


NEIGHBOURS = _neighbours()


def misspell(text: str, rate: float, rng: random.Random) -> str | None:
    """`text` with a `rate` share (at least one) of its eligible letters mistyped or dropped."""
    eligible = [m.start() + k for m in _WORD.finditer(text) for k in range(1, len(m.group()))]
    if not eligible:
        return None
    count = max(1, round(rate * len(eligible)))
    chosen = set(rng.sample(eligible, count))
    out = []
    for i, char in enumerate(text):
        if i not in chosen:
            out.append(char)
        elif rng.random() < 0.5:
            swap = rng.choice(NEIGHBOURS[char.lower()])
            out.append(swap.upper() if char.isupper() else swap)
        # else: the letter is dropped
    return "".join(out)


class Typos:
    name = "typos"

    def __init__(self, options: TyposOptions) -> None:
        self.options = options

    async def derive(self, item: AuditItem, gateway: Gateway | None) -> list[Variant]:
        variants = []
        for k in range(1, self.options.variants + 1):
            rng = rng_for(self.options.seed, item, f"typos.{k}")
            text = misspell(item.question, self.options.rate, rng)
            if text is not None and text != item.question:
                variants.append(Variant(text, str(k)))
        return variants


def lower_without_punctuation(text: str) -> str:
    """All lower case, punctuation dropped (a point or comma inside a number kept), spaces folded."""
    return " ".join(_PUNCT.sub("", text).lower().split())


class CasingPunctuation:
    name = "casing_punctuation"

    def __init__(self, options: CasingPunctuationOptions) -> None:
        self.options = options

    async def derive(self, item: AuditItem, gateway: Gateway | None) -> list[Variant]:
        question = item.question
        candidates = [("lower", lower_without_punctuation(question)), ("upper", question.upper())]
        return [Variant(text, key) for key, text in candidates if text != question]
