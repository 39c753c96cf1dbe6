"""Fuzzed input: every kind of garbage gives a clear error and no crash."""

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.config import AuditConfig
from auditor.errors import UserError
from auditor.io import BadLine, read_items
from auditor.run import RunOptions, run_audit
from auditor.types import AuditItem
from tests.fakes import ScriptedJudge

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
item_like = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values | st.text(max_size=10),
        "prompt": json_values | st.text(),
        "response": json_values | st.text(),
        "reference": json_values,
        "metadata": json_values,
        "extra": json_values,
    },
)


def entries_of(path: Path) -> list[AuditItem | BadLine]:
    """Every entry of a file whose garbage is per line: no whole-file error is allowed here."""
    return list(read_items(path))


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash_the_jsonl_reader(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "items.jsonl"
    path.write_bytes(data)
    for entry in entries_of(path):
        if isinstance(entry, BadLine):
            assert entry.error.line >= 1 and str(path) in str(entry.error)


@FUZZ
@given(objs=st.lists(item_like, min_size=1, max_size=6))
def test_wrong_types_and_duplicate_ids_are_bad_lines_with_a_field(tmp_path: Path, objs: list[dict]) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(o) for o in objs) + "\n", encoding="utf-8")
    entries = entries_of(path)
    assert len(entries) == len(objs)
    ids = [e.id for e in entries if isinstance(e, AuditItem)]
    assert len(ids) == len(set(ids))
    for entry in entries:
        if isinstance(entry, BadLine):
            assert entry.error.message


@FUZZ
@given(text=st.text(alphabet=st.sampled_from("ab,\"\n\r 'x"), max_size=120))
def test_csv_with_stray_quotes_never_crashes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "items.csv"
    path.write_text("id,prompt,response\n" + text, encoding="utf-8")
    entries = entries_of(path)
    assert all(isinstance(e, AuditItem | BadLine) for e in entries)


@FUZZ
@given(data=st.binary(max_size=200))
def test_random_bytes_in_a_csv_are_bad_lines_or_one_header_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "items.csv"
    path.write_bytes(data)
    try:
        entries = list(read_items(path))
    except UserError as exc:
        assert str(exc).startswith(f"{path}:1: cannot read the CSV header")
        return
    for entry in entries:
        if isinstance(entry, BadLine):
            assert entry.error.line >= 2 and str(path) in str(entry.error)


def test_huge_fields_and_empty_files(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_text(json.dumps({"id": "x", "prompt": "q" * 2_000_000, "response": "r"}) + "\n")
    (item,) = list(read_items(big))
    assert isinstance(item, AuditItem) and len(item.question) == 2_000_000
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert list(read_items(empty)) == []
    empty_csv = tmp_path / "empty.csv"
    empty_csv.write_text("")
    assert list(read_items(empty_csv)) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(st.binary(max_size=80) | item_like.map(json.dumps).map(str.encode), max_size=8))
async def test_a_run_on_garbage_writes_only_whole_records(tmp_path: Path, data: list[bytes]) -> None:
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"\n".join(data) + b"\n")
    out = tmp_path / "run"
    options = RunOptions(path, out, overwrite=True, progress=False)
    result = await run_audit(AuditConfig(concurrency=2), options, [ScriptedJudge("j", "relevance")])
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == result.stats.items
    assert all(json.loads(line)["item_id"] for line in lines)
    errors = (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(errors) == len(result.stats.bad_lines)
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


async def test_line_separators_inside_a_bad_line_keep_each_error_on_one_line(tmp_path: Path) -> None:
    # U+2028, U+2029 and U+0085 are line ends to str.splitlines() and to some JSONL tools.
    key = "note\u2028one\u2029two\x85three"
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"id": "a", "prompt": "q", "response": "r", key: 1}) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    await run_audit(AuditConfig(), RunOptions(path, out, progress=False), [ScriptedJudge("j", "relevance")])
    (line,) = (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["field"] == key
