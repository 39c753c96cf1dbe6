"""The confidence arithmetic on hand-computed cases: G-Eval from logprobs, and votes."""

from __future__ import annotations

import math

import pytest

from auditor.judges.llm.confidence import (
    mean_distribution,
    modal_vote,
    score_distribution,
    value_span,
    weighted_score,
)
from auditor.llm import Gateway, LLMSettings, TokenLogprob, TopLogprob
from auditor.testing import FakeOpenAI, Reply
from auditor.types import AuditItem
from tests.judges_llm.judge_helpers import make_judge, verdict_json

POINTS = ["1", "2", "3", "4", "5"]


def tokens(pieces: list[str], alternatives: dict[int, dict[str, float]]) -> list[TokenLogprob]:
    """Tokens as an endpoint returns them; `alternatives[i]` gives probabilities at position i."""
    out = []
    for i, piece in enumerate(pieces):
        alts = alternatives.get(i, {piece: 1.0})
        top = tuple(TopLogprob(t, math.log(p)) for t, p in alts.items())
        out.append(TokenLogprob(piece, math.log(alts.get(piece, 1.0)), top))
    return out


def test_the_score_token_is_the_value_of_the_score_key_not_a_digit_in_the_reasoning() -> None:
    # OpenAI-style pieces; the reasoning quotes a "score" of 3 to try to mislead the locator.
    reasoning = ['{"', "reason", "ing", '":"', "A ", '\\"', "score", '\\":', " ", "3", " is", " wrong", '.",']
    pieces = [*reasoning, ' "', "score", '":', " ", "4", ',"', "evidence", '":[]}']
    raw = "".join(pieces)
    assert raw == '{"reasoning":"A \\"score\\": 3 is wrong.", "score": 4,"evidence":[]}'
    decoy = {"3": 0.99, "2": 0.01}
    at_score = {"4": 0.6, "5": 0.3, "3": 0.05, "four": 0.05}
    dist = score_distribution(tokens(pieces, {9: decoy, 17: at_score}), "score", POINTS, ordinal=True)

    # "four" is not a point of the scale: the rest is renormalised over 0.95
    assert dist is not None
    assert dist == pytest.approx({"4": 0.6 / 0.95, "5": 0.3 / 0.95, "3": 0.05 / 0.95})
    assert weighted_score(dist) == pytest.approx((4 * 0.6 + 5 * 0.3 + 3 * 0.05) / 0.95)  # 4.2632
    assert round(weighted_score(dist), 4) == 4.2632


def test_a_token_that_carries_a_leading_space_is_compared_without_it() -> None:
    pieces = ['{"score":', " 4", "}"]
    dist = score_distribution(
        tokens(pieces, {1: {" 4": 0.5, " 5": 0.2, "5": 0.1, " x": 0.2}}), "score", POINTS, ordinal=True
    )
    assert dist is not None and dist == pytest.approx({"4": 0.625, "5": 0.375})
    assert weighted_score(dist) == pytest.approx(4.375)


def test_a_score_split_over_two_tokens_gives_no_distribution() -> None:
    ten = [str(n) for n in range(1, 11)]
    pieces = ['{"score": ', "1", "0", "}"]
    assert score_distribution(tokens(pieces, {1: {"1": 0.9, "9": 0.1}}), "score", ten, ordinal=True) is None


def test_a_label_is_named_by_its_first_token() -> None:
    pieces = ['{"reasoning": "x", "label": "', "no", "_le", "ak", '"}']
    at_label = {"no": 0.7, "leak": 0.2, "le": 0.1}
    dist = score_distribution(tokens(pieces, {1: at_label}), "label", ["leak", "no_leak"], ordinal=False)
    assert dist == pytest.approx({"no_leak": 0.7, "leak": 0.3})


def test_no_score_key_or_no_scale_point_gives_no_distribution() -> None:
    assert score_distribution(tokens(['{"verdict": 4}'], {}), "score", POINTS, ordinal=True) is None
    pieces = ['{"score": ', "4", "}"]
    assert score_distribution(tokens(pieces, {1: {"4": 0.5, "x": 0.5}}), "score", POINTS, ordinal=True) == {
        "4": 1.0
    }


def test_value_span_reads_the_first_json_object_like_the_gateway() -> None:
    text = 'Here you go:\n```json\n{"reasoning": "x", "claims": [{"score": 1}], "score": 4}\n```'
    span = value_span(text, "score")
    assert span is not None and text[span[0] : span[1]] == "4"
    assert value_span("no json here", "score") is None


def test_distributions_of_several_samples_are_averaged() -> None:
    mean = mean_distribution([{"4": 0.8, "5": 0.2}, {"4": 0.4, "5": 0.6}], POINTS)
    assert mean == pytest.approx({"4": 0.6, "5": 0.4})
    assert weighted_score(mean) == pytest.approx(4.4)


def test_modal_vote_breaks_ties_towards_failing_then_lower() -> None:
    def fails(score: int) -> bool:
        return score < 4

    assert modal_vote([5, 4, 5], fails) == 5
    assert modal_vote([5, 2], fails) == 2
    assert modal_vote([2, 3], fails) == 2
    assert modal_vote(["no_leak", "leak"], lambda label: label == "leak") == "leak"


async def test_the_judge_reports_the_renormalised_probability_of_its_score(
    server: FakeOpenAI, settings: LLMSettings
) -> None:
    at_score = {"4": math.log(0.6), "5": math.log(0.3), "3": math.log(0.05), "The": math.log(0.05)}
    server.script("Buyers have 30 days", Reply(verdict_json(4, "ok"), alternatives={"4": at_score}))
    item = AuditItem(id="c", prompt="How long?", response="Buyers have 30 days.", reference="30 days.")
    async with Gateway(settings) as gateway:
        verdict = await make_judge("llm.accuracy", gateway, settings).judge(item)

    assert verdict.score == 4.0 and verdict.confidence == round(0.6 / 0.95, 4) == 0.6316
    assert verdict.provenance.confidence_method == "logprobs"
    note = verdict.evidence[-1]
    assert note.kind == "score_distribution" and note.quote == "" and note.start is None
    assert note.note == (
        "probability-weighted score 4.263 (G-Eval, from logprobs): P(4)=0.632, P(5)=0.316, P(3)=0.053"
    )
