"""The offline accuracy judge: durations by value, and support measured against a context."""

from __future__ import annotations

import pytest

from auditor.judges.baseline_accuracy import BaselineAccuracyJudge
from auditor.types import AuditItem, Verdict

JUDGE = BaselineAccuracyJudge()


def _judge(response: str, reference: str | None = None, context: str | None = None) -> Verdict:
    q = "How long?"
    return JUDGE.assess(AuditItem(id="t", prompt=q, response=response, reference=reference, context=context))


@pytest.mark.parametrize(
    ("response", "reference"),
    [
        ("Returns are accepted for one week.", "Items can be sent back within 7 days of delivery."),
        (
            "Rücksendungen sind sieben Tage lang möglich.",
            "Artikel können innerhalb von 7 Tagen zurückgeschickt werden.",
        ),
        ("返品は7日間受け付けています。", "商品到着後一週間以内であれば返品できます。"),
        ("You get a fortnight to file the claim.", "A claim must be opened within 14 days."),
        ("Hai una settimana per il reso.", "Il reso è possibile entro 7 giorni dalla consegna."),
    ],
)
def test_durations_agree_by_value_in_any_unit_and_language(response: str, reference: str) -> None:
    v = _judge(response, reference)
    assert v.passed and not v.tags, v.reasoning


def test_a_month_matches_thirty_days_only_approximately() -> None:
    v = _judge("You have a month to return it.", "Returns are possible for 30 days after delivery.")
    assert v.score == 4 and "approximately" in v.reasoning
    wrong = _judge("You have a week to return the item.", "You have 30 days to return the item.")
    assert wrong.score is not None and wrong.score <= 2 and "duration_mismatch" in wrong.tags


def test_against_a_context_what_counts_is_how_much_of_the_response_it_supports() -> None:
    article = (
        "The city council of Leeds approved plans for a new central library on Monday. "
        "Building work will start in spring and the library should open in 2027 with 40 staff. "
        "Councillors said the old building had become too expensive to heat."
    )
    faithful = _judge("Leeds council has approved plans for a new central library.", context=article)
    invented = _judge(
        "Leeds council has rejected a new football stadium after protests by 300 residents.", context=article
    )
    assert faithful.passed
    assert invented.score is not None and invented.score <= 2
    assert "unsupported_by_context" in invented.tags and "'300'" in invented.reasoning


@pytest.mark.parametrize(
    ("response", "source", "named"),
    [
        (
            "Your parcel ships from our warehouse in Lisbon.",
            "Your parcel ships from our warehouse in Madrid.",
            "Madrid",
        ),
        (
            "The tenant pays for repairs to the heating.",
            "The landlord pays for repairs to the heating.",
            "landlord",
        ),
        (
            "Der Mieter zahlt die Reparatur der Heizung.",
            "Laut Vertrag zahlt der Vermieter die Reparatur der Heizung.",
            "Vermieter",
        ),
        ("Le colis part de notre entrepôt à Lyon.", "Le colis part de notre entrepôt à Lille.", "Lille"),
        ("Refunds are paid out by Barclays Bank.", "Refunds are paid out by Lloyds Bank.", "Lloyds Bank"),
        (
            "El comprador paga el envío de la devolución.",
            "El vendedor paga el envío de la devolución.",
            "vendedor",
        ),
    ],
)
def test_a_place_organisation_or_role_the_source_replaces_is_a_conflict(
    response: str, source: str, named: str
) -> None:
    for v in (_judge(response, reference=source), _judge(response, context=source)):
        assert v.score is not None and v.score <= 2 and "entity_mismatch" in v.tags
        assert f"'{named}'" in v.reasoning
        assert any(e.kind == "conflict" for e in v.evidence)


@pytest.mark.parametrize(
    ("response", "source"),
    [
        # the source names both: no replacement
        (
            "Sellers in Madrid can join the Premium programme.",
            "Sellers in Madrid and Lisbon can join the Premium programme.",
        ),
        ("The tenant must report the damage.", "The tenant reports damage; the landlord repairs it."),
        # another kind in another role, about something else
        ("Our office in Porto answers calls.", "Returns are inspected in Madrid within 5 days."),
    ],
)
def test_names_the_source_also_uses_or_that_speak_of_other_things_are_no_conflict(
    response: str, source: str
) -> None:
    v = _judge(response, reference=source)
    assert "entity_mismatch" not in v.tags, v.reasoning
