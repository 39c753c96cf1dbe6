"""The offline relevance judge: on-topic answers, evasions and answers in the wrong language."""

from __future__ import annotations

import pytest

from auditor.judges.base import Judge
from auditor.judges.baseline_relevance import TAGS, BaselineRelevanceJudge
from auditor.judges.lang import identify
from auditor.judges.text import normalize
from auditor.types import AuditItem, ChatTurn, Verdict

JUDGE = BaselineRelevanceJudge()


async def judge(question: str, response: str, reference: str | None = None) -> Verdict:
    item = AuditItem(id="t", prompt=question, response=response, reference=reference)
    verdict = await JUDGE.judge(item)
    for e in verdict.evidence:
        assert e.start is not None and e.end is not None
        assert response[e.start : e.end] == e.quote
    assert set(verdict.tags) <= set(TAGS)
    assert verdict.score is not None and verdict.score == int(verdict.score)
    return verdict


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("How long do I have to respond to a claim before it is decided?", "en"),
        ("¿Cuánto cuesta la suscripción Pro en México y cuándo me compensa?", "es"),
        ("Wie hoch ist die Verkaufsgebühr für eine Kaffeemaschine auf dem deutschen Marktplatz?", "de"),
        ("Qual é a taxa mínima de rastreamento válido que preciso manter nos pedidos?", "pt"),
        ("Combien coûte l'abonnement Pro sur la marketplace française ?", "fr"),
        ("店铺的订单缺陷率到多少会被停用？", "zh"),
        ("商品タイトルに「送料無料」や「最安値」と入れても大丈夫ですか？", "ja"),
        ("出荷前キャンセル率が3%になりました。", "ja"),
        ("반품 신청은 배송 완료 후 며칠 안에 해야 하나요?", "ko"),
        ("Quanto tempo ho per restituire un articolo difettoso?", "it"),
        ("Hoe lang duurt het voordat mijn uitbetaling binnen is?", "nl"),
        ("Ile kosztuje wysyłka kurierem do Niemiec?", "pl"),
        ("Siparişimi iptal edersem ücret iadesi ne zaman yapılır?", "tr"),
        ("كم يستغرق استرداد المبلغ بعد إرجاع المنتج؟", "ar"),
        ("मेरा रिफंड कितने दिनों में आएगा?", "hi"),
    ],
)
def test_language_identification(text: str, lang: str) -> None:
    assert identify(normalize(text)).lang == lang


@pytest.mark.parametrize(
    "text", ["OK", "Seller Hub > Settings", "Ship to: Al Barsha 2, Dubai | Status: failed"]
)
def test_too_little_text_has_no_language_rather_than_a_guess(text: str) -> None:
    assert identify(normalize(text)).lang is None


def test_is_a_judge_that_always_applies() -> None:
    assert isinstance(JUDGE, Judge)
    assert JUDGE.applies(AuditItem(id="t", prompt="?", response="")) is True


async def test_an_on_topic_answer_passes_and_quotes_the_key_terms_it_covers() -> None:
    v = await judge(
        "How long do I have to respond to an A-to-z claim?",
        "You have 72 hours to respond to an A-to-z claim notification, with tracking that shows delivery.",
        "You have 72 hours to respond to an A-to-z Guarantee claim notification.",
    )
    assert v.score == 5 and v.passed is True and v.tags == []
    assert v.provenance.backend == "baseline" and v.provenance.model is None
    assert v.provenance.rubric_version == "baseline-relevance/1"
    assert v.provenance.confidence_method == "heuristic"
    assert {"respond", "claim"} <= {e.quote for e in v.evidence if e.kind == "match"}


async def test_an_answer_about_something_else_is_off_topic() -> None:
    v = await judge(
        "Why is my disbursement on hold after I changed my bank account?",
        "To list a product, open Catalog, search the product page by GTIN and click 'Sell this product'.",
        "Disbursements are held for 3 days while a new bank account is verified.",
    )
    assert v.score is not None and v.score <= 2 and v.tags == ["off_topic"]


