"""Flips of polarity between a response and a reference.

A *flip* is a response clause that asserts what a reference clause denies, or denies what
it asserts: reference "you cannot relist the item", response "you can relist the item".
It is found in three steps:

1. A clause is negative when it holds a negation cue of its language ("not", "nicht",
   "kein", "não", "不", "没", "ません", "instead of", ...), once fixed phrases that contain
   a cue without denying anything ("no later than", "不超过", "なければなりません") are
   blanked out. Clauses under a condition ("if no units were received") assert nothing
   and are skipped.
2. The term a cue governs (the next content term; the previous one when none follows,
   as in Japanese "再出品できません") is the denied *head*.
3. A head that appears in a clause of the other text with the opposite polarity is a
   flip when the two sentences around them also share at least two other content terms
   or facts, i.e. they are about the same thing.

A leading yes/no answer that differs ("Yes." against "No.") is a flip too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from auditor.judges.stopwords import ZH_FUNCTION_CHARS
from auditor.judges.text import Clause, Term, clauses, sentences, terms


def _any_word(words: str, extra: str = "") -> re.Pattern[str]:
    """A pattern matching any of the "|"-separated words or phrases, as whole words."""
    alternatives = "|".join(re.escape(w).replace("\\ ", " ") for w in words.split("|"))
    return re.compile(rf"\b(?:{alternatives})\b" + extra)


_CUES: dict[str, re.Pattern[str]] = {
    "en": _any_word(
        "not|no|never|cannot|none|nor|neither|nothing|unable|without|instead of|rather than"
        "|avoid|exempt|prohibited|forbidden|removes|waives|waived|eliminates",
        r"|n't\b|\bnon-",
    ),
    "es": _any_word(
        "no|nunca|jamás|ni|ningún|ninguno|ninguna|nada|tampoco|sin|en lugar de|en vez de"
        "|evite|evita|exento|exenta|prohibido|prohibida|elimina|suprime"
    ),
    "pt": _any_word(
        "não|nao|nunca|jamais|nem|nenhum|nenhuma|nada|sem|em vez de|ao invés de"
        "|evite|evitar|isento|isenta|dispensado|dispensada|proibido|proibida|elimina|dispensa"
    ),
    "de": _any_word(
        "nicht|kein|keine|keinen|keinem|keiner|keines|nie|niemals|nichts|ohne|statt|anstatt"
        "|vermeiden|befreit|verboten|untersagt|entfällt|entfallen"
    ),
    "fr": _any_word(
        "ne|n'|pas|jamais|aucun|aucune|rien|sans|au lieu de|évitez|exonéré|interdit|interdite"
        "|supprime|remplace"
    ),
    "zh": re.compile(r"不|没|無|无|未|别|勿|禁止|非|而不是|避免|免除|免收"),
    "ja": re.compile(r"ない|ません|できず|せず|不可|禁止|なし|無し|不要|代わりに|避け"),
}
_NOT_A_DENIAL: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:no|not) (?:later|more|less|fewer|earlier|longer) than\b|\bnot only\b|\bno problem\b"
        r"|\bno matter\b|\bnot necessarily\b"
    ),
    "es": re.compile(r"\bno (?:solo|sólo|más tarde de|más de)\b|\bno hay problema\b"),
    "pt": re.compile(r"\bnão (?:só|apenas|mais de|mais tarde)\b|\bsem problema"),
    "de": re.compile(r"\bnicht nur\b|\bnicht später als\b|\bkein problem\b|\bnicht mehr als\b"),
    "fr": re.compile(r"\bne \w+ que\b|\bpas de problème\b|\bnon seulement\b"),
    "zh": re.compile(
        r"不超过|不少于|不晚于|不迟于|不低于|不高于|不过|不仅|不同|不错|不断|不久|无论|没问题|不客气"
        r"|非常|别人|并非不"
    ),
    "ja": re.compile(
        r"なければならない|なければなりません|なくてはならない|なければいけません|ないといけません"
        r"|かもしれません|構いません|かまいません|すみません|申し訳ありません|少ない|ないか"
    ),
}
_CONDITION: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b(?:if|unless|whether)\b"),
    "es": re.compile(r"\b(?:si|a menos que|salvo que)\b"),
    "pt": re.compile(r"\b(?:caso|a menos que|se (?:você|o|a|os|as|estiver|for|houver|tiver|não))\b"),
    "de": re.compile(r"\b(?:wenn|falls|sofern|ob)\b"),
    "fr": re.compile(r"\b(?:si|s'il|sauf si|à moins)\b"),
    "zh": re.compile(r"如果|若|假如|除非|的话"),
    "ja": re.compile(r"場合|なら|たら|れば"),
}
_MIN_SHARED = 2
_MAX_DENIED_WORDS = 4
_NEGATION_CHARS = frozenset("不没無无未别勿非禁")
_NEGATION_CHAR_RE = re.compile("[" + "".join(_NEGATION_CHARS) + "]")
_EMPTY: frozenset[str] = frozenset()
_WORD_RE = re.compile(r"[a-zà-ÿ']+")
_AUXILIARIES = frozenset(
    str.split(
        """
    do does did can could must should will would may might shall is are was were be been have has
    puede puedes pueden debe debes deben es está son se lo la pode podem deve devem é está são
    kann können muss müssen soll sollte sollten darf dürfen ist sind wird werden hat haben
    peut peuvent doit doivent est sont
    """
    )
)

_YES = r"yes|yeah|yep|sí|si|sim|ja|oui|是|是的|对|可以|能|はい|ええ"
_NO = r"no|nope|not yet|não|nein|non|不|不是|不可以|不能|不行|否|いいえ|できません"
_LEADING_ANSWER_RE = re.compile(rf"\s*(?:(?P<yes>{_YES})|(?P<no>{_NO}))\s*[,.!;:，。！、]")


@dataclass(frozen=True, slots=True)
class Flip:
    """A response span whose polarity contradicts the reference."""

    start: int
    end: int
    response_negative: bool
    reference_start: int  # the span of the reference clause it contradicts
    reference_end: int
    head: str  # the denied term, or "yes/no" for a flipped leading answer


@dataclass(frozen=True, slots=True)
class _Claim:
    clause: Clause
    negative: bool
    heads: frozenset[str]  # terms a cue governs; empty for a positive clause
    subject: frozenset[str]  # words before the first cue ("you" in "you do not charge")
    found: tuple[Term, ...]  # content terms (offsets into the whole text)
    content: frozenset[str]  # their keys
    sentence: frozenset[str]  # content terms of the clause's sentence
    denied: tuple[str, ...]  # a contrast's denied phrase: "por país" in "..., no por país"

    def words(self, norm: str) -> list[tuple[str, int]]:
        """The clause's Latin words with their offsets (rarely needed, so not stored)."""
        return [(m.group(), m.start()) for m in _WORD_RE.finditer(norm, self.clause.start, self.clause.end)]


