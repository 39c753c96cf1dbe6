"""LLM judges: rubric-driven accuracy and relevance, and the PII adjudicator (docs/judges.md).

Who owns what:
    rubric_judge.py    RubricJudge (render, ask, read), AccuracyJudge, RelevanceJudge
    fencing.py         audited text as fenced data; few-shot examples from the rubric
    outputs.py         the output schemas built from a rubric (reasoning first, extra keys forbidden)
    verdict.py         Completion -> Verdict: score, evidence, confidence, provenance
    confidence.py      G-Eval score distribution from logprobs; self-consistency votes
    evidence.py        quotes and claims located in the response
    pii_adjudicator.py LLMAdjudicator, the PII judge's callback for ambiguous spans
    factory.py         building them from a config's `judges:` entries
"""

from auditor.judges.llm.factory import build_pii_adjudicator, build_rubric_judge
from auditor.judges.llm.rubric_judge import AccuracyJudge, RelevanceJudge, RubricJudge

__all__ = [
    "AccuracyJudge",
    "RelevanceJudge",
    "RubricJudge",
    "build_pii_adjudicator",
    "build_rubric_judge",
]
