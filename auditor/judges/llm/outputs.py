"""The output schemas the LLM judges ask for, built from a rubric.

Every schema puts `reasoning` first, then the claims (claim-level mode), then the score or
label, then `evidence` (quotes copied from the response), and forbids extra keys. The
score's type is the rubric's scale as an enum, so an out-of-scale answer fails validation
and the gateway re-asks once with the error; a second failure is an unscored verdict.

In claim-level mode the score is checked against the claims the model itself listed:
a contradicted claim cannot pass, an answer whose every claim is supported cannot fail,
and an answer with no claim at all gets the lowest score. An inconsistent reply is
invalid (re-asked), never silently corrected.
"""

from __future__ import annotations

import functools
import re
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, create_model, model_validator

from auditor.errors import UserError
from auditor.judges.llm.quotes import locate
from auditor.templates import Rubric

ClaimVerdict = Literal["supported", "contradicted", "unverifiable"]
CLAIM_VERDICTS: tuple[ClaimVerdict, ...] = ("supported", "contradicted", "unverifiable")


class Claim(BaseModel):
    """One factual claim of the response and whether the reference or context bears it out."""

    model_config = ConfigDict(extra="forbid")
    claim: str
    verdict: ClaimVerdict


class JudgeOutput(BaseModel):
    """Base of every judge output: reasoning comes first; subclasses add the rest.

    Validated with the context `{"response": text}` (as the judges ask), every evidence
    quote must be found in that text, so the gateway re-asks once naming the quote that
    is not; without the context quotes are not checked.
    """

    model_config = ConfigDict(extra="forbid")
    reasoning: str

    @model_validator(mode="after")
    def _quotes_are_in_the_response(self, info: ValidationInfo) -> JudgeOutput:
        response = (info.context or {}).get("response")
        quotes: list[str] = getattr(self, "evidence", [])
        if response is None or not quotes:
            return self
        missing = [q for q in quotes if q.strip() and locate(str(response), q) is None]
        if missing:
            listed = "; ".join(repr(q) for q in missing)
            raise ValueError(
                f"evidence quote(s) not found in the response: {listed}. Copy each quote verbatim, "
                "character for character, from the text inside <response>, or drop it"
            )
        return self


class ClaimsOutput(JudgeOutput):
    """Base of claim-level outputs; the concrete class narrows `score` to the scale and sets
    `pass_floor` and `lowest` from the rubric."""

    pass_floor: ClassVar[int] = 0
    lowest: ClassVar[int] = 0
    claims: list[Claim]
    score: int

    @model_validator(mode="after")
    def _score_follows_claims(self) -> ClaimsOutput:
        problem = claims_inconsistency(self.claims, self.score, self.pass_floor, self.lowest)
        if problem:
            raise ValueError(problem)
        return self


def claims_inconsistency(claims: list[Claim], score: int, pass_floor: int, lowest: int) -> str | None:
    """Why `score` contradicts the claims listed with it, or None when it does not."""
    if not claims:
        return f"no claim was listed, so the score must be {lowest} (the response makes no factual claim)"
    contradicted = [i for i, c in enumerate(claims) if c.verdict == "contradicted"]
    if contradicted and score >= pass_floor:
        return (
            f"score {score} passes, but claim {contradicted[0]} is contradicted; "
            f"a contradicted claim keeps the score below {pass_floor}"
        )
    if all(c.verdict == "supported" for c in claims) and score < pass_floor:
        return f"score {score} fails, but every claim is supported; the score must be at least {pass_floor}"
    return None


def value_field(rubric: Rubric) -> str:
    """The output key holding the verdict: `score` on an ordinal scale, `label` on a label scale."""
    return "score" if rubric.scale.kind == "ordinal" else "label"


def output_model(rubric: Rubric) -> type[JudgeOutput]:
    """The output schema for a rubric (one class per distinct scale and mode)."""
    points = tuple(rubric.scale.points)
    floor = min(int(p) for p in rubric.pass_levels) if rubric.scale.kind == "ordinal" else 0
    return _build(rubric.criterion, rubric.scale.kind, points, rubric.mode, floor)


@functools.cache
def _build(
    criterion: str, kind: str, points: tuple[str, ...], mode: str, pass_floor: int
) -> type[JudgeOutput]:
    values: tuple[int | str, ...] = tuple(int(p) for p in points) if kind == "ordinal" else points
    value_type: Any = Literal.__getitem__(values)
    name = _camel(criterion) + ("ClaimsVerdict" if mode == "claims" else "Verdict")
    fields: dict[str, Any] = {}
    if mode == "claims":
        if kind != "ordinal":
            raise UserError(f"rubric '{criterion}': claim-level mode needs an ordinal scale")
        fields["claims"] = (list[Claim], ...)
    fields["score" if kind == "ordinal" else "label"] = (value_type, ...)
    fields["evidence"] = (list[str], ...)
    if mode != "claims":
        return create_model(name, __base__=JudgeOutput, **fields)
    model = create_model(name, __base__=ClaimsOutput, **fields)
    model.pass_floor, model.lowest = pass_floor, int(values[0])
    return model


def _camel(criterion: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-zA-Z0-9]+", criterion) if part) or "Judge"
