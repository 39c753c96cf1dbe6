"""No credential reaches a file: a key and a header value, through run, report, export, cache, cassette.

The key comes from the environment variable the config names; the header is Azure's
`api-key`, given in `llm.extra_headers`. Both are sent to the (fake) endpoint and must
never be written anywhere, nor logged.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.llm.settings import HIDDEN
from auditor.templates import PACKAGE_DIR
from auditor.testing import FakeOpenAI
from tests.judges_llm.scripted_model import scripted_reply

ROOT = Path(__file__).resolve().parents[1]
ITEMS = ROOT / "examples" / "seller_support" / "items.jsonl"
KEY = "sk-test-KEY-VALUE-4711"
HEADER = "hdr-SECRET-VALUE-0815"


def write_config(path: Path, base_url: str, items: Path) -> Path:
    path.write_text(
        f"""
name: secrets
input: {items}
concurrency: 4
report: true
llm:
  model: fake-model
  base_url: {base_url}
  api_key_env: SECRET_TEST_KEY
  extra_headers: {{api-key: {HEADER}}}
  cache_dir: {path.parent / "cache"}
  logprobs: true
  retry_initial_wait_s: 0.01
judges:
{judge_lines()}
""",
        encoding="utf-8",
    )
    return path


def judge_lines() -> str:
    return "\n".join(
        f"  - {{name: {c}_llm, kind: llm.{c}, "
        f"rubric: {PACKAGE_DIR}/rubrics/{c}.yaml, prompt: {PACKAGE_DIR}/prompts/{c}.yaml}}"
        for c in ("accuracy", "relevance")
    )


def files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


@pytest.mark.slow  # the report loads the PII detector
def test_no_key_or_header_value_in_any_file_or_log(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("SECRET_TEST_KEY", KEY)
    monkeypatch.chdir(tmp_path)
    items = tmp_path / "items.jsonl"
    items.write_text("".join(ITEMS.read_text(encoding="utf-8").splitlines(keepends=True)[:8]), "utf-8")
    with FakeOpenAI(models=["fake-model"], expected_key=KEY) as server:
        server.respond_with(scripted_reply)
        config = write_config(tmp_path / "config.yaml", server.base_url, items)
        run = tmp_path / "run"
        assert main(["run", str(config), "--out", str(run), "--no-progress", "--record", "cassette"]) == 0
        # the secrets did reach the endpoint, so the search below looks for something real
        assert all(r.headers.get("api-key") == HEADER for r in server.chat_requests)
        assert main(["report", str(run)]) == 0
        for fmt in ("labelstudio", "csv", "jsonl"):
            assert main(["export", str(run), "--format", fmt, "--out", f"export-{fmt}", "--all"]) == 0
        assert main(["cache", "stats", "--config", str(config)]) == 0

    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {"manifest.json", "records.jsonl", "report.html"}
    assert any(p.parent.name == "cassette" for p in written) and any("cache" in p.parts for p in written)
    for secret in (KEY, HEADER):
        leaks = [p for p in files_containing(tmp_path, secret) if p.name != "config.yaml"]
        assert leaks == [], f"{secret} written to {leaks}"
        assert secret not in caplog.text
        assert secret not in "".join(capsys.readouterr())
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["config"]["llm"]["extra_headers"] == {"api-key": HIDDEN}  # the name is kept
