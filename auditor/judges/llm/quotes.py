"""Finding a judge's quote in the response it quotes, forgiving only how models copy.

A model wraps quotes in quotation marks, changes the case or the spacing, or cuts them
with an ellipsis. A quote is looked up as written, then with those differences ignored.
"""

from __future__ import annotations

import re

NOT_FOUND = "not found in response"
_WRAPPING = " \t\r\n\"'“”‘’«»「」『』"
_ELLIPSIS = re.compile(r"^(?:\.\.\.|…)\s*|\s*(?:\.\.\.|…)$")


def locate(response: str, quote: str) -> tuple[int, int] | None:
    """The span of `response` that `quote` copies, or None."""
    at = response.find(quote) if quote else -1
    if at >= 0:
        return at, at + len(quote)
    core = _ELLIPSIS.sub("", quote.strip(_WRAPPING)).strip(_WRAPPING)
    if not core:
        return None
    pattern = r"\s+".join(re.escape(word) for word in core.split())
    match = re.search(pattern, response, re.IGNORECASE)
    return (match.start(), match.end()) if match else None
