"""The offline relevance judge: does the response address the question?

No model. Three signals, strongest first:
- language: an answer in another language than the question scores 2 (1 if it is also
  evasive), whatever its words, which cannot show the topic across languages (script
  decides zh/ja, kana marking Japanese; function-word profiles decide en/es/de/pt/fr; a
  text too short or too mixed to tell is never called wrong);
- evasion: a refusal ("I can't help with that") or a deflection ("please contact
  support") with little else of substance (fewer than three on-topic terms or agreeing
  facts in the other clauses) scores 1 (refusal) or 2 (deflection only);
- topicality: with a reference or context in the response's language, the larger of the
  share of its terms the response uses and the share of the response's terms it holds
  (an on-topic answer talks about what the reference talks about): >= 0.4 -> 5,
  >= 0.3 -> 4, >= 0.22 -> 3, >= 0.1 -> 2, else 1. Without one, the share of the
  question's terms the response covers: >= 0.35 -> 5, >= 0.25 -> 4, >= 0.18 -> 3,
  >= 0.1 -> 2, else 1. A question asking for a quantity ("how long", "cuánto",
  "多少", "いくら") answered without any number loses one point.

Tags (a small, stable vocabulary; findings group failures by them):
- `wrong_language`: the response is not in the question's language;
- `refusal`, `deflection`: the response declines or redirects instead of answering;
- `off_topic`: the response talks about something else (score <= 2 from topicality).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.judges.baseline_common import band, margin_confidence, provenance, span_evidence
from auditor.judges.evasion import Evasion, find_evasions
from auditor.judges.factcheck import agrees, comparable
from auditor.judges.facts import Fact, extract_facts
from auditor.judges.lang import LangGuess, identify, language_name
from auditor.judges.text import Term, clauses, normalize, sentences, term_set, terms
from auditor.types import RELEVANCE, AuditItem, Backend, Evidence, Verdict

RUBRIC_VERSION = "baseline-relevance/1"
WRONG_LANGUAGE = "wrong_language"
REFUSAL = "refusal"
DEFLECTION = "deflection"
OFF_TOPIC = "off_topic"
TAGS = (WRONG_LANGUAGE, REFUSAL, DEFLECTION, OFF_TOPIC)

_SOURCE_FLOORS = (0.4, 0.3, 0.22, 0.1)
_QUESTION_FLOORS = (0.35, 0.25, 0.18, 0.1)
_MIN_LANG_CONFIDENCE = 0.6
_MIN_SUBSTANCE = 3  # on-topic terms or agreeing facts outside the evasive clauses
_MAX_TERM_EVIDENCE = 5
_EVASION_NOTES = {
    REFUSAL: "declines to answer",
    DEFLECTION: "sends the user elsewhere instead of answering",
}
_ASKS_QUANTITY = re.compile(
    r"\bhow (?:long|much|many|soon|often|high)\b"
    r"|\bwhat(?:'s| is| are)? (?:the|my) "
    r"(?:fee|cost|price|rate|limit|threshold|maximum|minimum|deadline|amount)\b"
    r"|\bcu[aá]nt[oa]s?\b|\bquant[oa]s?\b|\bwie (?:lange|viel|viele|hoch|oft)\b|\bcombien\b"
    r"|多少|多长|多久|几天|几个|多高|いくら|いくつ|何日|何時間|どのくらい|どれくらい|何パーセント|何円"
)


@dataclass(frozen=True, slots=True)
class _Findings:
    question_lang: LangGuess
    response_lang: LangGuess
    evasions: list[Evasion]
    substance: int
    covered: list[Term]  # first occurrence in the response of each question term it uses
    question_terms: int
    topicality: float
    topic_basis: str  # "reference", "context" or "question"
    asks_quantity: bool
    states_quantity: bool

    @property
    def wrong_language(self) -> bool:
        q, r = self.question_lang, self.response_lang
        return (
            q.lang is not None
            and r.lang is not None
            and q.lang != r.lang
            and min(q.confidence, r.confidence) >= _MIN_LANG_CONFIDENCE
        )


class BaselineRelevanceJudge:
    """Scores whether a response addresses its question, in the question's language."""

    criterion = RELEVANCE
    backend: Backend = "baseline"

    def __init__(self, name: str = "relevance_baseline", pass_score: float = 4.0) -> None:
        self.name = name
        self.pass_score = pass_score

    def applies(self, item: AuditItem) -> bool:
        """Always: every response can be held against its question."""
        return True

    async def judge(self, item: AuditItem) -> Verdict:
        """Judge one item (pure Python, well under a millisecond)."""
        return self.assess(item)

    def assess(self, item: AuditItem) -> Verdict:
        """The verdict for one item; `judge` is this, awaited."""
        findings = _analyse(item)
        score, confidence, tags, why = _score(findings)
        return Verdict(
            judge=self.name,
            criterion=self.criterion,
            score=float(score),
            passed=score >= self.pass_score,
            reasoning=_reasoning(item.response, findings, score, why),
            evidence=_evidence(item.response, findings),
            confidence=confidence,
            tags=tags,
            provenance=provenance(RUBRIC_VERSION),
        )


