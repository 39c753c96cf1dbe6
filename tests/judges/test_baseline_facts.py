"""Fact extraction: what the accuracy baseline can check, in every demo language."""

from __future__ import annotations

import pytest

from auditor.judges.facts import Fact, extract_facts
from auditor.judges.text import normalize


def facts_of(text: str) -> list[tuple[str, str, tuple[float, ...], str]]:
    """(kind, unit, values, quoted text) of each fact, quoted from the original text."""
    return [(f.kind, f.unit, f.values, text[f.start : f.end]) for f in extract_facts(normalize(text))]


def only(text: str) -> Fact:
    found = extract_facts(normalize(text))
    assert len(found) == 1, found
    return found[0]


THIRTY_DAYS = [
    "Returns are accepted within 30 days.",
    "退货期限为30天。",
    "返品は30日以内です。",
    "Sie haben 30 Tage Zeit.",
    "Tiene 30 días para devolverlo.",
    "Você tem 30 dias para devolver.",
    "Returns are accepted within thirty days.",
    "Vous avez 30 jours.",
]
FIFTEEN_PERCENT = [
    "A fee of 15%.",
    "Una tarifa del 15 %.",
    "Eine Gebühr von 15 Prozent.",
    "Taxa de 15 por cento.",
    "手续费为百分之十五。",
    "手数料は15％です。",
]
MARCH_15_2024 = [
    "Ship it by March 15, 2024.",
    "Envíalo antes del 15 de marzo de 2024.",
    "Bis zum 15. März 2024 versenden.",
    "2024年3月15日までに発送してください。",
    "Deadline: 2024-03-15.",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, ("duration", "day", (30.0,))) for t in THIRTY_DAYS]
    + [(t, ("percentage", "", (15.0,))) for t in FIFTEEN_PERCENT]
    + [(t, ("date", "", (20240315.0,))) for t in MARCH_15_2024],
)
def test_one_fact_reads_the_same_in_every_language_and_form(
    text: str, expected: tuple[str, str, tuple[float, ...]]
) -> None:
    fact = only(text)
    assert (fact.kind, fact.unit, fact.values) == expected


def test_full_width_digits_normalise_and_offsets_point_at_the_original_text() -> None:
    text = "退货期限为３０天，手续费为１，０００元。"
    assert facts_of(text) == [
        ("duration", "day", (30.0,), "３０天"),
        ("amount", "", (1000.0,), "１，０００元"),
    ]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("$1,000", 1000.0),
        ("1.000 €", 1000.0),
        ("1 000 €", 1000.0),
        ("1.000,50 €", 1000.5),
        ("$1,000.50", 1000.5),
        ("R$ 50,00", 50.0),
        ("€0.89", 0.89),
        ("0,89 €", 0.89),
    ],
)
def test_thousands_separators_and_decimal_commas(written: str, value: float) -> None:
    assert only(f"The fee is {written} per month.").values == (value,)


@pytest.mark.parametrize(
    ("text", "currencies"),
    [
        ("It costs US$550.", {"USD"}),
        ("Cuesta MX$550.", {"MXN"}),
        ("It costs $550.", {"USD", "MXN"}),
        ("Es kostet 35 €.", {"EUR"}),
        ("It costs AED 99.", {"AED"}),
        ("月額5,000円です。", {"JPY"}),
        ("月费为300元。", {"CNY"}),
        ("It costs £135.", {"GBP"}),
        ("Custa R$ 39,00.", {"BRL"}),
        ("The fee is ₹20.", {"INR"}),
    ],
)
def test_amounts_know_their_currency(text: str, currencies: set[str]) -> None:
    fact = only(text)
    assert fact.kind == "amount"
    assert set(fact.currencies) == currencies


def test_ranges_and_written_numbers() -> None:
    assert facts_of("Refunds take 5-7 business days.") == [
        ("duration", "business_day", (5.0, 7.0), "5-7 business days")
    ]
    assert facts_of("De 5 a 7 días hábiles.")[0][2] == (5.0, 7.0)
    assert facts_of("退款将在三个工作日内到账。") == [("duration", "business_day", (3.0,), "三个工作日")]
    assert facts_of("Sie haben zwei Wochen Zeit.") == [("duration", "week", (2.0,), "zwei Wochen")]


def test_counted_numbers_keep_the_noun_they_count() -> None:
    assert facts_of("Upload up to 10 photos.") == [("number", "phot", (10.0,), "10")]


def test_order_ids_phone_numbers_and_years_are_not_facts() -> None:
    text = "Order #123456 (113-5520974-6618243) placed in 2024; call 5551234567."
    assert facts_of(text) == []
