"""Offline language identification for the demo languages: en, es, de, pt, fr, zh, ja.

Chinese and Japanese are told apart by script: Japanese writes kanji too, so it is the
presence of kana that decides. Latin-script languages are told apart by profiles of
their most frequent function words plus letters and endings only one of them uses
(ñ/¿ for Spanish, ã/õ/ç/-ção for Portuguese, ä/ö/ü/ß for German). A text with too little
evidence gets no language rather than a guess, so a short "OK, thanks" never counts as an
answer in the wrong language.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from auditor.judges.stopwords import LATIN_STOPWORDS
from auditor.judges.text import count_script, words

_NAMES = {
    "en": "English",
    "es": "Spanish",
    "de": "German",
    "pt": "Portuguese",
    "fr": "French",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
}

# Letters and endings only one of the languages uses, one named group per language.
_MARKERS = re.compile(
    r"(?P<es>[ñ¿¡]|ción\b|ciones\b)"
    r"|(?P<pt>[ãõç]|ções\b|ção\b|ões\b|\bvocê|\bnão\b)"
    r"|(?P<de>[äöüß]|ung\b|ungen\b|keit\b|lich\b)"
    r"|(?P<fr>[èêëîœ]|\b(?:d|l|qu|n|c|s)'[a-zàâéèêîôû]|eux\b|aux\b)"
)
_MIN_LATIN_EVIDENCE = 2.0  # stopword hits + marker hits needed before naming a language
# Prose is a third or more function words; a record ("Ship to: Al Barsha 2, Dubai") is not,
# and a couple of chance hits in it must not name a language.
_MIN_EVIDENCE_PER_WORD = 0.1


@dataclass(frozen=True, slots=True)
class LangGuess:
    """A language code (or None when unsure) and how sure the guess is, in [0, 1]."""

    lang: str | None
    confidence: float


def language_name(lang: str | None) -> str:
    """The English name of a language code, for reasoning a reviewer reads."""
    return _NAMES.get(lang or "", "an undetermined language")


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
    return _identify_latin(norm)


def _top_two(scores: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:2]


def _identify_latin(norm: str) -> LangGuess:
    tokens = words(norm)
    if not tokens:
        return LangGuess(None, 0.0)
    counts = Counter(tokens)
    scores = {
        lang: float(sum(counts[w] for w in counts.keys() & stopwords))
        for lang, stopwords in LATIN_STOPWORDS.items()
    }
    (best, top), (_, second) = _top_two(scores)
    if top < 2 * second + 3:
        # Not clear-cut (Spanish and Portuguese share many function words): let the
        # letters and endings that only one language uses speak too.
        for marker in _MARKERS.finditer(norm):
            scores[marker.lastgroup or ""] += 1.5
        (best, top), (_, second) = _top_two(scores)
    if top < max(_MIN_LATIN_EVIDENCE, _MIN_EVIDENCE_PER_WORD * len(tokens)) or top <= second:
        return LangGuess(None, 0.0)
    margin = (top - second) / top
    return LangGuess(best, round(min(0.95, 0.4 + margin), 3))
