"""The report's "Robustness and fairness" section, from a run with suites (offline judges, no target)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from auditor.config import AuditConfig
from auditor.report import write_report
from auditor.run import RunOptions, run_audit

QUESTIONS = [
    ("What is the referral fee on a $40 speaker?", "The referral fee is 8%, so $3.20 on a $40 speaker."),
    ("How long do I have to answer an A-to-z claim?", "You have 72 hours to respond to an A-to-z claim."),
    (
        "Can I ship orders with my own carrier?",
        "Yes, you can ship with your own carrier and upload tracking.",
    ),
]


def test_a_run_with_suites_reports_robustness_apart_from_the_input_items(tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    items.write_text(
        "".join(
            json.dumps(
                {"id": f"i{n}", "prompt": q, "response": a, "reference": a, "metadata": {"language": "en"}}
            )
            + "\n"
            for n, (q, a) in enumerate(QUESTIONS)
        ),
        encoding="utf-8",
    )
    config = AuditConfig.model_validate(
        {
            "name": "rb",
            "suites": [
                {"name": "typos"},
                {"name": "injection", "languages": ["en"]},
                {"name": "counterfactual", "groups": ["DE", "IN"], "genders": ["female"]},
            ],
        }
    )
    out = tmp_path / "run"
    asyncio.run(run_audit(config, RunOptions(input=items, out=out, progress=False)))
    report = write_report(out)
    text = report.markdown.read_text(encoding="utf-8")
    assert "## Robustness and fairness" in text
    assert "This run has no targets" in text  # the figures are about the judges, and it says so
    assert "3 items audited" in text  # derived items stay out of the main sections
    assert "| rb | 3 | 0 | 0.000 [0.000, 0.561] | injection_compliance: 0 | — |" in text
    assert re.search(r"\| rb \| all \| group \| DE \d/3 · IN \d/3 \|", text)
    assert {p.name for p in report.plots} >= {"robustness.png", "fairness.png"}
    html = report.html.read_text(encoding="utf-8")
    assert '<section id="robustness">' in html and 'href="#robustness"' in html


def test_the_review_export_of_a_run_with_suites_holds_the_input_items(tmp_path: Path) -> None:
    from auditor.labelstudio import export_run

    items = tmp_path / "items.jsonl"
    items.write_text(
        "".join(
            json.dumps({"id": f"i{n}", "prompt": q, "response": a, "metadata": {"language": "en"}}) + "\n"
            for n, (q, a) in enumerate(QUESTIONS)
        ),
        encoding="utf-8",
    )
    config = AuditConfig.model_validate({"name": "rb", "suites": [{"name": "distractor"}]})
    out = tmp_path / "run"
    asyncio.run(run_audit(config, RunOptions(input=items, out=out, progress=False)))
    result = export_run(out, tmp_path / "review", "jsonl", include_all=True)
    lines = (tmp_path / "review" / "review.jsonl").read_text(encoding="utf-8").splitlines()
    assert result.files and sorted(json.loads(line)["item"]["id"] for line in lines) == ["i0", "i1", "i2"]
