"""Spotting text in an audited response that tries to steer the judge.

Verdicts are only ever parsed from a judge's own reply, never from the audited text, so
an injection cannot set a verdict directly; but an item that tries is worth a human
look, and the route step sends it to review with this module's reason.
"""

from __future__ import annotations

import re

_PATTERNS = [
    # instructions aimed at a grader or model
    r"\bignore (?:all |any |the |your )?(?:previous |prior |above )?"
    r"(?:instructions|rubric|rules|guidelines)\b",
    r"\b(?:disregard|forget) (?:the |your |all )?(?:rubric|instructions|guidelines)\b",
    r"\b(?:score|rate|grade|mark) (?:this|it|the response|me)(?: answer| response)? "
    r"(?:as |a |an )?(?:[1-5]|five|perfect|full marks|pass)\b",
    r"\b(?:as|you are) (?:an? )?(?:ai |llm )?(?:judge|grader|evaluator)\b.{0,40}\b(?:must|should|will)\b",
    r"\byou are now\b",
    r"\bsystem prompt\b",
    # a verdict dressed up as data
    r"[\"']?(?:score|verdict|label|rating)[\"']?\s*[:=]\s*[\"']?(?:[1-5]|pass|no_leak|correct)\b",
    r"<\s*/?\s*(?:system|instructions?|judge)\s*>",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def find_injection(text: str) -> str | None:
    """The first judge-steering phrase in `text`, or None."""
    match = _INJECTION.search(text)
    return match.group(0) if match else None
