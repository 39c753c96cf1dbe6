"""From a gateway `Completion` to a `Verdict`: the score, its evidence and its confidence.

The verdict is read only from the model's reply (the parsed output), never from the
audited text. Score: the parsed value, or with several samples the modal one. Evidence:
the quotes the model gave, located in the response; in claim-level mode the claims, with
their verdict as the evidence kind; and a note with the score distribution or the votes.
`score` stays the value the model wrote; the G-Eval probability-weighted score goes in
`weighted_score`, and the whole distribution in that note (evidence of kind
"score_distribution", no quote).
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.judges.llm.confidence import (
    mean_distribution,
    modal_vote,
    score_distribution,
    weighted_score,
)
from auditor.judges.llm.evidence import claim_evidence, claim_tags, quote_evidence
from auditor.judges.llm.outputs import Claim, JudgeOutput, value_field
from auditor.llm import Completion, Sample
from auditor.templates import Rubric
from auditor.types import ConfidenceMethod, Evidence, Verdict

Vote = int | str


@dataclass(frozen=True)
class Versions:
    """What to record in provenance about the prompt and rubric that produced a verdict."""

    prompt: str  # PromptTemplate.full_version
    rubric: str  # Rubric.full_version


@dataclass(frozen=True)
class Confidence:
    method: ConfidenceMethod
    value: float | None = None
    note: Evidence | None = None
    weighted_score: float | None = None


def build_verdict(
    judge: str, rubric: Rubric, response: str, completion: Completion[JudgeOutput], versions: Versions
) -> Verdict:
    """The verdict for one judged item, or an unscored one with the gateway's reason."""
    stamp = {"prompt_version": versions.prompt, "rubric_version": versions.rubric}
    if completion.parsed is None:
        provenance = completion.provenance.model_copy(update={**stamp, "confidence_method": "none"})
        reason = completion.unscored_reason or "no usable reply"
        return Verdict.unscored(judge, rubric.criterion, reason, provenance, raw=completion.raw)
    key = value_field(rubric)
    usable = [s for s in completion.samples if s.parsed is not None]
    votes: list[Vote] = [getattr(s.parsed, key) for s in usable]
    chosen = modal_vote(votes, lambda v: not _passes(rubric, v))
    output = next(o for o, v in zip((s.parsed for s in usable), votes, strict=True) if v == chosen)
    assert output is not None
    confidence = _confidence(rubric, key, usable, votes, chosen, len(completion.samples))
    claims: list[Claim] = getattr(output, "claims", [])
    evidence = [quote_evidence(response, q, "quote") for q in _evidence_quotes(output)]
    evidence += claim_evidence(response, claims)
    if confidence.note is not None:
        evidence.append(confidence.note)
    ordinal = rubric.scale.kind == "ordinal"
    return Verdict(
        judge=judge,
        criterion=rubric.criterion,
        score=float(chosen) if ordinal else None,
        label=None if ordinal else str(chosen),
        passed=_passes(rubric, chosen),
        reasoning=output.reasoning,
        evidence=evidence,
        confidence=round(confidence.value, 4) if confidence.value is not None else None,
        weighted_score=confidence.weighted_score,
        tags=claim_tags(claims),
        provenance=completion.provenance.model_copy(update={**stamp, "confidence_method": confidence.method}),
    )


def _passes(rubric: Rubric, value: Vote) -> bool:
    if rubric.scale.kind == "ordinal":
        return bool(rubric.passes(score=float(value)))
    return bool(rubric.passes(label=str(value)))


def _evidence_quotes(output: JudgeOutput) -> list[str]:
    quotes: list[str] = getattr(output, "evidence", [])
    return [q for q in dict.fromkeys(quotes) if q.strip()]


def _confidence(
    rubric: Rubric,
    key: str,
    usable: list[Sample[JudgeOutput]],
    votes: list[Vote],
    chosen: Vote,
    requested: int,
) -> Confidence:
    """Logprobs when the endpoint returned them, else the samples' agreement, else none."""
    points = rubric.scale.points
    ordinal = rubric.scale.kind == "ordinal"
    found = [
        d
        for s in usable
        if s.logprobs and (d := score_distribution(s.logprobs, key, points, ordinal=ordinal)) is not None
    ]
    if found:
        dist = mean_distribution(found, points)
        shares = _distribution_note(dist, ordinal, len(found))
        weighted = round(weighted_score(dist), 4) if ordinal else None
        return Confidence("logprobs", dist.get(str(chosen), 0.0), shares, weighted)
    if requested > 1:
        # Samples that gave no usable answer count against agreement: they did not agree.
        listed = ", ".join(str(v) for v in votes)
        agreed = votes.count(chosen)
        note = f"{requested} samples, usable votes: {listed}; {agreed} of {requested} chose {chosen}"
        return Confidence("self_consistency", agreed / requested, Evidence(quote="", kind="votes", note=note))
    return Confidence("none")


def _distribution_note(dist: dict[str, float], ordinal: bool, samples: int) -> Evidence:
    shares = ", ".join(f"P({p})={v:.3f}" for p, v in sorted(dist.items(), key=lambda kv: -kv[1]))
    over = f" averaged over {samples} samples" if samples > 1 else ""
    if ordinal:
        mean = weighted_score(dist)
        note = f"probability-weighted score {mean:.3f} (G-Eval, from logprobs{over}): {shares}"
    else:
        note = f"label probabilities (from logprobs{over}): {shares}"
    return Evidence(quote="", kind="score_distribution", note=note)
