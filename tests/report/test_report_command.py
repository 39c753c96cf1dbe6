"""`write_report` end to end on a small run: sections, scope, findings, masking, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from report_builders import CARD, EMAIL, IBAN, PHONE, RAW_PII, seller_items, write_run

from auditor.errors import UserError
from auditor.io import file_sha256
from auditor.report import ReportResult, write_report


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run(tmp_path_factory.mktemp("seller"), seller_items())


@pytest.fixture(scope="module")
def report(run_dir: Path) -> ReportResult:
    return write_report(run_dir)


@pytest.fixture(scope="module")
def markdown(report: ReportResult) -> str:
    return report.markdown.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def html(report: ReportResult) -> str:
    return report.html.read_text(encoding="utf-8")


def _variants(raw: str) -> set[str]:
    """The raw value and its spacing-free form: a card number must not appear either way."""
    return {raw, raw.replace(" ", ""), raw.replace(" ", "&nbsp;")}


def test_no_raw_personal_data_in_either_file(markdown: str, html: str) -> None:
    for raw in RAW_PII:
        for form in _variants(raw):
            assert form not in markdown, f"{form!r} leaked into report.md"
            assert form not in html, f"{form!r} leaked into report.html"
    # The masks are there instead, escaped for each format.
    for entity in ("CREDIT_CARD", "IBAN_CODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "PERSON"):
        assert f"\\<{entity}\\>" in markdown
        assert f"&lt;{entity}&gt;" in html


def test_files_are_written_beside_the_run_by_default(report: ReportResult, run_dir: Path) -> None:
    assert report.markdown == run_dir / "report.md"
    assert report.html == run_dir / "report.html"
    assert {p.name for p in report.plots} == {"scores.png", "slices.png"}
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in report.plots)


def test_markdown_has_every_section_in_order(markdown: str) -> None:
    headings = re.findall(r"^## (.+)$", markdown, flags=re.M)
    assert headings == [
        "Summary",
        "Scope",
        "Results per criterion",
        "Regulatory risk",
        "Findings",
        "Recommendations",
        "Appendix: evidence",
    ]
    assert "![Score and label distributions per criterion](report_plots/scores.png)" in markdown


def test_scope_names_the_input_its_hash_the_models_versions_and_cost(markdown: str, run_dir: Path) -> None:
    manifest = json.loads((run_dir / "manifest.json").read_text())
    items = Path(manifest["input"]["path"])
    assert f"`{items}`" in markdown
    assert file_sha256(items) in markdown
    assert "| rel | relevance | llm | gpt-test | rel-2 | — | 20 | 2,400 | 600 | 0.0300 |" in markdown
    assert "| acc | accuracy | baseline | — | — | acc-1 | 20 |" in markdown
    assert "| Unreadable input lines | 1 |" in markdown


def test_results_per_criterion_count_passes_failures_unscored_and_ratings(markdown: str) -> None:
    assert "| accuracy | 20 | 13 | 6 | 1 | 68% | 0 | 1 | 6 |" in markdown
    assert "| pii_leakage | 20 | 16 | 4 | 0 | 80% | 2 | 1 | 1 |" in markdown
    assert "| accuracy | acc | 20 | 68% | 6 | 1 | 3.89 | 1: 1 · 2: 3 · 3: 2 · 4: 4 · 5: 9 |" in markdown


def test_findings_come_most_severe_first_with_the_rule_that_rated_them(report: ReportResult) -> None:
    findings = report.findings
    assert [f.id for f in findings] == [f"F{i}" for i in range(1, len(findings) + 1)]
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["critical", "major", "minor"].index)
    critical = {i for f in findings if f.severity == "critical" for i in f.item_ids}
    assert critical == {"pii-card", "pii-iban"}
    amount = next(f for f in findings if f.tag == "amount_mismatch")
    assert (amount.severity, amount.evidence[0].because) == ("major", "accuracy score of 1")
    # PII leaks group by their worst type: the card and the IBAN together, the name alone
    (leaks,) = [f for f in findings if f.tag == "pii-severity:critical"]
    assert set(leaks.item_ids) == {"pii-card", "pii-iban"}
    assert leaks.title == "Personal data of critical severity in responses: CREDIT_CARD, IBAN_CODE"
    name = next(f for f in findings if f.tag == "pii-severity:medium")
    assert (name.severity, name.item_ids) == ("minor", ["pii-name"])


def test_each_failing_verdict_lands_in_exactly_one_finding(report: ReportResult) -> None:
    failed = [f for f in report.findings if f.kind == "failed" and f.criterion == "accuracy"]
    ids = [i for f in failed for i in f.item_ids]
    assert sorted(ids) == sorted(["dur-1", "dur-2", "dur-3", "amt-1", "omit-1", "omit-2"])
    similar = next(f for f in failed if f.theme == "similar")
    assert set(similar.item_ids) == {"omit-1", "omit-2"}


def test_a_finding_names_a_slice_only_where_its_items_concentrate(report: ReportResult) -> None:
    refusals = next(f for f in report.findings if f.tag == "refusal")
    assert refusals.slices[0].startswith("marketplace JP: 4 of 4 items")
    durations = next(f for f in report.findings if f.tag == "duration_mismatch")
    assert durations.slices == []  # three of the run's ten US items: no more than chance


def test_unscored_verdicts_are_a_finding_with_their_reason(report: ReportResult, markdown: str) -> None:
    gap = next(f for f in report.findings if f.kind == "unscored")
    assert gap.item_ids == ["timeout-1"]
    assert "TimeoutError" in gap.pattern
    assert "accuracy: no verdict" in markdown


def test_evidence_appendix_quotes_each_item_and_lists_every_id(markdown: str) -> None:
    appendix = markdown.split("## Appendix: evidence", 1)[1]
    assert "| dur-2 | minor (below the pass mark) | acc | You have 8 days to respond" in appendix
    assert "Items (4): jp-1, jp-2, jp-3, jp-4." in appendix


def test_html_loads_nothing_from_outside(html: str) -> None:
    assert "<link" not in html and "<script" not in html and "@import" not in html
    sources = re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)""", html)
    assert sources, "the report should have images and in-page links"
    assert all(s.startswith(("data:image/png;base64,", "#")) for s in sources), sources
    assert "url(" not in html


