"""The offline accuracy judge: does the response agree with the reference (or context)?

No model: the score comes from checkable facts and from word overlap. A conflicting fact
or a flipped polarity outweighs any overlap, since a fluent answer with the wrong number
is the failure that matters most.

Scoring (1-5):
- two or more conflicts -> 1; one conflict -> 2 (1 when the overlap is also low);
- otherwise, against a reference, the share of reference terms the response uses (or of
  response terms the reference supports, whichever is larger) decides: >= 0.55 -> 5,
  >= 0.35 -> 4, >= 0.2 -> 3, >= 0.1 -> 2, else 1; against a context, the share of the
  response the context supports (`grounding`) decides: >= 0.92 -> 5, >= 0.85 -> 4,
  >= 0.75 -> 3, >= 0.5 -> 2, else 1 (bands tuned on the QAGS-XSum dev set);
- a 3 with two or more agreeing facts becomes a 4; an agreeing fact with no conflict lifts
  the score to 4 (against a context, only when no stated number is missing from it); a
  match that holds only approximately ("a month" for "30 days") gives at most 4.
- a reference in another language than the response is compared on facts only: agreeing
  facts give 4, no comparable fact leaves the item unscored.
The reference is used when present, else the context.

Tags (a small, stable vocabulary; findings group failures by them):
- `number_mismatch`, `amount_mismatch`, `currency_mismatch`, `date_mismatch`,
  `duration_mismatch`, `percentage_mismatch`: a fact the reference states differently
  (same kind, same thing talked about);
- `negation_conflict`: the response affirms what the reference denies or the reverse,
  including an opposite leading yes/no;
- `entity_mismatch`: a place, organisation, programme or person role the source never
  names, where it names another of the same kind about the same thing (`entities`);
- `low_overlap`: no conflict, but the response shares little with the reference (score <= 2);
- `unsupported_by_context`: no conflict, but the context supports little of the response.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.judges.baseline_common import band, margin_confidence, provenance, quote, span_evidence
from auditor.judges.entities import ENTITY_MISMATCH, EntityConflict, find_entity_conflicts
from auditor.judges.factcheck import FactCheck, analyse, check_facts
from auditor.judges.facts import extract_facts
from auditor.judges.grounding import Grounding, ground
from auditor.judges.lang import identify
from auditor.judges.negation import Flip, find_flips
from auditor.judges.text import normalize, term_set
from auditor.types import ACCURACY, AuditItem, Backend, Evidence, Verdict

RUBRIC_VERSION = "baseline-accuracy/1"
NEGATION_CONFLICT = "negation_conflict"
LOW_OVERLAP = "low_overlap"
UNSUPPORTED = "unsupported_by_context"
TAGS = (
    "number_mismatch",
    "amount_mismatch",
    "currency_mismatch",
    "date_mismatch",
    "duration_mismatch",
    "percentage_mismatch",
    NEGATION_CONFLICT,
    ENTITY_MISMATCH,
    LOW_OVERLAP,
    UNSUPPORTED,
)
_FLOORS = (0.55, 0.35, 0.2, 0.1)
# Against a context, the supported share of the response (see `grounding`); a faithful
# response is nearly all supported, so the bands sit high.
_GROUNDED_FLOORS = (0.92, 0.85, 0.75, 0.5)
_MIN_TERMS_FOR_PRECISION = 3  # "Yes." is fully supported by anything; do not count that


@dataclass(frozen=True, slots=True)
class _Findings:
    source: str  # "reference" or "context"
    source_text: str
    support: float  # overlap of terms, in [0, 1]
    recall: float
    precision: float
    checks: list[FactCheck]
    flips: list[Flip]
    cross_language: bool
    entities: list[EntityConflict]
    grounding: Grounding | None = None  # set when the source is a context

    @property
    def floors(self) -> tuple[float, float, float, float]:
        return _FLOORS if self.grounding is None else _GROUNDED_FLOORS

    @property
    def matches(self) -> list[FactCheck]:
        return [c for c in self.checks if c.status == "match"]

    @property
    def conflicts(self) -> list[FactCheck]:
        return [c for c in self.checks if c.status == "conflict"]


class BaselineAccuracyJudge:
    """Scores agreement with the reference from facts, polarity and word overlap."""

    criterion = ACCURACY
    backend: Backend = "baseline"

    def __init__(self, name: str = "accuracy_baseline", pass_score: float = 4.0) -> None:
        self.name = name
        self.pass_score = pass_score

    def applies(self, item: AuditItem) -> bool:
        """True when there is a reference or a context to compare with."""
        return bool((item.reference or "").strip() or (item.context or "").strip())

    async def judge(self, item: AuditItem) -> Verdict:
        """Judge one item (pure Python, well under a millisecond)."""
        return self.assess(item)

    def assess(self, item: AuditItem) -> Verdict:
        """The verdict for one item; `judge` is this, awaited."""
        if not self.applies(item):
            return Verdict.unscored(
                self.name,
                self.criterion,
                "no reference or context to compare with",
                provenance(RUBRIC_VERSION),
            )
        findings = _analyse(item)
        if findings.cross_language and not findings.checks:
            return Verdict.unscored(
                self.name,
                self.criterion,
                f"the {findings.source} is in another language than the response and states no "
                "fact the response repeats or contradicts, so agreement cannot be checked",
                provenance(RUBRIC_VERSION),
            )
        score, confidence, tags = _score(findings)
        return Verdict(
            judge=self.name,
            criterion=self.criterion,
            score=float(score),
            passed=score >= self.pass_score,
            reasoning=_reasoning(item.response, findings, score),
            evidence=_evidence(item.response, findings),
            confidence=confidence,
            tags=tags,
            provenance=provenance(RUBRIC_VERSION),
        )


def _analyse(item: AuditItem) -> _Findings:
    source, text = (
        ("reference", item.reference) if (item.reference or "").strip() else ("context", item.context)
    )
    assert text is not None
    response, source_norm = normalize(item.response), normalize(text)
    resp_lang, source_lang = identify(response).lang, identify(source_norm).lang
    cross = resp_lang is not None and source_lang is not None and resp_lang != source_lang
    question_facts = extract_facts(normalize(item.question))
    checks = check_facts(analyse(response), analyse(source_norm), question_facts)
    flips = [] if cross else find_flips(response, source_norm, resp_lang or source_lang)
    entities = [] if cross else find_entity_conflicts(item.response, text)
    resp_terms, source_terms = term_set(response), term_set(source_norm)
    shared = len(resp_terms & source_terms)
    recall = shared / len(source_terms) if source_terms else 0.0
    precision = shared / len(resp_terms) if len(resp_terms) >= _MIN_TERMS_FOR_PRECISION else 0.0
    if source == "context" and not cross:
        grounding = ground(response, source_norm, normalize(item.question))
        support = grounding.support
        return _Findings(source, text, support, recall, precision, checks, flips, cross, entities, grounding)
    return _Findings(source, text, max(recall, precision), recall, precision, checks, flips, cross, entities)


def _conflict_count(f: _Findings) -> int:
    return len(f.conflicts) + len(f.flips) + len(f.entities)


def _score(f: _Findings) -> tuple[int, float, list[str]]:
    conflicts = _conflict_count(f)
    tags = sorted(
        {c.tag for c in f.conflicts if c.tag}
        | ({NEGATION_CONFLICT} if f.flips else set())
        | ({ENTITY_MISMATCH} if f.entities else set())
    )
    if conflicts:
        score = 1 if conflicts >= 2 or f.support < _FLOORS[2] else 2
        # A number that differs is clear-cut; a polarity flip or a swapped name is read from cues.
        confidence = 0.85 if f.conflicts else 0.7
        return score, min(0.95, confidence + 0.05 * (conflicts - 1)), tags
    if f.cross_language:
        return 4, 0.4, tags
    score = band(f.support, f.floors)
    if score == 3 and len(f.matches) >= 2:
        score = 4
    if f.matches and (f.grounding is None or not f.grounding.unsupported_numbers):
        # The facts asked for agree ("one week" for "7 days"): the wording may differ.
        # Against a context only when no number the response states is missing from it.
        exact = any(not c.approximate for c in f.matches)
        score = max(score, 4) if exact else 4  # a rough match is never a 5
    confidence = margin_confidence(f.support, f.floors) + (0.05 if f.matches else 0.0)
    if score <= 2:
        tags.append(LOW_OVERLAP if f.grounding is None else UNSUPPORTED)
    return score, round(min(0.95, confidence), 3), tags


def _fact_text(check: FactCheck, response: str, source: str) -> tuple[str, str]:
    return response[check.fact.start : check.fact.end], source[check.other.start : check.other.end]


def _flip_sentence(response: str, flip: Flip, source: str, source_text: str) -> str:
    said = quote(response[flip.start : flip.end])
    theirs = quote(source_text[flip.reference_start : flip.reference_end])
    if flip.head == "yes/no":
        return (
            f"Conflict (negation_conflict): the response answers '{said}' "
            f"but the {source} answers the opposite ('{theirs}')."
        )
    verb, other = ("denies", "asserts") if flip.response_negative else ("asserts", "denies")
    return (
        f"Conflict (negation_conflict): the response {verb} '{said}' "
        f"where the {source} {other} it ('{theirs}')."
    )


def _verdict_sentence(f: _Findings, score: int) -> str:
    conflicts = _conflict_count(f)
    if conflicts >= 2:
        return f"Score {score}: {conflicts} conflicts with the {f.source}."
    if conflicts == 1:
        return f"Score {score}: one clear conflict caps the score at 2."
    if f.cross_language:
        return f"Score {score}: the facts that could be compared agree."
    return f"Score {score}: no conflicting fact; the score follows the overlap."


def _reasoning(response: str, f: _Findings, score: int) -> str:
    parts = [f"Compared with the {f.source}."]
    if f.matches:
        said = list(dict.fromkeys(_fact_text(c, response, f.source_text)[0] for c in f.matches))
        agreed = ", ".join(f"'{s}'" for s in said[:6])
        more = f" and {len(said) - 6} more" if len(said) > 6 else ""
        parts.append(f"Facts that agree: {agreed}{more}.")
        rough = [c for c in f.matches if c.approximate]
        for check in rough[:3]:
            mine, theirs = _fact_text(check, response, f.source_text)
            parts.append(f"'{mine}' matches '{theirs}' only approximately (months and years vary).")
    for check in f.conflicts:
        mine, theirs = _fact_text(check, response, f.source_text)
        parts.append(
            f"Conflict ({check.tag}): the response says '{mine}' where the {f.source} says '{theirs}'."
        )
    parts.extend(_flip_sentence(response, flip, f.source, f.source_text) for flip in f.flips)
    for e in f.entities:
        mine = response[e.mention.start : e.mention.end]
        theirs = f.source_text[e.other.start : e.other.end]
        parts.append(
            f"Conflict ({ENTITY_MISMATCH}): the response names the {e.kind} '{mine}' where the "
            f"{f.source} names '{theirs}' and never '{mine}'."
        )
    if f.cross_language:
        parts.append(f"The {f.source} is in another language than the response, so only facts were compared.")
    elif f.grounding is not None:
        parts.append(
            f"The context supports {f.support:.0%} of the response (words per sentence, weakest "
            "sentence weighted as much as the average)."
        )
        if f.grounding.unsupported_numbers:
            numbers = ", ".join(f"'{n}'" for n in dict.fromkeys(f.grounding.unsupported_numbers))
            parts.append(f"Numbers the context never states: {numbers}.")
    else:
        parts.append(
            f"Word overlap: the response uses {f.recall:.0%} of the {f.source}'s key terms, and "
            f"{f.precision:.0%} of its own key terms appear in the {f.source}."
        )
    parts.append(_verdict_sentence(f, score))
    return " ".join(parts)


def _evidence(response: str, f: _Findings) -> list[Evidence]:
    evidence: list[Evidence] = []
    for check in f.checks:
        theirs = _fact_text(check, response, f.source_text)[1]
        if check.status == "match":
            note = f"the {f.source} also says '{theirs}'"
            evidence.append(span_evidence(response, check.fact.start, check.fact.end, "match", note))
        else:
            note = f"the {f.source} says '{theirs}' ({check.tag})"
            evidence.append(span_evidence(response, check.fact.start, check.fact.end, "conflict", note))
    for flip in f.flips:
        theirs = quote(f.source_text[flip.reference_start : flip.reference_end])
        note = f"the {f.source} says '{theirs}' ({NEGATION_CONFLICT})"
        evidence.append(span_evidence(response, flip.start, flip.end, "conflict", note))
    for e in f.entities:
        note = f"the {f.source} names '{f.source_text[e.other.start : e.other.end]}' ({ENTITY_MISMATCH})"
        evidence.append(span_evidence(response, e.mention.start, e.mention.end, "conflict", note))
    return evidence