def _analyse(item: AuditItem) -> _Findings:
    response, question = normalize(item.response), normalize(item.question)
    r_lang, q_lang = identify(response), identify(question)
    response_terms, question_terms = terms(response), term_set(question)
    covered = _first_occurrences(response_terms, question_terms)
    basis, topicality, source_terms, source_facts = _topicality(item, response_terms, question_terms, r_lang)
    evasions = find_evasions(response, r_lang.lang)
    response_facts = extract_facts(response)
    # What an answer adds beyond restating the question ("chargebacks are handled by the
    # bank, so I can't help" restates it): the reference's own terms, when there is one.
    on_topic = (source_terms - question_terms) if source_terms else question_terms
    substance = _substance(response, evasions, on_topic, response_facts, source_facts)
    return _Findings(
        question_lang=q_lang,
        response_lang=r_lang,
        evasions=evasions,
        substance=substance,
        covered=covered,
        question_terms=len(question_terms),
        topicality=topicality,
        topic_basis=basis,
        asks_quantity=_ASKS_QUANTITY.search(question) is not None,
        states_quantity=bool(response_facts),
    )


def _first_occurrences(found: tuple[Term, ...], keys: frozenset[str]) -> list[Term]:
    first: dict[str, Term] = {}
    for term in found:
        if term.key in keys and term.key not in first:
            first[term.key] = term
    return list(first.values())


def _topicality(
    item: AuditItem, response_terms: tuple[Term, ...], question_terms: frozenset[str], r_lang: LangGuess
) -> tuple[str, float, frozenset[str], tuple[Fact, ...]]:
    """How on-topic the response is, and against what: the reference, context or question."""
    mine = {t.key for t in response_terms}
    for basis, text in (("reference", item.reference), ("context", item.context)):
        if not (text or "").strip():
            continue
        assert text is not None
        norm = normalize(text)
        lang = identify(norm).lang
        if lang is not None and r_lang.lang is not None and lang != r_lang.lang:
            continue  # words in another language say nothing about the topic
        theirs = term_set(norm)
        shared = len(mine & theirs)
        recall = shared / len(theirs) if theirs else 0.0
        precision = shared / len(mine) if len(mine) >= 3 else 0.0
        return basis, max(recall, precision), theirs, extract_facts(norm)
    coverage = len(mine & question_terms) / len(question_terms) if question_terms else 0.0
    return "question", coverage, frozenset(), ()


def _substance(
    response: str,
    evasions: list[Evasion],
    on_topic: frozenset[str],
    facts: tuple[Fact, ...],
    source_facts: tuple[Fact, ...],
) -> int:
    """On-topic terms and agreeing facts in the clauses that neither refuse nor deflect."""
    if not evasions:
        return 0  # not needed: nothing to weigh it against
    all_terms = terms(response)
    kept: set[str] = set()
    spans: list[tuple[int, int]] = []
    for clause in clauses(response):
        if any(clause.start <= e.start < clause.end or e.start <= clause.start < e.end for e in evasions):
            continue
        spans.append((clause.start, clause.end))
        kept.update(t.key for t in all_terms if clause.start <= t.start < clause.end and t.key in on_topic)
    agreeing = sum(
        1
        for f in facts
        if any(s <= f.start < e for s, e in spans)
        and any(comparable(f, o) and agrees(f, o) for o in source_facts)
    )
    return len(kept) + agreeing


def _score(f: _Findings) -> tuple[int, float, list[str], str]:
    floors = _QUESTION_FLOORS if f.topic_basis == "question" else _SOURCE_FLOORS
    score = band(f.topicality, floors)
    confidence = margin_confidence(f.topicality, floors)
    why = f"the score follows how on-topic the response is ({f.topicality:.0%} against the {f.topic_basis})"
    if f.asks_quantity and not f.states_quantity and score > 1:
        score -= 1
        why += "; the question asks for a quantity and the response gives none"
    tags: list[str] = []
    kinds = {e.kind for e in f.evasions}
    evasive = bool(kinds) and f.substance < _MIN_SUBSTANCE
    if evasive:
        score = 1 if REFUSAL in kinds else 2
        tags.extend(k for k in (REFUSAL, DEFLECTION) if k in kinds)
        confidence = 0.85
        why = "the response declines or redirects and says little else on the topic"
    if f.wrong_language:
        # Words cannot show the topic across languages, so the language alone decides.
        score = 1 if evasive else 2
        tags.append(WRONG_LANGUAGE)
        confidence = round(min(0.9, f.question_lang.confidence, f.response_lang.confidence), 3)
        why = "an answer in another language than the question scores at most 2"
    elif not evasive and score <= 2:
        tags.append(OFF_TOPIC)
    return score, confidence, tags, why


def _reasoning(response: str, f: _Findings, score: int, why: str) -> str:
    q, r = language_name(f.question_lang.lang), language_name(f.response_lang.lang)
    parts = [f"The question is in {q}; the response is in {r}."]
    words = ", ".join(f"'{response[t.start : t.end]}'" for t in f.covered[:8])
    parts.append(
        f"The response uses {len(f.covered)} of the question's {f.question_terms} key terms"
        + (f" ({words})." if words else ".")
    )
    if f.topic_basis != "question":
        parts.append(
            f"It and the {f.topic_basis} share {f.topicality:.0%} of their key terms "
            "(the larger share either way)."
        )
    for e in f.evasions:
        parts.append(f"It contains a {e.kind}: '{response[e.start : e.end]}'.")
    parts.append(f"Score {score}: {why}.")
    return " ".join(parts)


def _evidence(response: str, f: _Findings) -> list[Evidence]:
    evidence = [span_evidence(response, e.start, e.end, e.kind, _EVASION_NOTES[e.kind]) for e in f.evasions]
    if f.wrong_language:
        for first in sentences(response)[:1]:
            q, r = language_name(f.question_lang.lang), language_name(f.response_lang.lang)
            note = f"written in {r}, the question in {q}"
            evidence.append(span_evidence(response, first.start, first.end, WRONG_LANGUAGE, note))
    for t in f.covered[:_MAX_TERM_EVIDENCE]:
        evidence.append(span_evidence(response, t.start, t.end, "match", "a key term of the question"))
    return evidence
