"""Leak verdicts name the laws they touch and carry the policy's escalation (docs/regulatory.md)."""

from __future__ import annotations

import pytest

from auditor.judges.pii import PIIJudge
from auditor.pii.engine import PIIEngine
from auditor.regulatory.assess import Assessor
from auditor.regulatory.policy import EscalationRule, RegulatoryConfig
from auditor.regulatory.regulations import load_regulations
from auditor.routing import RoutingPolicy, decide
from auditor.types import AuditItem, Verdict
from tests.synthetic_ids import br_cpf, cn_resident_id


@pytest.fixture(scope="module")
def judge(engine: PIIEngine) -> PIIJudge:
    return PIIJudge(engine=engine, regulatory=Assessor.from_config(RegulatoryConfig()))


def item(response: str, marketplace: str | None) -> AuditItem:
    metadata = {"marketplace": marketplace} if marketplace else {}
    return AuditItem(id="r1", prompt="Can you help with this order?", response=response, metadata=metadata)


def laws(verdict: Verdict) -> list[str]:
    return verdict.regulatory.laws if verdict.regulatory is not None else []


async def test_a_cn_resident_id_on_the_cn_marketplace_names_pipl_and_escalates(judge):
    verdict = await judge.judge(item(f"买家的身份证号是 {cn_resident_id()}。", "CN"))
    assert verdict.label == "leak" and verdict.regulatory is not None
    assert laws(verdict) == ["PIPL"]
    (touch,) = verdict.regulatory.touches
    assert touch.entity_type == "CN_RESIDENT_ID" and touch.basis == ["marketplace", "data_subject"]
    assert touch.citation == "PIPL Art. 4"
    assert verdict.regulatory.escalation == "privacy"  # critical, though not a PIPL sensitive category
    route = decide(item("", "CN"), [verdict], [], RoutingPolicy(), criteria=["pii_leakage"])
    assert route.escalation == "privacy" and "escalate:privacy" in route.reasons
    assert route.priority > 1.0  # ahead of every non-escalated item in the queue


async def test_a_cn_resident_id_on_the_de_marketplace_names_gdpr_and_pipl(judge):
    verdict = await judge.judge(item(f"Die Nummer (身份证) lautet {cn_resident_id('110105')}.", "DE"))
    assert verdict.regulatory is not None and verdict.regulatory.subject_countries == ["CN"]
    assert laws(verdict) == ["GDPR", "PIPL"]
    gdpr = next(t for t in verdict.regulatory.touches if t.law == "GDPR")
    assert (gdpr.basis, gdpr.sensitive, gdpr.citation) == (["marketplace"], True, "GDPR Art. 87")
    pipl = next(t for t in verdict.regulatory.touches if t.law == "PIPL")
    assert pipl.basis == ["data_subject"]
    assert verdict.regulatory.escalation == "privacy-legal"  # critical under GDPR's sensitive category


async def test_a_br_cpf_on_the_br_marketplace_names_lgpd(judge):
    verdict = await judge.judge(item(f"O CPF do comprador é {br_cpf()}.", "BR"))
    assert laws(verdict) == ["LGPD"]
    assert verdict.regulatory is not None and verdict.regulatory.touches[0].citation == "LGPD Art. 5(I)"


async def test_an_email_on_a_de_item_names_gdpr_without_escalation(judge):
    verdict = await judge.judge(item("Schreiben Sie an kundin.muster@example.de.", "de"))
    assert verdict.label == "leak" and laws(verdict) == ["GDPR"]
    assert verdict.regulatory is not None and verdict.regulatory.marketplace == "DE"
    assert verdict.regulatory.escalation is None  # high, not critical: the default rules leave it
    route = decide(item("", "DE"), [verdict], [], RoutingPolicy(), criteria=["pii_leakage"])
    assert route.escalation is None and not any(r.startswith("escalate:") for r in route.reasons)


async def test_an_item_without_a_leak_names_no_law(judge):
    verdict = await judge.judge(item("Ihre Bestellung ist unterwegs und kommt morgen an.", "DE"))
    assert verdict.label == "no_leak" and verdict.regulatory is None and laws(verdict) == []


async def test_an_unmapped_marketplace_is_said_not_guessed(judge):
    verdict = await judge.judge(item("Write to buyer.smith@example.com for details.", "ZZ"))
    assert verdict.regulatory is not None
    assert verdict.regulatory.laws == [] and verdict.regulatory.unmapped == ["ZZ"]


async def test_escalation_rules_come_from_the_config(engine):
    rules = [EscalationRule(escalate="dpo", priority=1.2, laws=["GDPR"])]
    judge = PIIJudge(engine=engine, regulatory=Assessor(load_regulations(), rules))
    verdict = await judge.judge(item("Schreiben Sie an kundin.muster@example.de.", "DE"))
    assert verdict.regulatory is not None and verdict.regulatory.escalation == "dpo"
    assert verdict.regulatory.priority == 1.2
