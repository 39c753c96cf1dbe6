"""Keeping the English NER model's output only where it can be trusted.

The spaCy model is English. On German or Portuguese prose it tags ordinary phrases as
people ("Genehmigen Sie", "prazo de devolução"), and on Chinese or Japanese it tags
whole sentences. So: in CJK text its entities are dropped; in Latin-script text that is
plainly not English, only PERSON spans shaped like a full name survive (two to four
capitalised words, none of them a function word); in English, PERSON spans must at
least start with a capital and hold no digit and no word that is never a name
("Seller Hub"). The rule-based recognizers (titles, cue phrases, CJK surnames) are
multilingual and are not filtered.
"""

from __future__ import annotations

import regex  # type: ignore[import-untyped]  # no stubs; see docs/pii.md

from auditor.pii.context import words
from auditor.pii.recognizers.names import NOT_NAME_WORDS
from auditor.pii.spans import NER_RECOGNIZER, Detection

_ENGLISH = frozenset(
    words(
        "the and to of a in is you your for that it on with are be this as at have can or will not if "
        "from by we an our they their has was were been would should please"
    )
)
# Frequent function words of the other Latin-script languages sellers write in.
_OTHER = (
    frozenset(
        words(
            "der die das und ist nicht sie ich ein eine den dem des zu mit auf für von wird sind ihr ihre "
            "el la los las que y en por para con una un del al es se su lo como pero más le les "
            "o os as um uma não você do da dos das em no na é com ao pelo pela "
            "et est vous pour dans une sur pas qui au du ce cette avec "
            "il di che e per non sono della gli "
            # question words and possessives that open short questions ("Mein Konto", "Wie ...")
            "mein meine meinen bei wie welche welcher was wer wo warum über unser dass wenn auch "
            "mi mis tu tus cómo qué cuál dónde cuándo este esta meu minha qual onde quando "
            "mon ma mes comment quel quelle où quand pourquoi"
        )
    )
    - _ENGLISH
)
_LATIN_WORD = regex.compile(r"\p{Latin}+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
# Endings no given name or surname has, but German, Portuguese and Spanish nouns do.
_FOREIGN_NOUN = regex.compile(r"(?:ungen|keit|heit|lich|ção|ções|ción|ciones)$", regex.IGNORECASE)
# Letters English does not use: with a foreign function word, they settle the language.
_FOREIGN_LETTERS = regex.compile(r"[äöüßñãõçœ]")
_NAME_WORD = regex.compile(r"\p{Lu}(?:[\p{Ll}\p{M}'’\-]*\p{Ll})?\p{M}?|\p{Lu}\.")  # ends in a letter


def english_enough(text: str) -> bool | None:
    """True for English, False for CJK or plainly other-language prose, None when unsure."""
    latin = _LATIN_WORD.findall(text)
    cjk = len(_CJK.findall(text))
    if cjk and cjk * 4 >= sum(len(w) for w in latin):
        return False  # a CJK character carries about as much as a short Latin word
    lowered = [w.casefold() for w in latin]
    english = sum(w in _ENGLISH for w in lowered)
    other = sum(w in _OTHER or bool(_FOREIGN_LETTERS.search(w)) for w in lowered)
    if other >= 3 and other > english:
        return False
    return True if english >= 2 else None


def keep_ner(det: Detection, language: bool | None) -> bool:
    """Whether an NER detection survives in text judged English (True), not (False), unsure (None)."""
    if det.recognizer != NER_RECOGNIZER:
        return True
    if language is False:
        return det.entity_type == "PERSON" and _full_name(det.text)
    if det.entity_type == "PERSON":
        parts = det.text.split()
        return (
            det.text[:1].isupper()
            and not any(c.isdigit() for c in det.text)
            and not any(_never_in_a_name(p) for p in parts)
        )
    return True


def _never_in_a_name(word: str) -> bool:
    """A word that marks a phrase, not a name: "Mein Konto", "Doppelte Zahlungen", "Seller Hub"."""
    return word in NOT_NAME_WORDS or word.casefold() in _OTHER or bool(_FOREIGN_NOUN.search(word))


def _full_name(text: str) -> bool:
    parts = text.split()
    return (
        2 <= len(parts) <= 4
        and all(_NAME_WORD.fullmatch(p) for p in parts)
        and not any(_never_in_a_name(p) or p.casefold() in _ENGLISH for p in parts)
    )
