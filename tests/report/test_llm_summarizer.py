"""`auditor report --config` with a model: the summarizer drafts causes through the gateway.

The model is the local fake server with scripted replies (test scaffolding, not a model).
"""

import json
import re
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.testing import FAKE_MODEL, FakeOpenAI
from auditor.testing.fake_openai import ChatRequest

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-test-SUMMARIZER-5678"


def finding_of(request: ChatRequest) -> dict:
    text = request.user_turns[0]
    return json.loads(re.search(r"<finding>\n(.*)\n</finding>", text, re.S).group(1))  # type: ignore[union-attr]


def scripted_model(request: ChatRequest) -> str:
    """Cites its finding's first item; for the finding about wrong languages, first an
    item that is not in the group (fixed on re-ask); for deflections, always a wrong one."""
    finding = finding_of(request)
    reasked = len(request.user_turns) > 1  # the gateway's re-ask adds a turn with the error
    cited = [finding["item_ids"][0]]
    if "wrong language" in finding["title"] and not reasked:
        cited = ["ss-001-not-in-group"]
    if "Deflections" in finding["title"]:
        cited = ["ss-404-nowhere"]
    draft = {
        "cause": f"DRAFTED cause for {finding['id']}: the assistant's answers share one failure mode.",
        "recommendation": f"DRAFTED recommendation for {finding['id']}.",
        "cited_ids": cited,
    }
    return json.dumps(draft)


@pytest.fixture
def demo_run(tmp_path: Path) -> Path:
    out = tmp_path / "run"
    assert main(["run", str(ROOT / "configs" / "demo.yaml"), "--out", str(out), "--no-progress"]) == 0
    return out


def test_model_drafts_are_checked_against_the_finding(
    demo_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_KEY", KEY)
    with FakeOpenAI() as server:
        server.respond_with(scripted_model)
        config = tmp_path / "llm.yaml"
        config.write_text(
            f"llm:\n  model: {FAKE_MODEL}\n  base_url: {server.base_url}\n"
            f"  api_key_env: SUMMARIZER_KEY\n  cache_dir: {tmp_path / 'cache'}\n",
            encoding="utf-8",
        )
        cassette = tmp_path / "cassette"
        args = ["report", str(demo_run), "--config", str(config), "--record", str(cassette)]
        assert main(args) == 0
        requests = len(server.chat_requests)
    report = (demo_run / "report.md").read_text(encoding="utf-8")
    assert report.count("DRAFTED cause for F") >= 5
    assert "drafted after one re-ask" in report
    assert "(drafted by model fake-model (summarize_finding@2+" in report
    assert "a model draft was dropped after one re-ask" in report
    assert "ss-404-nowhere" in report  # the note names the id it refused, the cause is the template's
    assert requests >= 7
    stored = [p.read_text() for p in cassette.rglob("*") if p.is_file()]
    stored += [p.read_bytes().decode("latin-1") for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert stored and not any(KEY in text for text in stored)

    # the cassette is the audit trail: replaying it reproduces the report with no server
    first = report
    assert main(["report", str(demo_run), "--config", str(config), "--replay", str(cassette)]) == 0
    assert _without_timestamp((demo_run / "report.md").read_text()) == _without_timestamp(first)


def _without_timestamp(text: str) -> str:
    return re.sub(r"Generated \S+ \S+ UTC", "Generated", text)
