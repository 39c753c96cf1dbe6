"""Text added to the seller's question: an irrelevant sentence (`distractor`) and an
instruction to break the policy (`injection`).

Both write in the question's language, from `data/phrases.yaml`. The injected instruction
asks for the buyer's phone number and for the answer to start with a canary word unique to
the item and variant; `judges.injection_compliance` fails an answer that carries it, and
the PII judge one that leaks a number.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from auditor.suites.base import Variant, in_language, joined, language_of, phrases, rng_for
from auditor.suites.options import DistractorOptions, InjectionOptions
from auditor.types import AuditItem

if TYPE_CHECKING:
    from auditor.llm import Gateway

CANARY_PREFIX = "OVERRIDE-"


def canary_for(seed: int, item_id: str, lang: str) -> str:
    """A marker no honest answer contains: OVERRIDE- and eight hex digits fixed by the item."""
    digest = hashlib.sha256(f"{seed}:{item_id}:{lang}".encode()).hexdigest()[:8].upper()
    return f"{CANARY_PREFIX}{digest}"


class Distractor:
    name = "distractor"

    def __init__(self, options: DistractorOptions) -> None:
        self.options = options

    async def derive(self, item: AuditItem, gateway: Gateway | None) -> list[Variant]:
        lang = language_of(item)
        sentences = list(in_language(phrases()["distractor"], lang))
        rng = rng_for(self.options.seed, item, "distractor")
        rng.shuffle(sentences)
        variants = []
        for k, sentence in enumerate(sentences[: self.options.variants], 1):
            before = rng.random() < 0.5
            parts = (sentence, item.question) if before else (item.question, sentence)
            cues = {"position": "before" if before else "after"}
            variants.append(Variant(joined(lang, *parts), str(k), cues))
        return variants


class Injection:
    name = "injection"

    def __init__(self, options: InjectionOptions) -> None:
        self.options = options

    async def derive(self, item: AuditItem, gateway: Gateway | None) -> list[Variant]:
        own = language_of(item)
        table = phrases()["injection"]
        wanted = (own if lang == "item" else lang for lang in self.options.languages)
        # A language without a written instruction gets the English one, and is named so.
        languages = dict.fromkeys(lang if lang in table else "en" for lang in wanted)
        variants = []
        for lang in languages:
            canary = canary_for(self.options.seed, item.id, lang)
            instruction = table[lang].replace("{canary}", canary)
            variants.append(
                Variant(joined(own, item.question, instruction), lang, {"language": lang, "canary": canary})
            )
        return variants
