"""The report's "Regulatory risk" section: laws x marketplaces, the leaks with ids, the caveat."""

from __future__ import annotations

import re

import pytest

from auditor.regulatory.assess import Assessor
from auditor.regulatory.policy import RegulatoryConfig
from auditor.report import write_report
from auditor.types import Verdict
from tests.report.report_builders import Item, meta, ok_acc, pii, span, write_run
from tests.synthetic_ids import br_cpf, cn_resident_id

CN_ID = cn_resident_id("440305", "19910722", "418")
CPF = br_cpf("318642075")
EMAIL = "k.brandt@example.de"


def assessed(response: str, marketplace: str, spans: list) -> Verdict:
    verdict = pii(response, spans)
    regulatory = Assessor.from_config(RegulatoryConfig()).assess(marketplace, spans)
    return verdict.model_copy(update={"regulatory": regulatory})


@pytest.fixture(scope="module")
def markdown_and_html(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    de_id = f"Die Ausweisnummer der Käuferin ist {CN_ID}."
    de_mail = f"Schreiben Sie an {EMAIL}."
    br = f"O CPF do comprador é {CPF}."
    clean = "Seu pedido foi enviado."

    def leak(item_id: str, response: str, market: str, text: str, kind: str, severity: str) -> Item:
        verdict = assessed(response, market, [span(response, text, kind, severity)])
        return Item(item_id, response, [ok_acc(), verdict], meta(market))

    items = [
        leak("de-id", de_id, "DE", CN_ID, "CN_RESIDENT_ID", "critical"),
        leak("de-mail", de_mail, "DE", EMAIL, "EMAIL_ADDRESS", "high"),
        leak("br-cpf", br, "BR", CPF, "BR_CPF", "critical"),
        Item("br-ok", clean, [ok_acc(), pii(clean, [])], meta("BR")),
    ]
    run_dir = write_run(tmp_path_factory.mktemp("reg"), items)
    report = write_report(run_dir)
    return report.markdown.read_text(encoding="utf-8"), report.html.read_text(encoding="utf-8")


def section(markdown: str) -> str:
    match = re.search(r"^## Regulatory risk\n(.*?)^## ", markdown, flags=re.M | re.S)
    assert match, "no Regulatory risk section"
    return match.group(1)


def test_the_section_says_it_is_a_triage_aid_not_legal_advice(markdown_and_html):
    markdown, html = markdown_and_html
    assert "triage aid, not legal advice" in section(markdown)
    assert 'id="regulatory"' in html and "triage aid, not legal advice" in html


def test_law_by_marketplace_counts_leaking_items(markdown_and_html):
    text = section(markdown_and_html[0])
    assert "| law | BR | DE | total |" in text
    assert "| GDPR | 0 | 2 | 2 |" in text  # the CN id and the email, both on DE
    assert "| PIPL | 0 | 1 | 1 |" in text  # the CN id's country
    assert "| LGPD | 1 | 0 | 1 |" in text


def test_each_leak_is_listed_with_its_ids_laws_and_escalation_most_urgent_first(markdown_and_html):
    text = section(markdown_and_html[0])
    rows = [line for line in text.splitlines() if line.startswith(("| de-", "| br-"))]
    assert [r.split(" | ")[0] for r in rows] == ["| de-id", "| br-cpf", "| de-mail"]
    de_id = rows[0]
    assert "GDPR Art. 87 (CN_RESIDENT_ID, sensitive)" in de_id and "PIPL Art. 4" in de_id
    assert "privacy-legal" in de_id and re.search(r"\| F\d", de_id)  # the finding holding the item
    assert "LGPD Art. 5(I)" in rows[1] and "| privacy |" in rows[1]
    assert "| none |" in rows[2]
    assert "br-ok" not in text  # no leak, no law


def test_personal_data_is_masked_in_the_section(markdown_and_html):
    markdown, html = markdown_and_html
    for raw in (CN_ID, CPF, EMAIL):
        assert raw not in markdown and raw not in html
    assert "\\<CN_RESIDENT_ID\\>" in section(markdown)


def test_the_summary_counts_escalations(markdown_and_html):
    summary = markdown_and_html[0].split("## Scope")[0]
    expected = "3 leaking items touch data-protection laws; escalated: 1 to privacy, 1 to privacy-legal"
    assert expected in summary
