"""Offline language identification for the marketplace languages.

Chinese, Japanese and Korean are told apart by script, which is cheap and certain:
Japanese writes kanji too, so it is the presence of kana that decides. Every other text
goes to `lingua` (the models ship inside its wheel; nothing is downloaded), restricted to
the marketplace languages and in its low-accuracy mode: its trigram models load in a
quarter of a second where the full models take five, and on sentences (not single
words) it is as good for this purpose. The detector is built on first use.

A text with too little evidence gets no language rather than a guess, so a short
"OK, thanks" or an address never counts as an answer in the wrong language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from auditor.judges.text import clauses, count_script, words

if TYPE_CHECKING:
    from lingua import LanguageDetector

_NAMES = {
    "en": "English",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
    "pl": "Polish",
    "tr": "Turkish",
    "ar": "Arabic",
    "hi": "Hindi",
}
MARKETPLACE_LANGUAGES = tuple(_NAMES)
# Prose has a clause of three words or more; a greeting ("OK, thanks") or a record
# ("Ship to: Al Barsha 2, Dubai | Status: failed") has none, and is no evidence of a language.
_MIN_WORDS = 3
_MIN_CONFIDENCE = 0.5  # lingua's share of the top language among the candidates


@dataclass(frozen=True, slots=True)
class LangGuess:
    """A language code (or None when unsure) and how sure the guess is, in [0, 1]."""

    lang: str | None
    confidence: float


def language_name(lang: str | None) -> str:
    """The English name of a language code, for reasoning a reviewer reads."""
    return _NAMES.get(lang or "", "an undetermined language")


@cache
def _detector() -> LanguageDetector:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in MARKETPLACE_LANGUAGES
    ]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


@lru_cache(maxsize=4096)
def identify(norm: str) -> LangGuess:
    """Identify the language of a normalised text (see `auditor.judges.text.normalize`)."""
    script = count_script(norm)
    cjk = script["han"] + script["kana"]
    # A CJK character carries about as much as a short Latin word.
    latin_weight = script["latin"] / 4
    if script["hangul"] > max(cjk, latin_weight):
        return LangGuess("ko", 0.9)
    if cjk >= 2 and cjk >= latin_weight:
        if script["kana"] >= max(1, 0.1 * cjk):
            return LangGuess("ja", 0.95)
        if script["kana"] == 0:
            return LangGuess("zh", 0.95)
        return LangGuess("zh", 0.6)
    if max((len(words(c.norm)) for c in clauses(norm)), default=0) < _MIN_WORDS:
        return LangGuess(None, 0.0)
    ranked = _detector().compute_language_confidence_values(norm)
    if not ranked or ranked[0].value < _MIN_CONFIDENCE:
        return LangGuess(None, 0.0)
    best = ranked[0]
    return LangGuess(best.language.iso_code_639_1.name.lower(), round(min(0.95, best.value), 3))
