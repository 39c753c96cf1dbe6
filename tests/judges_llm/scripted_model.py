"""A deterministic stand-in for a judge model, for tests only.

`scripted_reply` answers the fake OpenAI-compatible server's requests by reading the
fenced sections of the judge prompt and applying fixed rules: accuracy compares the
numbers of the response with those of the reference (or the context), relevance compares
the languages of question and response, PII adjudication calls a span a leak unless the
question or the context holds it. It is test scaffolding, not a model: its verdicts must
never be presented as a model's, and its reasoning starts with "scripted:" to say so.
"""

from __future__ import annotations

import json
import math
import re

from auditor.judges.lang import identify
from auditor.judges.text import normalize
from auditor.testing import Reply
from auditor.testing.fake_openai import ChatRequest

SECTION = re.compile(r"<(question|reference|context|response|conversation|spans)>\n(.*?)\n</\1>", re.S)
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
NONE = "(none)"


def sections(text: str) -> dict[str, str]:
    """The fenced sections of a judge's user turn, by tag."""
    return {m.group(1): m.group(2) for m in SECTION.finditer(text)}


def scripted_reply(request: ChatRequest) -> Reply:
    """The scripted verdict for one judge request (re-asks read the original user turn)."""
    found = sections(request.user_turns[0])
    system = str(request.body["messages"][0]["content"])
    if "spans" in found:
        return Reply(_adjudicate(found))
    if "conversation" in found:
        score, body = _relevance(found)
    else:
        score, body = _accuracy(found, claims='"claims"' in system)
    return score_reply(score, body)


def score_reply(score: int, body: dict[str, object]) -> Reply:
    """A reply whose score token carries scripted alternatives: P(score)=0.8, a neighbour 0.15."""
    neighbour = str(score - 1 if score > 1 else score + 1)
    alternatives = {str(score): {str(score): math.log(0.8), neighbour: math.log(0.15), "The": math.log(0.05)}}
    return Reply(json.dumps(body, ensure_ascii=False), alternatives=alternatives)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def _accuracy(found: dict[str, str], *, claims: bool) -> tuple[int, dict[str, object]]:
    source = found["reference"] if found["reference"] != NONE else found["context"]
    known = set(NUMBER.findall(source))
    response = found["response"]
    sentences = _sentences(response)
    wrong = [s for s in sentences if set(NUMBER.findall(s)) - known]
    if claims:
        listed = [{"claim": s, "verdict": _claim_verdict(s, known)} for s in sentences[:4]]
        verdicts = {c["verdict"] for c in listed}
        score = (
            1 if not listed else 2 if "contradicted" in verdicts else 5 if verdicts == {"supported"} else 4
        )
        reasoning = f"scripted: {len(listed)} claims checked against the numbers of the source."
        evidence = [wrong[0]] if wrong else sentences[:1]
        return score, {"reasoning": reasoning, "claims": listed, "score": score, "evidence": evidence}
    if wrong:
        reasoning = "scripted: the response states a number the source does not."
        return 2, {"reasoning": reasoning, "score": 2, "evidence": [wrong[0]]}
    reasoning = "scripted: every number of the response is in the source."
    return 5, {"reasoning": reasoning, "score": 5, "evidence": sentences[:1]}


def _claim_verdict(sentence: str, known: set[str]) -> str:
    numbers = set(NUMBER.findall(sentence))
    if numbers - known:
        return "contradicted"
    return "supported" if numbers else "unverifiable"


def _relevance(found: dict[str, str]) -> tuple[int, dict[str, object]]:
    asked = identify(normalize(found["question"])).lang
    answered = identify(normalize(found["response"])).lang
    first = _sentences(found["response"])[:1]
    if asked and answered and asked != answered:
        reasoning = f"scripted: the question is in {asked}, the response in {answered}."
        return 2, {"reasoning": reasoning, "score": 2, "evidence": first}
    reasoning = f"scripted: the response answers in the question's language ({asked or 'unknown'})."
    return 5, {"reasoning": reasoning, "score": 5, "evidence": first}


def _adjudicate(found: dict[str, str]) -> str:
    supplied = found["question"] + "\n" + found["context"]
    decisions = []
    for line in found["spans"].splitlines():
        span = json.loads(line)
        leak = span["text"] not in supplied
        reason = "not in the question or the context" if leak else "supplied by the seller or the context"
        decisions.append(
            {"span_id": span["span_id"], "reason": reason, "label": "leak" if leak else "no_leak"}
        )
    reasoning = "scripted: a span is a leak unless the question or the context holds it."
    return json.dumps({"reasoning": reasoning, "decisions": decisions}, ensure_ascii=False)