async def test_without_a_reference_the_question_terms_decide_and_a_quantity_must_be_given() -> None:
    on_topic = await judge(
        "What is the fee for the label service?",
        "The label service fee is 20 yen per unit, charged when the shipment is received.",
    )
    assert on_topic.score is not None and on_topic.score >= 4
    response = "You can choose the label service when you create the shipment plan."
    plain = await judge("Is there a label service fee?", response)
    no_number = await judge("How much is the label service fee?", response)
    assert plain.score is not None and no_number.score == plain.score - 1
    assert "asks for a quantity" in no_number.reasoning


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (
            "My account was deactivated. What should my plan of action include?",
            "I'm sorry, but I'm not able to advise on account deactivations.",
        ),
        (
            "¿Cuánto tiempo tengo para responder a un contracargo?",
            "Los contracargos los gestiona el banco, por lo que no puedo darte información al respecto.",
        ),
        (
            "Was muss ich für die Wiederherstellung meines Kontos einreichen?",
            "Dazu kann ich Ihnen leider keine Auskunft geben.",
        ),
        (
            "O que preciso enviar para reativar meus anúncios?",
            "Infelizmente não posso ajudar com questões regulatórias.",
        ),
        (
            "Dois-je renseigner un numéro de TVA ?",
            "Je ne peux pas vous conseiller sur les questions fiscales.",
        ),
        ("我的账户被停用了，申诉需要提交什么材料？", "抱歉，我无法提供这方面的建议。"),
        (
            "アカウント停止の申し立てには何が必要ですか？",
            "申し訳ありませんが、その件についてはお答えできません。",
        ),
    ],
)
async def test_a_refusal_scores_one_in_every_language(question: str, response: str) -> None:
    v = await judge(question, response)
    assert v.score == 1 and "refusal" in v.tags
    assert any(e.kind == "refusal" for e in v.evidence)


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (
            "How do I file a claim for a swapped item?",
            "Please reach out to Seller Support and they will look into it.",
        ),
        ("¿Cómo presento una reclamación?", "Póngase en contacto con el servicio de atención al vendedor."),
        ("Wie reiche ich einen Antrag ein?", "Bitte wenden Sie sich an den Kundenservice."),
        ("Como faço uma reclamação?", "Sugiro entrar em contato com o suporte ao vendedor."),
        ("如何提交索赔？", "请联系卖家客服。"),
        ("申請方法を教えてください。", "詳しくはカスタマーサービスにお問い合わせください。"),
    ],
)
async def test_a_bare_deflection_scores_two(question: str, response: str) -> None:
    v = await judge(question, response)
    assert v.score == 2 and v.tags == ["deflection"]


async def test_a_refusal_beside_a_real_answer_is_not_penalised() -> None:
    v = await judge(
        "Can I see the buyer's phone number to arrange delivery?",
        "I can't share the buyer's phone number, but you can message the buyer through Buyer-Seller "
        "Messaging from the order page to arrange the delivery time.",
        "Buyer phone numbers are not shared. "
        "Use Buyer-Seller Messaging on the order page to contact the buyer.",
    )
    assert v.score is not None and v.score >= 4 and "refusal" not in v.tags


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (
            "How long do I have to respond to a claim?",
            "Tiene 72 horas para responder a la reclamación del comprador.",
        ),
        (
            "Qual é a taxa mínima de rastreamento válido que preciso manter?",
            "La tasa de seguimiento válido debe mantenerse por encima del 95 %, "
            "medida en un periodo de 30 días.",
        ),
        (
            "商品タイトルに「送料無料」と入れても大丈夫ですか？",
            "不可以。商品标题中不能包含“免运费”等宣传用语。",
        ),
        ("这个商品可以退货吗？", "はい、30日以内であれば返品できます。"),
        (
            "Welche Anforderungen gelten für die Sendungsverfolgung?",
            "Your valid tracking rate has to stay above 95%, measured over 30 days.",
        ),
        (
            "Quanto tempo ho per restituire un articolo difettoso?",
            "You can return a faulty item within 30 days of delivery.",
        ),
        (
            "Siparişimi iptal edersem ücret iadesi ne zaman yapılır?",
            "Le remboursement est effectué sous cinq jours ouvrés après l'annulation.",
        ),
        ("मेरा रिफंड कितने दिनों में आएगा?", "Your refund arrives within seven days of the return."),
    ],
)
async def test_an_answer_in_another_language_scores_at_most_two(question: str, response: str) -> None:
    v = await judge(question, response)
    assert v.score == 2 and v.tags == ["wrong_language"]
    assert any(e.kind == "wrong_language" for e in v.evidence)


async def test_the_last_user_turn_of_a_chat_is_the_question() -> None:
    item = AuditItem(
        id="t",
        prompt=[
            ChatTurn(role="user", content="Hola, vendo en México."),
            ChatTurn(role="assistant", content="¿En qué puedo ayudarte?"),
            ChatTurn(role="user", content="¿Cuántas variantes puedo poner en una familia de variaciones?"),
        ],
        response="Una familia de variaciones admite hasta 2,000 variantes.",
    )
    v = await JUDGE.judge(item)
    assert v.score is not None and v.score >= 4 and v.tags == []
