"""Targets: systems under test asked by the run before their answers are judged.

Every "model" here is the local fake OpenAI-compatible server with scripted replies,
never a real model; the judges are the offline baseline judges.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from auditor.cli import main
from auditor.compare.outcomes import load_targets
from auditor.config import load_config
from auditor.dryrun import estimate_run, render_dry_run
from auditor.errors import UserError
from auditor.run import RunOptions, run_audit
from auditor.testing import FakeOpenAI
from auditor.testing.fake_openai import ChatRequest, Fault, Reply

KEY = "sk-test-targets-1234"
REFERENCE = "The referral fee is 8% of the total sales price, at least $0.30 per item."
ITEMS = [
    {
        "id": "t-1",
        "prompt": "What is the referral fee on a speaker?",
        "response": "-",
        "reference": REFERENCE,
    },
    {
        "id": "t-2",
        "prompt": [
            {"role": "system", "content": "You help sellers."},
            {"role": "user", "content": "I sell speakers."},
            {"role": "assistant", "content": "Noted."},
            {"role": "user", "content": "What referral fee applies?"},
        ],
        "response": "-",
        "reference": REFERENCE,
    },
    {
        "id": "t-3",
        "prompt": "And the minimum referral fee per item?",
        "response": "-",
        "reference": REFERENCE,
    },
]
GOOD = "The referral fee is 8% of the total sales price, with a minimum of $0.30 per item."
BAD = "Please contact the support team about that."
ONE = '{"id": "t-1", "response": "a"}'


def write_items(path: Path, items: list[dict[str, Any]] = ITEMS) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def write_config(path: Path, targets: str, extra: str = "") -> Path:
    path.write_text(
        "name: bench\n"
        "input: items.jsonl\n"
        "out: run\n"
        "concurrency: 1\n"
        "judges:\n"
        "  - {name: accuracy_baseline, kind: baseline.accuracy}\n"
        "  - {name: relevance_baseline, kind: baseline.relevance}\n"
        f"targets:\n{targets}{extra}",
        encoding="utf-8",
    )
    return path


def two_targets(base_url: str) -> str:
    return (
        f"  - {{name: good, model: model-a, base_url: '{base_url}', api_key_env: TARGET_KEY,"
        " system_prompt: 'Answer as seller support.', max_tokens: 64}\n"
        f"  - {{name: bad, model: model-b, base_url: '{base_url}', api_key_env: TARGET_KEY}}\n"
    )


def by_model(request: ChatRequest) -> str | Reply | Fault:
    return GOOD if request.body["model"] == "model-a" else BAD


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TARGET_KEY", KEY)
    write_items(tmp_path / "items.jsonl")
    return tmp_path


def records(run: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run / "records.jsonl").read_text(encoding="utf-8").splitlines()]


def accuracy(record: dict[str, Any]) -> bool | None:
    return next(c["passed"] for c in record["consensus"] if c["criterion"] == "accuracy")


def test_two_targets_are_asked_every_prompt_and_each_answer_is_judged(project: Path) -> None:
    with FakeOpenAI(models=["model-a", "model-b"], expected_key=KEY) as server:
        server.respond_with(by_model)
        config = write_config(project / "bench.yaml", two_targets(server.base_url))
        assert main(["run", str(config), "--no-progress"]) == 0
        sent = [r.body for r in server.chat_requests]
    rows = records(project / "run")
    assert sorted((r["item_id"], r["target"]) for r in rows) == sorted(
        (i["id"], t) for i in ITEMS for t in ("good", "bad")
    )
    assert {r["target"]: r["answer"]["text"] for r in rows if r["item_id"] == "t-1"} == {
        "good": GOOD,
        "bad": BAD,
    }
    assert all(accuracy(r) for r in rows if r["target"] == "good")
    assert not any(accuracy(r) for r in rows if r["target"] == "bad")
    # Answers are free text (no schema), the system prompt goes first, chat turns are kept.
    chat = next(b for b in sent if b["model"] == "model-a" and len(b["messages"]) > 2)
    assert "response_format" not in chat and chat["max_tokens"] == 64
    assert chat["messages"][0] == {
        "role": "system",
        "content": "Answer as seller support.\n\nYou help sellers.",
    }
    assert [m["role"] for m in chat["messages"]] == ["system", "user", "assistant", "user"]
    manifest = json.loads((project / "run" / "manifest.json").read_text())
    assert manifest["targets"]["good"]["total"]["requests"] == 3
    assert manifest["targets"]["bad"]["model"] == "model-b"
    assert KEY not in (project / "run" / "manifest.json").read_text()
    # compare reads the run as two targets over the same items.
    targets = load_targets([project / "run"])
    assert [t.name for t in targets] == ["good", "bad"] and all(
        t.items == {"t-1", "t-2", "t-3"} for t in targets
    )


def test_an_empty_or_cut_off_answer_is_judged_as_it_is_and_tagged(project: Path) -> None:
    with FakeOpenAI(models=["model-a", "model-b"], expected_key=KEY) as server:
        server.script("speaker?", Reply("", finish_reason="stop"))
        server.script("minimum referral", Reply("The referral fee is 8% of the", finish_reason="length"))
        server.respond_with(by_model)
        assert (
            main(
                ["run", str(write_config(project / "b.yaml", two_targets(server.base_url))), "--no-progress"]
            )
            == 0
        )
    rows = {(r["item_id"], r["target"]): r for r in records(project / "run")}
    empty, cut = rows[("t-1", "good")], rows[("t-3", "good")]
    assert empty["answer"]["tags"] == ["empty"] and cut["answer"]["tags"] == ["truncated"]
    assert cut["answer"]["finish_reason"] == "length"
    # Judged, not skipped: the empty answer is scored (and fails accuracy).
    assert accuracy(empty) is False and all(v.get("unscored_reason") is None for v in empty["verdicts"])


def test_an_unreachable_target_stops_the_run_in_one_line_and_resume_finishes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeOpenAI(models=["model-a", "model-b"], expected_key=KEY) as server:
        server.respond_with(by_model)
        server.script("minimum referral", Fault.status_error(404, "The model does not exist"))
        config = write_config(project / "bench.yaml", two_targets(server.base_url))
        assert main(["run", str(config), "--no-progress"]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and err.startswith("auditor: error: target 'good': 404 from")
        kept = records(project / "run")
        assert sorted((r["item_id"], r["target"]) for r in kept) == [
            ("t-1", "bad"), ("t-1", "good"), ("t-2", "bad"), ("t-2", "good")
        ]  # fmt: skip
        server.script("minimum referral", GOOD)
        assert main(["run", str(config), "--no-progress", "--resume"]) == 0
    rows = records(project / "run")
    assert sorted((r["item_id"], r["target"]) for r in rows) == sorted(
        (i["id"], t) for i in ITEMS for t in ("good", "bad")
    )  # each (item, target) once: the finished ones were not asked again
    assert json.loads((project / "run" / "manifest.json").read_text())["status"] == "complete"


def test_a_request_the_target_refuses_leaves_that_answer_unscored_and_the_run_goes_on(project: Path) -> None:
    with FakeOpenAI(models=["model-a", "model-b"], expected_key=KEY) as server:
        server.respond_with(by_model)
        server.script("minimum referral", Fault.status_error(400, "prompt too long"))
        assert (
            main(
                ["run", str(write_config(project / "b.yaml", two_targets(server.base_url))), "--no-progress"]
            )
            == 0
        )
    refused = [r for r in records(project / "run") if r["item_id"] == "t-3"]
    assert len(refused) == 2
    for record in refused:
        assert "prompt too long" in record["answer"]["error"]
        assert all(v["unscored_reason"].startswith("no answer to judge: target") for v in record["verdicts"])


def test_a_responses_file_target_is_judged_without_asking_any_model(project: Path) -> None:
    answers = project / "answers.jsonl"
    answers.write_text(
        json.dumps({"id": "t-1", "response": GOOD}) + "\n" + json.dumps({"id": "t-2", "response": BAD}) + "\n"
    )
    config = write_config(project / "bench.yaml", "  - {name: collected, responses: answers.jsonl}\n")
    assert main(["run", str(config), "--no-progress"]) == 0
    rows = {r["item_id"]: r for r in records(project / "run")}
    assert accuracy(rows["t-1"]) is True and accuracy(rows["t-2"]) is False
    assert rows["t-1"]["answer"]["text"] == GOOD and "provenance" not in rows["t-1"]["answer"]
    assert "has no answer for this item" in rows["t-3"]["answer"]["error"]
    assert all(v["unscored_reason"] for v in rows["t-3"]["verdicts"])


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([ONE, '{"id": "t-1", "response": "b"}'], ":2: field 'id': duplicate id 't-1' (first on line 1)"),
        ([ONE, '{"id": "t-9", "response": "b"}'], ":2: field 'id': unknown id 't-9'"),
        (['{"id": "t-1", "respons": "a"}'], ":1: field 'respons': unknown field (did you mean 'response'?)"),
        (["{not json"], ":1: not valid JSON"),
    ],
)  # fmt: skip
def test_a_bad_responses_file_is_reported_by_file_and_line(
    project: Path, lines: list[str], message: str
) -> None:
    answers = project / "answers.jsonl"
    answers.write_text("\n".join(lines) + "\n")
    config = load_config(
        write_config(project / "bench.yaml", "  - {name: collected, responses: answers.jsonl}\n")
    )
    with pytest.raises(UserError) as caught:
        asyncio.run(run_audit(config, RunOptions(project / "items.jsonl", project / "run", progress=False)))
    assert str(caught.value).startswith(f"{answers}{message}")
    assert not (project / "run" / "records.jsonl").exists() or not records(project / "run")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("  - {name: x}\n", "bench.yaml:9: 'targets.0': Value error, needs exactly one of 'model'"),
        ("  - {name: x, model: m, responses: a.jsonl}\n", "given: model, responses"),
        ("  - {name: x, responses: a.jsonl, temperature: 0.5}\n", "temperature would be ignored"),
        ("  - {name: x, model: m, temprature: 0.5}\n", "bench.yaml:9: unknown key 'targets.0.temprature'"),
        ("  - {name: x, model: m}\n  - {name: x, model: n}\n", "target names must be unique, repeated: x"),
    ],
)  # fmt: skip
def test_a_bad_target_is_an_error_naming_file_line_and_key(project: Path, target: str, message: str) -> None:
    with pytest.raises(UserError, match=r"bench\.yaml") as caught:
        load_config(write_config(project / "bench.yaml", target))
    assert message in str(caught.value)


def test_the_dry_run_counts_one_generation_request_per_item_and_target(project: Path) -> None:
    config = load_config(write_config(project / "bench.yaml", two_targets("http://127.0.0.1:9/v1")))
    report = estimate_run(config, project / "items.jsonl")
    assert [(t.target, t.estimate.calls) for t in report.targets] == [("good", 3), ("bad", 3)]
    assert report.targets[0].estimate.completion_tokens == 3 * 64
    assert report.calls == 6 and report.targets[0].estimate.prompt_tokens > 0
    text = render_dry_run(report)
    assert "target good asks model: model-a" in text and "nothing was sent to any model." in text


def test_a_config_without_targets_writes_records_without_target_or_answer(project: Path) -> None:
    config = project / "plain.yaml"
    config.write_text("input: items.jsonl\nout: run\njudges:\n  - {name: acc, kind: baseline.accuracy}\n")
    assert main(["run", str(config), "--no-progress"]) == 0
    rows = records(project / "run")
    assert len(rows) == 3 and not any("target" in r or "answer" in r for r in rows)


def test_with_targets_the_input_needs_no_response(project: Path) -> None:
    write_items(project / "items.jsonl", [{k: v for k, v in i.items() if k != "response"} for i in ITEMS])
    answers = project / "answers.jsonl"
    answers.write_text("".join(json.dumps({"id": i["id"], "response": GOOD}) + "\n" for i in ITEMS))
    config = write_config(project / "bench.yaml", "  - {name: collected, responses: answers.jsonl}\n")
    assert main(["run", str(config), "--no-progress"]) == 0
    assert all(accuracy(r) for r in records(project / "run")) and len(records(project / "run")) == 3
    assert main(["report", str(project / "run")]) == 0  # the report reads the prompt-only input back
    plain = project / "plain.yaml"
    plain.write_text("input: items.jsonl\nout: run2\njudges:\n  - {name: acc, kind: baseline.accuracy}\n")
    assert (
        main(["run", str(plain), "--no-progress"]) == 1
    )  # without targets, a missing response is a bad line
    errors = (project / "run2" / "errors.jsonl").read_text()
    assert errors.count('"field": "response"') == 3
