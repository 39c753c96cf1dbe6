"""Named entities and person roles that the source replaces with another of their kind.

"The warehouse is in Lisbon" against a source saying "the warehouse is in Madrid" shares
nearly every word, yet states the wrong place; "the tenant pays" for "the landlord pays"
names the wrong party. Two kinds of mention are compared:

- *Names* (capitalised words not opening a sentence, or words written capitalised in the
  middle of a sentence): their kind comes from where they stand, a place after a locative
  preposition ("in", "nach", "à", "em", ...), an organisation when the name holds an
  organisation word ("Bank", "Council", "GmbH", ...), a programme when one follows it
  ("the Premium programme").
- *Person roles* from a lexicon of counterpart roles (landlord/tenant, buyer/seller,
  employer/employee, sender/recipient, lender/borrower) in the Latin-script languages.

A mention the source never makes is a conflict when the source has another mention of the
same kind, which the response does not make, in a sentence about the same thing (sharing
a content word with the response's sentence). A name the source simply lacks is not a
conflict here: the grounded support measure already counts it as unsupported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from auditor.judges.stopwords import ALL_STOPWORDS
from auditor.judges.text import normalize, sentences, stem, term_set

ENTITY_MISMATCH = "entity_mismatch"

_ROLE_GROUPS: tuple[tuple[str, str], ...] = (
    (
        "landlord vermieter vermieterin bailleur propriétaire arrendador casero senhorio locador "
        "locatore verhuurder",
        "tenant mieter mieterin locataire inquilino arrendatario locatário locatario conduttore huurder",
    ),
    (
        "buyer purchaser käufer käuferin acheteur acheteuse comprador compradora acquirente koper",
        "seller vendor verkäufer verkäuferin vendeur vendeuse vendedor vendedora venditore verkoper",
    ),
    (
        "employer arbeitgeber employeur empleador empregador werkgever",
        "employee arbeitnehmer salarié empleado empregado dipendente werknemer",
    ),
    (
        "sender absender expéditeur remitente remetente mittente afzender",
        "recipient addressee empfänger destinataire destinatario destinatário ontvanger",
    ),
    (
        "lender darlehensgeber prêteur prestamista credor prestatore",
        "borrower darlehensnehmer emprunteur prestatario devedor mutuatario",
    ),
)
_ROLE_OF: dict[str, tuple[int, int]] = {}
for _group, _sides in enumerate(_ROLE_GROUPS):
    for _side, _words in enumerate(_sides):
        for _word in _words.split():
            _ROLE_OF[_word] = (_group, _side)
            _ROLE_OF[_word + "s"] = (_group, _side)

_LOCATIVE = frozenset(
    str.split("in at from to near into en em no na nos nas à au aux a da dal nel nach aus bei zu im")
)
_ORG_WORDS = frozenset(
    str.split(
        "bank council ministry university inc ltd llc plc gmbh ag sa corp company group airlines airways "
        "agency authority office police court hospital school club union"
    )
)
_PROGRAMME_AFTER_RE = re.compile(
    r"\s+(?:programme|program|programm|programa|scheme|plan|initiative|service)\b"
)
_NAME_RE = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'&.-]*(?:\s+(?:of\s+|de\s+|del\s+)?[A-ZÀ-ÖØ-Þ][\w'&.-]*)*")
_WORD_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Mention:
    """A name or a role in a text: its kind, the words it is compared by, and its span."""

    kind: str  # "place", "organisation", "programme" or "role:<group>"
    key: str
    start: int
    end: int
    sentence: int  # index of its sentence


@dataclass(frozen=True, slots=True)
class EntityConflict:
    """A response mention the source replaces with another of the same kind."""

    mention: Mention
    other: Mention

    @property
    def kind(self) -> str:
        return self.mention.kind.split(":")[0]


def _name_kind(text: str, match: re.Match[str]) -> str | None:
    words = match.group().lower().split()
    if _ORG_WORDS.intersection(w.strip(".") for w in words):
        return "organisation"
    if _PROGRAMME_AFTER_RE.match(text, match.end()):
        return "programme"
    before = _WORD_RE.findall(text[max(0, match.start() - 12) : match.start()].lower())
    if before and before[-1] in _LOCATIVE:
        return "place"
    return None


@lru_cache(maxsize=2048)
def mentions(text: str) -> tuple[tuple[Mention, ...], tuple[frozenset[str], ...]]:
    """The names and roles of a text (as written, not normalised), and each sentence's terms."""
    found: list[Mention] = []
    spans = sentences(normalize(text))
    contexts = tuple(term_set(s.norm) for s in spans)
    for index, sentence in enumerate(spans):
        piece = text[sentence.start : sentence.end]
        for match in _NAME_RE.finditer(piece):
            if match.start() == 0 or match.group().lower() in ALL_STOPWORDS:
                continue  # a capital opening a sentence says nothing
            kind = _name_kind(piece, match)
            if kind is not None:
                start = sentence.start + match.start()
                found.append(Mention(kind, match.group().lower(), start, start + len(match.group()), index))
        for word in _WORD_RE.finditer(piece.lower()):
            if (role := _ROLE_OF.get(word.group())) is not None:
                start = sentence.start + word.start()
                found.append(
                    Mention(f"role:{role[0]}", str(role[1]), start, start + len(word.group()), index)
                )
    return tuple(found), contexts


def _said_in(mention: Mention, text_lower: str, others: tuple[Mention, ...]) -> bool:
    if mention.kind.startswith("role:"):
        return any(o.kind == mention.kind and o.key == mention.key for o in others)
    return mention.key in text_lower


def find_entity_conflicts(response: str, source: str) -> list[EntityConflict]:
    """Response names and roles the source replaces with another of the same kind."""
    mine, my_contexts = mentions(response)
    if not mine:
        return []
    theirs, their_contexts = mentions(source)
    response_lower, source_lower = normalize(response), normalize(source)
    conflicts: list[EntityConflict] = []
    for mention in mine:
        if _said_in(mention, source_lower, theirs):
            continue
        rivals = [
            other
            for other in theirs
            if other.kind == mention.kind
            and not _said_in(other, response_lower, mine)
            and _about_the_same(my_contexts[mention.sentence], their_contexts[other.sentence], mention, other)
        ]
        if rivals:
            conflicts.append(EntityConflict(mention, rivals[0]))
    return conflicts


def _about_the_same(mine: frozenset[str], theirs: frozenset[str], a: Mention, b: Mention) -> bool:
    names = {stem(w) for w in (a.key + " " + b.key).split()}
    return bool((mine & theirs) - names)