def test_redaction_can_be_turned_off_explicitly_and_says_so(run_dir: Path, tmp_path: Path) -> None:
    result = write_report(run_dir, out_dir=tmp_path, redact=False)
    markdown = result.markdown.read_text()
    assert CARD in markdown and IBAN in markdown and PHONE in markdown and EMAIL in markdown
    assert "**Personal data is NOT masked in this report**" in markdown
    assert "NOT masked" in result.html.read_text()


def test_a_report_of_a_run_without_failures_says_there_is_nothing_to_fix(tmp_path: Path) -> None:
    clean = [i for i in seller_items() if i.id.startswith("ok-")]
    result = write_report(write_run(tmp_path, clean))
    markdown = result.markdown.read_text()
    assert result.findings == []
    assert "No verdict failed, none was left unscored." in markdown
    assert "None: there is nothing to fix in this run." in markdown


def test_an_interrupted_run_is_reported_as_partial(tmp_path: Path) -> None:
    result = write_report(write_run(tmp_path, seller_items()[:3], status="interrupted"))
    assert (
        "The run is interrupted: this report covers only the items judged so far."
        in result.markdown.read_text()
    )


def test_a_directory_without_a_run_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a run directory"):
        write_report(tmp_path)
    with pytest.raises(UserError, match="does not exist"):
        write_report(tmp_path / "missing")


def test_a_manifest_of_another_shape_is_a_user_error_naming_the_field(tmp_path: Path) -> None:
    run = write_run(tmp_path, seller_items()[:1])
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    manifest["status"] = 7
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(UserError, match=r"manifest.json: not a readable run manifest: field 'status'"):
        write_report(run)


def test_a_changed_input_file_is_refused(tmp_path: Path) -> None:
    run = write_run(tmp_path, seller_items())
    items = tmp_path / "items.jsonl"
    items.write_text(items.read_text().replace("7 days", "3 days"))
    with pytest.raises(UserError, match="changed since the run"):
        write_report(run)
