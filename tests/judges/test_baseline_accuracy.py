"""The offline accuracy judge, on small hand-written cases in each demo language."""

from __future__ import annotations

import pytest

from auditor.judges.base import Judge
from auditor.judges.baseline_accuracy import TAGS, BaselineAccuracyJudge
from auditor.types import AuditItem, Verdict

JUDGE = BaselineAccuracyJudge()


async def judge(
    response: str, reference: str | None = None, *, question: str = "?", context: str | None = None
) -> Verdict:
    item = AuditItem(id="t", prompt=question, response=response, reference=reference, context=context)
    verdict = await JUDGE.judge(item)
    for e in verdict.evidence:  # every quote is the response's own text, where it says it is
        assert e.start is not None and e.end is not None
        assert response[e.start : e.end] == e.quote
    assert set(verdict.tags) <= set(TAGS)
    return verdict


def test_is_a_judge_with_honest_provenance() -> None:
    assert isinstance(JUDGE, Judge)
    assert (JUDGE.name, JUDGE.criterion) == ("accuracy_baseline", "accuracy")


async def test_an_agreeing_paraphrase_passes_with_heuristic_provenance() -> None:
    v = await judge(
        "You can return most items within 30 days of delivery, and we refund within 5 business days.",
        "Most items can be returned within 30 days of delivery. Refunds are issued within 5 business days.",
    )
    assert v.score is not None and v.score >= 4 and v.passed is True
    assert v.score == int(v.score)
    assert v.provenance.backend == "baseline" and v.provenance.model is None
    assert v.provenance.rubric_version == "baseline-accuracy/1"
    assert v.provenance.confidence_method == "heuristic"
    assert v.confidence is not None and 0.0 <= v.confidence <= 1.0
    assert v.tags == []
    assert {e.quote for e in v.evidence if e.kind == "match"} == {"30 days", "5 business days"}
    assert "'30 days'" in v.reasoning


@pytest.mark.parametrize(
    ("reference", "response"),
    [
        (
            "Returns are accepted within 30 days of delivery.",
            "Returns are accepted within 14 days of delivery.",
        ),
        ("退货期限为签收后30天。", "退货期限为签收后7天。"),
        ("返品は商品到着から30日以内に受け付けます。", "返品は商品到着から14日以内に受け付けます。"),
        (
            "Die Rückgabefrist beträgt 30 Tage ab Zustellung.",
            "Die Rückgabefrist beträgt 60 Tage ab Zustellung.",
        ),
        (
            "El plazo de devolución es de 30 días desde la entrega.",
            "El plazo de devolución es de 15 días desde la entrega.",
        ),
        (
            "O prazo de devolução é de 30 dias após a entrega.",
            "O prazo de devolução é de 90 dias após a entrega.",
        ),
    ],
)
async def test_a_wrong_duration_caps_the_score_at_two_in_every_language(
    reference: str, response: str
) -> None:
    v = await judge(response, reference)
    assert v.score is not None and v.score <= 2 and v.passed is False
    assert "duration_mismatch" in v.tags
    conflict = next(e for e in v.evidence if e.kind == "conflict")
    assert conflict.quote[:2] in response and any(ch.isdigit() for ch in conflict.quote)


async def test_durations_compare_across_units() -> None:
    reference = "You have 72 hours to respond to a claim notification."
    wrong = await judge("You have 7 days to respond to the claim notification.", reference)
    assert "duration_mismatch" in wrong.tags and wrong.score is not None and wrong.score <= 2
    same = await judge("You have 3 days to respond to the claim notification.", reference)
    assert same.tags == [] and same.score is not None and same.score >= 4


@pytest.mark.parametrize(
    ("reference", "response", "tag"),
    [
        ("The Pro plan costs AED 99 per month.", "The Pro plan costs AED 199 per month.", "amount_mismatch"),
        (
            "La suscripción Pro cuesta MX$550 al mes.",
            "La suscripción Pro cuesta US$550 al mes.",
            "currency_mismatch",
        ),
        ("在庫保管手数料は月額8,900円です。", "在庫保管手数料は月額5,900円です。", "amount_mismatch"),
        (
            "The referral fee for electronics is 8%.",
            "The referral fee for electronics is 15%.",
            "percentage_mismatch",
        ),
        ("订单缺陷率须保持在1%以下。", "订单缺陷率须保持在0.5%以下。", "percentage_mismatch"),
        (
            "The sale event starts on March 15, 2024.",
            "The sale event starts on March 18, 2024.",
            "date_mismatch",
        ),
        (
            "You can upload up to 10 photos per listing.",
            "You can upload up to 12 photos per listing.",
            "number_mismatch",
        ),
    ],
)
async def test_each_kind_of_fact_conflict_is_tagged(reference: str, response: str, tag: str) -> None:
    v = await judge(response, reference)
    assert tag in v.tags
    assert v.score is not None and v.score <= 2


