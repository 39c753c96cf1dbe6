"""A Presidio recognizer driven by declarative rules: regex, validator, context words.

Presidio's own `PatternRecognizer` scores a validated match 1.0 and a failed one 0, and
leaves context to the lemma-based enhancer, which only understands English tokens. The
marketplaces auditor serves write in German, Japanese, Chinese..., so context here is a
plain case-folded look-behind over characters, and a failed checksum drops the match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex  # type: ignore[import-untyped]  # no stubs; see docs/pii.md
from presidio_analyzer import LocalRecognizer, RecognizerResult

from auditor.pii.context import context_regex, has_context
from auditor.pii.validators import Check, Validator

# Identifier boundaries: not next to an ASCII letter or digit. Not "\\b" or "\\w": those
# count Han and kana as word characters, and in Chinese or Japanese text a number
# follows a character directly ("身份证号为110105...").
START = r"(?<![0-9A-Za-z_])"
END = r"(?![0-9A-Za-z_])"
START_NUM = r"(?<![0-9A-Za-z_.-])"  # nor inside a dotted or dashed number
END_NUM = r"(?![0-9A-Za-z_-])"


@dataclass(frozen=True)
class Rule:
    """One way to recognise one entity type.

    `score` applies to a bare match, `context_score` when a context word precedes it.
    With `requires_context` a match without context is dropped (a bare 12-digit number is
    not a tracking number); an `anti_context` word (and no context word) drops it too.
    `shrink` retries a failed validation without the last space-separated chunk, for
    spaced formats that may run into a following word or number ("GB82 WEST ... 32 for").
    `group` names the regex group holding the entity.
    """

    name: str
    entity: str
    pattern: str
    score: float
    validator: Validator | None = None
    context: Sequence[str] = ()
    context_score: float | None = None
    requires_context: bool = False
    anti_context: Sequence[str] = ()
    shrink: bool = False
    flags: int = 0
    group: int | str = 0
    compiled: regex.Pattern[str] = field(init=False, repr=False, compare=False)
    context_re: regex.Pattern[str] | None = field(init=False, repr=False, compare=False)
    anti_context_re: regex.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", regex.compile(self.pattern, self.flags | regex.VERSION1))
        object.__setattr__(self, "context_re", context_regex(self.context))
        object.__setattr__(self, "anti_context_re", context_regex(self.anti_context))

    def validate(self, text: str, start: int, end: int) -> tuple[int, Check]:
        """The end of the longest valid prefix (shrinking if allowed) and its check result."""
        if self.validator is None:
            return end, Check.INVALID
        while True:
            check = self.validator(text[start:end])
            if check is not Check.INVALID or not self.shrink:
                return end, check
            cut = text.rfind(" ", start, end)
            if cut <= start:
                return end, check
            end = cut


def result(
    entity: str, start: int, end: int, score: float, recognizer: str, check: Check
) -> RecognizerResult:
    """A Presidio result carrying our metadata: who found it and how it was validated."""
    metadata: dict[str, Any] = {
        RecognizerResult.RECOGNIZER_NAME_KEY: recognizer,
        "validated": check >= Check.STRUCTURE,
        "checksum": check == Check.CHECKSUM,
    }
    return RecognizerResult(entity, start, end, score, recognition_metadata=metadata)


class RuleRecognizer(LocalRecognizer):
    """Runs a list of `Rule`s over the text; one recognizer per family of identifiers."""

    def __init__(self, name: str, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.label = name  # Presidio sets `name` too, but untyped
        entities = sorted({r.entity for r in self.rules})
        super().__init__(supported_entities=entities, name=name, supported_language="en")

    def load(self) -> None:
        """Nothing to load: the rules compile their regexes when they are built."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        """Every rule match that passes its validator and context requirement."""
        wanted = set(entities or self.supported_entities)
        found: list[RecognizerResult] = []
        for rule in self.rules:
            if rule.entity in wanted:
                found.extend(self._apply(rule, text))
        return found

    def _apply(self, rule: Rule, text: str) -> list[RecognizerResult]:
        out = []
        for match in rule.compiled.finditer(text):
            start, end = match.span(rule.group)
            if start < 0 or end <= start:
                continue
            end, check = rule.validate(text, start, end)
            if rule.validator and check is Check.INVALID:
                continue  # a near miss: right shape, wrong check digit or impossible date
            score = rule.score
            if has_context(rule.context_re, text, start):
                score = rule.context_score if rule.context_score is not None else score
            elif rule.requires_context or has_context(rule.anti_context_re, text, start):
                continue
            out.append(result(rule.entity, start, end, score, f"{self.label}:{rule.name}", check))
        return out
