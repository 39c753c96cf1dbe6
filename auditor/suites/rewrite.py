"""Asking the same question in other words: `paraphrase` and `code_switch`.

`paraphrase` reframes the question with templates written for each language (and spells
out English contractions), with no model; `model: true` adds a model's rewording. A
`code_switch` asks the question in the marketplace's other languages: from the item's
`metadata.translations` (`{"fr": "..."}`), else, with `model: true`, translated by a model.
Model rewrites go through the gateway with `prompts/rewrite_question.yaml`, so they are
cached, recorded and replayed like every other call; one that fails is skipped, not faked.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

from pydantic import Field

from auditor.judges.lang import language_name
from auditor.suites.base import Variant, in_language, language_of, phrases, rng_for
from auditor.suites.options import CodeSwitchOptions, ParaphraseOptions
from auditor.templates import PACKAGE_DIR, PromptTemplate, load_prompt
from auditor.types import AuditItem, StrictModel

if TYPE_CHECKING:
    from auditor.llm import Gateway

log = logging.getLogger(__name__)
PROMPT = PACKAGE_DIR / "prompts" / "rewrite_question.yaml"


class Rewrite(StrictModel):
    """A model's rewritten question."""

    text: str = Field(min_length=1)


def template_paraphrases(item: AuditItem, count: int, seed: int) -> list[str]:
    """`count` reframings of the question from its language's templates, in a seeded order."""
    lang = language_of(item)
    question = _expand(item.question.strip(), lang)
    templates = list(in_language(phrases()["paraphrase"], lang))
    rng_for(seed, item, "paraphrase").shuffle(templates)
    return [t.replace("{q}", question) for t in templates[:count]]


def _expand(question: str, lang: str) -> str:
    for short, full in phrases().get("expansions", {}).get(lang, {}).items():
        question = question.replace(short, full)
    return question


async def model_rewrite(gateway: Gateway, question: str, task: str, purpose: str) -> str | None:
    """The model's rewrite of `question`, or None (logged) when it gave none that can be used."""
    messages = _prompt().render(task=task, question=question)
    result = await gateway.complete(messages, Rewrite, purpose=purpose)
    if result.parsed is None:
        log.warning("%s: no usable rewrite (%s); the variant is skipped", purpose, result.unscored_reason)
        return None
    return result.parsed.text.strip()


@cache
def _prompt() -> PromptTemplate:
    return load_prompt(PROMPT)


class Paraphrase:
    name = "paraphrase"

    def __init__(self, options: ParaphraseOptions) -> None:
        self.options = options

    async def derive(self, item: AuditItem, gateway: Gateway | None) -> list[Variant]:
        texts = template_paraphrases(item, self.options.variants, self.options.seed)
        variants = [Variant(t, str(k)) for k, t in enumerate(texts, 1) if t != item.question]
        if self.options.model and gateway is not None:
            lang = language_name(language_of(item))
            task = f"Reword the question in {lang}, in different words and sentence order."
            text = await model_rewrite(gateway, item.question, task, "suite:paraphrase")
            if text and text != item.question:
                variants.append(Variant(text, "model", {"source": "model"}))
        return variants


class CodeSwitch:
    name = "code_switch"

    def __init__(self, options: CodeSwitchOptions) -> None:
        self.options = options

    def languages(self, item: AuditItem) -> list[str]:
        """The item's marketplace's languages other than its own."""
        own = language_of(item)
        market = str(item.metadata.get("marketplace", "")).upper()
        return [lang for lang in self.options.languages.get(market, []) if lang != own]

    async def derive(self, item: AuditItem, gateway: Gateway | None) -> list[Variant]:
        supplied = item.metadata.get("translations")
        translations = supplied if isinstance(supplied, dict) else {}
        variants = []
        for lang in self.languages(item):
            text, source = translations.get(lang), "item"
            if not (isinstance(text, str) and text.strip()) and self.options.model and gateway is not None:
                task = f"Translate the question into {language_name(lang)}, as a seller would write it."
                text, source = await model_rewrite(gateway, item.question, task, "suite:code_switch"), "model"
            if isinstance(text, str) and text.strip():
                variants.append(Variant(text.strip(), lang, {"language": lang, "source": source}))
        return variants