async def test_full_width_and_thousands_separators_agree_with_plain_digits() -> None:
    v = await judge(
        "長期保管手数料は１，０００円で、３６５日を超えた在庫が対象です。",
        "長期保管手数料は1000円で、365日を超えた在庫が対象です。",
    )
    assert v.tags == []
    assert {e.quote for e in v.evidence if e.kind == "match"} == {"１，０００円", "３６５日"}


async def test_extra_numbers_the_reference_lacks_are_not_conflicts() -> None:
    """An order id, a year, a figure from the question, a fee the reference never mentions."""
    v = await judge(
        "Order #113-5520974 from 2024 can still be returned: returns are accepted within 30 days of "
        "delivery, so your $40 speaker qualifies. Support replies within 24 hours.",
        "Returns are accepted within 30 days of delivery.",
        question="I sold a $40 speaker. Can the buyer return it?",
    )
    assert v.tags == [] and not [e for e in v.evidence if e.kind == "conflict"]
    assert v.score is not None and v.score >= 4


async def test_a_different_figure_about_another_thing_is_not_a_conflict() -> None:
    v = await judge(
        "The subscription costs 35 € per month plus 20 % VAT. "
        "Referral fees (15 % in most categories) still apply.",
        "The subscription costs 35 € per month; VAT of 20 % is added.",
    )
    assert "percentage_mismatch" not in v.tags


@pytest.mark.parametrize(
    ("reference", "response"),
    [
        ("You cannot relist the item after it was removed.", "You can relist the item after it was removed."),
        (
            "Sie können das Angebot nicht einfach neu einstellen.",
            "Sie können das Angebot einfach neu einstellen.",
        ),
        (
            "Usted no puede cobrar una tarifa de reposición por artículos defectuosos.",
            "Usted puede cobrar una tarifa de reposición por artículos defectuosos.",
        ),
        (
            "Você não pode abrir outra conta de vendedor durante a desativação.",
            "Você pode abrir outra conta de vendedor durante a desativação.",
        ),
        ("商品被删除后不能重新上架。", "商品被删除后可以重新上架。"),
        ("削除された商品は再出品できません。", "削除された商品は再出品できます。"),
    ],
)
async def test_a_flipped_negation_is_a_conflict_in_every_language(reference: str, response: str) -> None:
    flipped = await judge(response, reference)
    assert "negation_conflict" in flipped.tags
    assert flipped.score is not None and flipped.score <= 2
    same = await judge(reference, reference)
    assert same.tags == [] and same.score == 5


async def test_an_opposite_yes_no_answer_is_a_conflict() -> None:
    v = await judge(
        "Sim, pode. A nova conta é analisada separadamente.", "Não. Você não pode abrir outra conta."
    )
    assert "negation_conflict" in v.tags
    assert next(e.quote for e in v.evidence if e.kind == "conflict") == "Sim"


async def test_negations_that_agree_or_only_set_conditions_are_not_flips() -> None:
    agree = await judge(
        "Printed books are exempt from GST, so you don't need a GSTIN if you only sell books.",
        "Sellers of GST-exempt goods such as printed books do not need a GSTIN.",
    )
    assert "negation_conflict" not in agree.tags
    condition = await judge(
        "Your plan expires 30 days after creation, so the units need to be received by then.",
        "Shipment plans expire 30 days after creation if no units have been received.",
    )
    assert "negation_conflict" not in condition.tags


async def test_the_context_is_used_when_there_is_no_reference() -> None:
    v = await judge(
        "Customers can return items within 14 days of delivery.",
        context="Returns policy (excerpt): Customers can return most items within 30 days of delivery.",
    )
    assert "duration_mismatch" in v.tags
    assert "context" in v.reasoning and "'30 days'" in v.reasoning


async def test_low_overlap_without_conflict_scores_low() -> None:
    v = await judge(
        "To change your shipping templates, open Settings and pick a region.",
        "A plan of action must explain the root cause, the actions taken and the preventive steps.",
    )
    assert v.score is not None and v.score <= 2 and v.tags == ["low_overlap"]


async def test_it_applies_only_with_a_reference_or_context_and_never_fakes_a_score() -> None:
    item = AuditItem(id="t", prompt="?", response="Yes.")
    assert JUDGE.applies(item) is False
    v = await JUDGE.judge(item)
    assert v.scored is False and v.score is None and v.unscored_reason


async def test_a_reference_in_another_language_is_compared_on_facts_only() -> None:
    facts = await judge(
        "The converter charges 1.25% and pays out every 14 days.",
        "货币转换服务收取1.25%的手续费，每14天回款一次。",
    )
    assert facts.score == 4 and facts.tags == []
    nothing = await judge("You cannot change the title.", "商品标题不能修改。")
    assert nothing.scored is False and "another language" in (nothing.unscored_reason or "")


async def test_pass_score_is_configurable() -> None:
    strict = BaselineAccuracyJudge(name="strict", pass_score=5.0)
    item = AuditItem(
        id="t",
        prompt="?",
        response="Most items can be returned within 30 days.",
        reference="Most items can be returned within 30 days of delivery, in their original packaging.",
    )
    v = await strict.judge(item)
    assert v.judge == "strict"
    assert v.passed is (v.score is not None and v.score >= 5.0)