def _lang_key(lang: str | None) -> str:
    return lang if lang in _CUES else "en"


def _blank(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _heads(cues: list[re.Match[str]], found: tuple[Term, ...]) -> frozenset[str]:
    """The term each cue governs: the next one, or the previous one when none follows
    (Japanese "再出品できません", German "das akzeptieren wir nicht")."""
    heads: set[str] = set()
    # A bigram with a modal in it ("能重" in "不能重新上架") is not what is denied.
    found = tuple(t for t in found if not ZH_FUNCTION_CHARS.intersection(t.key))
    for cue in cues:
        after = [t for t in found if t.start >= cue.end()]
        before = [t for t in found if t.end <= cue.start()]
        if after:
            heads.add(after[0].key)
        elif before:
            heads.add(before[-1].key)
    return frozenset(heads)


def _sentence_index(
    norm: str, lang: str, blanked: str, found: tuple[Term, ...], starts: list[int]
) -> list[tuple[int, int, bool, frozenset[str]]]:
    index = []
    for s in sentences(norm):
        conditional = _CONDITION[lang].search(blanked, s.start, s.end) is not None
        inside = found[bisect_left(starts, s.start) : bisect_left(starts, s.end)]
        index.append((s.start, s.end, conditional, frozenset(t.key for t in inside)))
    return index


@lru_cache(maxsize=1024)
def _claims(norm: str, lang: str) -> tuple[_Claim, ...]:
    """The clauses of a text that assert or deny something, with what they deny."""
    blanked = _blank(_NOT_A_DENIAL[lang], norm)  # same length as norm
    found = terms(norm)
    if _NEGATION_CHAR_RE.search(norm):
        found = tuple(t for t in found if not _NEGATION_CHARS.intersection(t.key))
    starts = [t.start for t in found]
    cues = list(_CUES[lang].finditer(blanked))
    cue_starts = [m.start() for m in cues]
    index = _sentence_index(norm, lang, blanked, found, starts)
    claims: list[_Claim] = []
    si = 0
    for clause in clauses(norm):
        while si < len(index) - 1 and index[si][1] <= clause.start:
            si += 1
        sentence_start, _, conditional, sentence = index[si] if index else (0, 0, False, frozenset())
        inside = found[bisect_left(starts, clause.start) : bisect_left(starts, clause.end)]
        if conditional or not inside:
            continue  # a condition, or what follows one, asserts nothing on its own
        mine = cues[bisect_left(cue_starts, clause.start) : bisect_left(cue_starts, clause.end)]
        content = frozenset(t.key for t in inside)
        if not mine:
            claims.append(_Claim(clause, False, _EMPTY, _EMPTY, inside, content, sentence, ()))
            continue
        words = [(m.group(), m.start()) for m in _WORD_RE.finditer(norm, clause.start, clause.end)]
        subject = frozenset(w for w, pos in words if pos < mine[0].start()) - _AUXILIARIES
        denied: tuple[str, ...] = ()
        if not subject and mine[0].start() == clause.start and clause.start > sentence_start:
            after = tuple(w for w, pos in words if pos >= mine[0].end())
            denied = after if 0 < len(after) <= _MAX_DENIED_WORDS else ()
        heads = _heads(mine, inside)
        claims.append(_Claim(clause, True, heads, subject, inside, content, sentence, denied))
    return tuple(claims)


def _says(words: list[tuple[str, int]], phrase: tuple[str, ...]) -> bool:
    """Whether the words hold the phrase in order, with at most one word between its words."""
    tokens = [w for w, _ in words]
    for i, token in enumerate(tokens):
        if token != phrase[0]:
            continue
        pos, ok = i, True
        for word in phrase[1:]:
            window = tokens[pos + 1 : pos + 3]
            if word not in window:
                ok = False
                break
            pos += 1 + window.index(word)
        if ok:
            return True
    return False


def _flipped(negative: _Claim, positive: _Claim, positive_norm: str) -> str | None:
    """The head the negative claim denies and the positive one asserts, if about one thing."""
    for head in sorted(negative.heads & positive.content):
        position = next(t.start for t in positive.found if t.key == head)
        before = {w for w, pos in positive.words(positive_norm) if pos < position}
        if negative.subject and not negative.subject & before:
            continue  # someone else does it: "you do not collect" vs "the marketplace collects"
        if len((negative.sentence & positive.sentence) - {head}) >= _MIN_SHARED:
            return head
    return None


def leading_answer(norm: str) -> str | None:
    """ "yes" or "no" when a text opens with a bare yes/no answer ("No. You ...")."""
    match = _LEADING_ANSWER_RE.match(norm)
    if match is None:
        return None
    return "yes" if match.group("yes") else "no"


def find_flips(response_norm: str, reference_norm: str, lang: str | None) -> list[Flip]:
    """Response spans that contradict the reference's polarity, in order."""
    key = _lang_key(lang)
    flips: list[Flip] = []
    answer, ref_answer = leading_answer(response_norm), leading_answer(reference_norm)
    if answer and ref_answer and answer != ref_answer:
        match = _LEADING_ANSWER_RE.match(response_norm)
        assert match is not None
        start, end = match.start(answer), match.end(answer)
        first = sentences(reference_norm)[0]
        flips.append(Flip(start, end, answer == "no", first.start, first.end, "yes/no"))
    if not (_CUES[key].search(response_norm) or _CUES[key].search(reference_norm)):
        return flips  # nothing is denied on either side
    ref_claims = _claims(reference_norm, key)
    for claim in _claims(response_norm, key):
        flip = _flip(claim, response_norm, ref_claims, reference_norm)
        if flip is not None:
            flips.append(flip)
    return flips


def _flip(claim: _Claim, norm: str, ref_claims: tuple[_Claim, ...], ref_norm: str) -> Flip | None:
    c = claim.clause
    if not claim.negative:
        # "The threshold is per country" against the contrast "..., not per country".
        for ref in ref_claims:
            if (
                ref.denied
                and _says(claim.words(norm), ref.denied)
                and not any(not r.negative and _says(r.words(ref_norm), ref.denied) for r in ref_claims)
            ):
                r = ref.clause
                return Flip(c.start, c.end, False, r.start, r.end, " ".join(ref.denied))
    for ref in ref_claims:
        if claim.negative == ref.negative:
            continue
        head = _flipped(claim, ref, ref_norm) if claim.negative else _flipped(ref, claim, norm)
        if head is None:
            continue
        if any(r.negative == claim.negative and head in r.content for r in ref_claims):
            continue  # the reference says it this way too ("sin RFC ..." and "con un RFC ...")
        return Flip(c.start, c.end, claim.negative, ref.clause.start, ref.clause.end, head)
    return None
