import json
from pathlib import Path

import pytest

from auditor.config import AuditConfig
from auditor.errors import UserError
from auditor.run import RunOptions, run_audit
from auditor.rundir import read_records, read_run_items
from tests.fakes import ScriptedJudge


def write_items(path: Path, n: int, bad_lines: dict[int, str] | None = None) -> Path:
    lines = []
    for i in range(1, n + 1):
        lines.append(
            (bad_lines or {}).get(i)
            or json.dumps({"id": f"it-{i}", "prompt": "q", "response": "r", "reference": "x"})
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def judges() -> list[ScriptedJudge]:
    return [
        ScriptedJudge(
            "acc", "accuracy", lambda item: 2.0 if item.id.endswith("3") else 5.0, needs_reference=True
        ),
        ScriptedJudge("rel", "relevance"),
    ]


async def test_bad_line_is_reported_and_every_other_item_is_judged(tmp_path: Path) -> None:
    items = write_items(tmp_path / "items.jsonl", 6, {4: '{"id": "it-4", "prompt": "q"}'})
    out = tmp_path / "run"
    result = await run_audit(AuditConfig(concurrency=3), RunOptions(items, out, progress=False), judges())
    records = read_records(out)
    assert sorted(r.item_id for r in records) == ["it-1", "it-2", "it-3", "it-5", "it-6"]
    assert all(len(r.verdicts) == 2 for r in records)
    assert result.stats.bad_lines == [
        {"file": str(items), "line": 4, "field": "response", "message": "required field is missing"}
    ]
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert errors[0]["line"] == 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["counts"]["items"] == 5 and manifest["counts"]["bad_lines"] == 1
    assert manifest["counts"]["judges"]["acc"]["failed"] == 1
    assert len(manifest["input"]["sha256"]) == 64


async def test_fail_fast_stops_at_the_first_bad_line_and_keeps_what_finished(tmp_path: Path) -> None:
    items = write_items(tmp_path / "items.jsonl", 50, {5: "{broken"})
    out = tmp_path / "run"
    result = await run_audit(
        AuditConfig(concurrency=1, fail_fast=True), RunOptions(items, out, progress=False), judges()
    )
    assert result.status == "failed"
    assert "items.jsonl:5" in (result.stop_reason or "")
    assert [r.item_id for r in read_records(out)] == ["it-1", "it-2", "it-3", "it-4"]


async def test_resume_redoes_a_torn_line_and_judges_only_what_is_missing(tmp_path: Path) -> None:
    items = write_items(tmp_path / "items.jsonl", 8)
    out = tmp_path / "run"
    await run_audit(AuditConfig(concurrency=2), RunOptions(items, out, progress=False), judges())
    lines = (out / "records.jsonl").read_text().splitlines(keepends=True)
    # a crash after 3 records, in the middle of writing the 4th
    (out / "records.jsonl").write_text("".join(lines[:3]) + lines[3][:25])
    fresh = judges()
    result = await run_audit(
        AuditConfig(concurrency=2), RunOptions(items, out, resume=True, progress=False), fresh
    )
    records = read_records(out)
    assert sorted(r.item_id for r in records) == sorted(f"it-{i}" for i in range(1, 9))
    assert len(records) == 8
    assert len(fresh[0].calls) == 5 and result.skipped_done == 3
    assert result.stats.items == 8


async def test_an_existing_run_is_not_overwritten_by_accident(tmp_path: Path) -> None:
    items = write_items(tmp_path / "items.jsonl", 2)
    out = tmp_path / "run"
    await run_audit(AuditConfig(), RunOptions(items, out, progress=False), judges())
    with pytest.raises(UserError, match="already holds a run"):
        await run_audit(AuditConfig(), RunOptions(items, out, progress=False), judges())
    await run_audit(AuditConfig(), RunOptions(items, out, overwrite=True, progress=False), judges())
    assert len(read_records(out)) == 2


async def test_resume_writes_each_bad_line_once(tmp_path: Path) -> None:
    items = write_items(tmp_path / "items.jsonl", 4, {2: "{broken"})
    out = tmp_path / "run"
    await run_audit(AuditConfig(), RunOptions(items, out, progress=False), judges())
    for _ in range(2):
        await run_audit(AuditConfig(), RunOptions(items, out, resume=True, progress=False), judges())
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["line"] for e in errors] == [2]


async def test_resume_refuses_a_changed_input_unless_forced_and_keeps_the_first_hash(tmp_path: Path) -> None:
    items = write_items(tmp_path / "items.jsonl", 4)
    out = tmp_path / "run"
    await run_audit(AuditConfig(), RunOptions(items, out, progress=False), judges())
    first_hash = json.loads((out / "manifest.json").read_text())["input"]["sha256"]
    write_items(items, 6)  # two more items: another file
    before = (out / "records.jsonl").read_text()
    with pytest.raises(UserError) as refused:
        await run_audit(AuditConfig(), RunOptions(items, out, resume=True, progress=False), judges())
    message = str(refused.value)
    assert "\n" not in message and "cannot resume" in message and "input" in message and "sha256" in message
    assert "--force" in message
    assert (out / "records.jsonl").read_text() == before  # a refused resume changes nothing
    assert json.loads((out / "manifest.json").read_text())["input"]["sha256"] == first_hash

    options = RunOptions(items, out, resume=True, force=True, progress=False)
    result = await run_audit(AuditConfig(), options, judges())
    assert result.status == "complete" and result.stats.items == 6
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["input"]["sha256"] == first_hash  # what the run started with
    (resume,) = manifest["resumes"]
    assert resume["forced"] is True and resume["changed"][0].startswith(f"input {items} sha256")
    assert resume["input_sha256"] != first_hash
    # the resumed run can still be read back with its input as it is now
    assert len(read_run_items(out)) == 6


async def test_resume_refuses_other_judges(tmp_path: Path) -> None:
    items = write_items(tmp_path / "items.jsonl", 4)
    out = tmp_path / "run"
    await run_audit(AuditConfig(), RunOptions(items, out, progress=False), judges())
    other = [judges()[0], ScriptedJudge("tone", "relevance")]
    with pytest.raises(UserError, match=r"cannot resume, changed since the run: judges \['acc', 'rel'\]"):
        await run_audit(AuditConfig(), RunOptions(items, out, resume=True, progress=False), other)
