"""Model-drafted causes through the map-reduce graph, with a scripted summarizer.

Drafts are scripted per finding (by its tag): a good one, one citing an item of another
finding (fixed on the re-ask), one that keeps citing a wrong id (dropped), one whose
reply cannot be used, and one that echoes personal data (masked).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import ValidationError
from report_builders import EMAIL, seller_items, write_run

from auditor.errors import ModelBehaviorError, UserError
from auditor.llm.structured import describe_validation_error, response_format
from auditor.pii.redact import Redactor
from auditor.report import Draft, Finding, ReportResult, Summarizer, build_report, write_report
from auditor.report.drafting import Drafted, DraftRejected, check_draft, draft_findings, draft_model

Script = list[Draft | Exception]


class ScriptedSummarizer:
    """Replies from a script per finding tag; records every ask and the problem it came with.

    It stands in for the model behind the gateway: a reply that fails `output_type` is
    asked once more with the error, as `Gateway.complete` does.
    """

    def __init__(self, scripts: dict[str | None, Script]) -> None:
        self.scripts = scripts
        self.asks: list[tuple[str | None, str | None]] = []
        self.in_flight = 0
        self.max_in_flight = 0

    async def draft(self, finding: Finding, output_type: type[Draft]) -> Drafted:
        problem: str | None = None
        for _ in range(2):  # the first ask and the one re-ask
            reply = await self._reply(finding, problem)
            try:
                return Drafted(output_type.model_validate(reply.model_dump()), reask_reason=problem)
            except ValidationError as exc:
                problem = describe_validation_error(exc)
        raise DraftRejected(problem or "")

    async def _reply(self, finding: Finding, problem: str | None) -> Draft:
        self.asks.append((finding.tag, problem))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        await asyncio.sleep(0.01)  # let the other drafts of the map step start
        self.in_flight -= 1
        script = self.scripts.get(finding.tag, [])
        reply = (
            script.pop(0)
            if script
            else Draft(cause=f"Model cause for {finding.id}.", recommendation="Fix it.")
        )
        if isinstance(reply, Exception):
            raise reply
        return reply


def scripts() -> dict[str | None, Script]:
    return {
        "pii-severity:critical": [
            Draft(
                cause="The assistant read a stored card from the order record (pii-card).",
                recommendation="Remove payment data from the order tool's output.",
                cited_ids=["pii-card"],
            )
        ],
        "duration_mismatch": [
            Draft(cause="Deadlines are wrong, as in jp-2.", recommendation="Ground deadlines."),
            Draft(
                cause="Deadlines come from an old policy (dur-1).",
                recommendation="Ground deadlines.",
                cited_ids=["dur-1"],
            ),
        ],
        "refusal": [
            Draft(cause="See amt-1.", recommendation="Narrow refusals.", cited_ids=["amt-1"]),
            Draft(
                cause="Refusals everywhere.", recommendation="Narrow refusals.", cited_ids=["no-such-item"]
            ),
        ],
        "amount_mismatch": [ModelBehaviorError("reply was not valid JSON", raw="{oops")],
        "pii-severity:high": [
            Draft(cause=f"The assistant pasted the buyer's address {EMAIL}.", recommendation="Mask emails.")
        ],
    }


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run(tmp_path_factory.mktemp("drafts"), seller_items())


@pytest.fixture(scope="module")
def drafted(
    run_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ReportResult, ScriptedSummarizer]:
    summarizer = ScriptedSummarizer(scripts())
    assert isinstance(summarizer, Summarizer)
    return write_report(run_dir, out_dir=tmp_path_factory.mktemp("out"), summarizer=summarizer), summarizer


def by_tag(result: ReportResult, tag: str) -> Finding:
    return next(f for f in result.findings if f.tag == tag)


def test_a_draft_that_cites_only_its_own_items_replaces_the_template(
    drafted: tuple[ReportResult, ScriptedSummarizer],
) -> None:
    result, _ = drafted
    card = by_tag(result, "pii-severity:critical")
    assert card.source == "model"
    assert card.cause == "The assistant read a stored card from the order record (pii-card)."
    assert card.notes == []  # the mark beside the cause says enough
    markdown = result.markdown.read_text()
    assert "**Likely cause** (drafted by a model): The assistant read a stored card" in markdown


def test_a_wrong_id_is_re_asked_once_with_the_error(drafted: tuple[ReportResult, ScriptedSummarizer]) -> None:
    result, summarizer = drafted
    asks = [problem for tag, problem in summarizer.asks if tag == "duration_mismatch"]
    assert len(asks) == 2 and asks[0] is None
    assert asks[1] is not None and "jp-2" in asks[1] and "dur-1, dur-2, dur-3" in asks[1]
    durations = by_tag(result, "duration_mismatch")
    assert (durations.source, durations.cause) == ("model", "Deadlines come from an old policy (dur-1).")
    assert any("after one re-ask" in n for n in durations.notes)


def test_a_draft_still_wrong_after_the_re_ask_is_dropped_and_the_template_stays(
    drafted: tuple[ReportResult, ScriptedSummarizer],
) -> None:
    result, summarizer = drafted
    assert [tag for tag, _ in summarizer.asks].count("refusal") == 2
    refusals = by_tag(result, "refusal")
    assert refusals.source == "template"
    assert refusals.cause.startswith("In 4 items the assistant declined to answer")
    assert any("dropped after one re-ask" in n and "no-such-item" in n for n in refusals.notes)
    assert "*Note*: a model draft was dropped after one re-ask" in result.markdown.read_text()


def test_an_unusable_reply_keeps_the_template_with_a_note(
    drafted: tuple[ReportResult, ScriptedSummarizer],
) -> None:
    amount = by_tag(drafted[0], "amount_mismatch")
    assert amount.source == "template"
    assert amount.notes == [
        "the model's draft could not be used (reply was not valid JSON); the template text is kept"
    ]


def test_personal_data_a_model_echoes_is_masked(drafted: tuple[ReportResult, ScriptedSummarizer]) -> None:
    result, _ = drafted
    email = by_tag(result, "pii-severity:high")
    assert email.cause == "The assistant pasted the buyer's address <EMAIL_ADDRESS>."
    assert EMAIL not in result.markdown.read_text() and EMAIL not in result.html.read_text()


def test_every_finding_is_drafted_in_one_parallel_map_step(
    drafted: tuple[ReportResult, ScriptedSummarizer],
) -> None:
    result, summarizer = drafted
    first_asks = [tag for tag, problem in summarizer.asks if problem is None]
    assert sorted(first_asks, key=str) == sorted((f.tag for f in result.findings), key=str)
    assert summarizer.max_in_flight > 1


def test_the_summarizer_only_sees_masked_text(drafted: tuple[ReportResult, ScriptedSummarizer]) -> None:
    for finding in drafted[0].findings:
        assert EMAIL not in finding.model_dump_json()


async def test_a_user_error_from_the_summarizer_stops_the_report(run_dir: Path) -> None:
    class WrongKey:
        async def draft(self, finding: Finding, output_type: type[Draft]) -> Drafted:
            raise UserError("OPENAI_API_KEY is not set")

    out = run_dir / "stopped"
    with pytest.raises(UserError, match="OPENAI_API_KEY"):
        await build_report(run_dir, out_dir=out, summarizer=WrongKey())
    assert not (out / "report.md").exists()


async def test_no_findings_means_no_asks() -> None:
    summarizer = ScriptedSummarizer({})
    assert await draft_findings([], summarizer, [], Redactor([], detector=None)) == []
    assert summarizer.asks == []


def test_numbers_in_a_draft_are_not_mistaken_for_item_ids(
    drafted: tuple[ReportResult, ScriptedSummarizer],
) -> None:
    durations = by_tag(drafted[0], "duration_mismatch")
    known = {"7", "72", *durations.item_ids, "jp-2"}
    ok = Draft(cause="Deadlines of 7 days instead of 72 hours, as in dur-1.", recommendation="Ground them.")
    assert check_draft(ok, durations, known) is None
    wrong = Draft(cause="Deadlines of 7 days, as in jp-2.", recommendation="Ground them.")
    problem = check_draft(wrong, durations, known)
    assert problem is not None and "jp-2" in problem and "7," not in problem


def test_a_findings_draft_model_asks_for_the_same_schema_as_draft(
    drafted: tuple[ReportResult, ScriptedSummarizer],
) -> None:
    durations = by_tag(drafted[0], "duration_mismatch")
    checked = draft_model(durations, durations.item_ids)
    assert response_format("json_schema", checked) == response_format("json_schema", Draft)
    with pytest.raises(ValidationError, match="not in finding"):
        checked(cause="As in jp-2.", recommendation="Ground them.", cited_ids=["jp-2"])
