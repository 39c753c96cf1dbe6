"""The severity rule, grouping by tag and reasoning, slice concentration, and the causes file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_builders import CARD, pii, scored, span, unscored

from auditor.errors import UserError
from auditor.report.causes import CAUSES_FILE, FALLBACK, load_causes
from auditor.report.failures import RULES, Failure, collect_failures, group_failures, rate_verdict
from auditor.report.similarity import cluster
from auditor.report.slices import SliceIndex, skews
from auditor.types import AuditRecord, Route, Verdict

DOCS = Path(__file__).parents[2] / "docs" / "report.md"


def record(item_id: str, verdicts: list[Verdict], **metadata: str) -> AuditRecord:
    return AuditRecord(
        item_id=item_id, verdicts=verdicts, route=Route(decision="human_review"), metadata=metadata
    )


def card_leak(source: str) -> Verdict:
    response = f"The card {CARD} was charged."
    return pii(response, [span(response, CARD, "CREDIT_CARD", "critical", source=source)])


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        (card_leak("new"), ("critical", "new critical-severity personal data (CREDIT_CARD)")),
        (scored("acc", "accuracy", 1), ("major", "accuracy score of 1")),
        (scored("rel", "relevance", 1), ("minor", "below the pass mark")),
        (scored("acc", "accuracy", 3), ("minor", "below the pass mark")),
        (unscored("acc", "accuracy", "reply not JSON"), ("minor", "unscored")),
    ],
)
def test_the_severity_rule(verdict: Verdict, expected: tuple[str, str]) -> None:
    rating = rate_verdict(verdict)
    assert rating is not None
    assert (rating.severity, rating.because) == expected


def test_echoed_personal_data_is_not_rated_as_a_new_leak() -> None:
    echoed = card_leak("echoed").model_copy(update={"label": "leak", "passed": False})
    rating = rate_verdict(echoed)
    assert rating is not None and rating.severity == "minor"
    assert rating.because.startswith("a leak label without new personal data")


def test_a_passing_verdict_is_not_a_failure() -> None:
    assert rate_verdict(scored("acc", "accuracy", 5)) is None
    assert rate_verdict(pii("clean answer", [])) is None


def test_the_rule_in_the_docs_is_the_rule_in_the_code() -> None:
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    for severity, rule in RULES:
        assert f"**{severity}**: {rule}" in docs


def failures(*verdicts: Verdict) -> list[Failure]:
    return collect_failures([record(f"i{n}", [v]) for n, v in enumerate(verdicts)])


def test_tags_are_covered_greedily_so_each_failure_is_counted_once() -> None:
    groups = group_failures(
        failures(
            scored("acc", "accuracy", 2, tags=["amount_mismatch", "number_mismatch"]),
            scored("acc", "accuracy", 2, tags=["number_mismatch"]),
            scored("acc", "accuracy", 2, tags=["amount_mismatch", "number_mismatch"]),
            scored("acc", "accuracy", 3, tags=["negation_conflict"]),
        )
    )
    assert [(g.tag, g.item_ids) for g in groups] == [
        ("number_mismatch", ["i0", "i1", "i2"]),
        ("negation_conflict", ["i3"]),
    ]


def test_untagged_failures_group_by_similar_reasoning_and_the_rest_stay_apart() -> None:
    groups = group_failures(
        failures(
            scored("acc", "accuracy", 2, reasoning="The answer leaves out the 30-day return window."),
            scored("acc", "accuracy", 2, reasoning="The answer leaves out the 14-day return window."),
            scored("acc", "accuracy", 3, reasoning="Shipping costs are quoted for the wrong country."),
            scored("acc", "accuracy", 3, reasoning="Mentions a discontinued subscription plan."),
            unscored("acc", "accuracy", "judge error: TimeoutError"),
        )
    )
    assert [(g.kind, g.theme, g.item_ids) for g in groups] == [
        ("failed", "similar", ["i0", "i1"]),
        ("failed", "other", ["i2", "i3"]),
        ("unscored", "other", ["i4"]),
    ]


def test_clustering_folds_numbers_and_keeps_unrelated_texts_apart() -> None:
    texts = [
        "Says 7 days; the reference says 72 hours.",
        "Says 30 days; the reference says 14 days.",
        "The reply is in German, the question in English.",
        "Says 7 days; the reference says 72 hours.",
    ]
    assert cluster(texts) == [0, 0, 1, 0]


def test_a_slice_is_named_when_a_finding_concentrates_there_beyond_chance() -> None:
    records = [record(f"jp{n}", [], marketplace="JP") for n in range(4)]
    records += [record(f"us{n}", [], marketplace="US") for n in range(16)]
    index = SliceIndex.of(records)
    found = skews(["jp0", "jp1", "jp2", "jp3"], index)
    assert [(s.key, s.value, s.in_finding) for s in found] == [("marketplace", "JP", 4)]
    assert found[0].text == "marketplace JP: 4 of 4 items (JP is 20% of the run; p < 0.001)"
    # Two of four in JP could easily be chance; and US holds most of the run anyway.
    assert skews(["jp0", "jp1", "us0", "us1"], index) == []


def test_every_error_tag_the_offline_judges_use_has_its_own_text() -> None:
    causes = load_causes()
    tags = [
        "number_mismatch",
        "amount_mismatch",
        "duration_mismatch",
        "percentage_mismatch",
        "negation_conflict",
        "low_overlap",
        "refusal",
        "deflection",
        "off_topic",
        "wrong_language",
        "pii:PHONE_NUMBER",
    ]
    fallback = causes.tags[FALLBACK]
    for tag in tags:
        assert causes.for_tag(tag) is not fallback, tag
    assert causes.for_tag("made_up_tag") is fallback


def test_a_bad_causes_file_names_the_entry_and_the_problem(tmp_path: Path) -> None:
    text = CAUSES_FILE.read_text(encoding="utf-8").replace(
        "In {count} {items} the assistant declined", "{cnt} declined"
    )
    bad = tmp_path / "causes.yaml"
    bad.write_text(
        text.replace("  deflection:\n    title:", "  deflection:\n    headline:"), encoding="utf-8"
    )
    with pytest.raises(UserError) as err:
        load_causes(bad)
    lines = str(err.value).splitlines()
    assert all(re.match(rf"{re.escape(str(bad))}:\d+: ", line) for line in lines)  # file and line
    message = str(err.value)
    assert "'tags.refusal.cause': Value error, unknown variable cnt" in message
    assert "'tags.deflection.title': Field required" in message
    assert "unknown key 'tags.deflection.headline'" in message


def test_a_causes_file_without_a_fallback_entry_says_which(tmp_path: Path) -> None:
    bad = tmp_path / "causes.yaml"
    text = CAUSES_FILE.read_text(encoding="utf-8")
    bad.write_text(text.replace(f"  {FALLBACK}:", "  other:", 1), encoding="utf-8")
    with pytest.raises(UserError, match=f"tags: needs a '{FALLBACK}' entry"):
        load_causes(bad)
