import json
from pathlib import Path

import pytest

from auditor.errors import UserError
from auditor.io import BadLine, read_items, read_models, read_text_file
from auditor.types import AuditItem, HumanLabel


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good(i: int, **extra: object) -> str:
    return json.dumps({"id": f"it-{i}", "prompt": "q?", "response": "a.", **extra})


def test_jsonl_bad_lines_name_line_and_field_and_the_rest_still_reads(tmp_path: Path) -> None:
    path = write(
        tmp_path / "items.jsonl",
        [
            good(1),
            '{"id": "it-2", "prompt": "q", "respons": "typo"}',
            "not json at all",
            good(3),
            json.dumps({"id": "it-4", "prompt": "q", "response": 42}),
            good(1),
        ],
    )
    entries = list(read_items(path))
    items = [e for e in entries if isinstance(e, AuditItem)]
    bad = [e.error for e in entries if isinstance(e, BadLine)]
    assert [i.id for i in items] == ["it-1", "it-3"]
    assert [(b.line, b.field) for b in bad] == [(2, "respons"), (3, None), (5, "response"), (6, "id")]
    assert "unknown field (did you mean 'response'?)" in bad[0].message
    assert str(bad[0]).startswith(f"{path}:2: field 'respons'")
    assert "duplicate item id 'it-1'" in bad[3].message


def test_chat_prompt_and_metadata(tmp_path: Path) -> None:
    turns = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
        {"role": "user", "content": "What is the fee?"},
    ]
    path = write(tmp_path / "items.jsonl", [good(1, prompt=turns, metadata={"marketplace": "DE"})])
    (item,) = list(read_items(path))
    assert isinstance(item, AuditItem)
    assert item.question == "What is the fee?"
    assert item.user_text == "hi\nWhat is the fee?"
    assert item.metadata["marketplace"] == "DE"


def test_invalid_utf8_is_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_bytes(good(1).encode() + b"\n" + b'{"id": "\xff\xfe"}\n' + good(2).encode() + b"\n")
    entries = list(read_items(path))
    assert [type(e).__name__ for e in entries] == ["AuditItem", "BadLine", "AuditItem"]
    assert "UTF-8" in entries[1].error.message  # type: ignore[union-attr]


def test_csv_items_with_metadata_columns_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text(
        "id,prompt,response,reference,metadata.marketplace\n"
        'a1,"How long, exactly?","30 days, starting today.",30 days,US\n'
        "a2,q,r\n"
        "a3,q,r,,JP\n",
        encoding="utf-8",
    )
    entries = list(read_items(path))
    assert isinstance(entries[0], AuditItem) and entries[0].metadata == {"marketplace": "US"}
    assert entries[0].prompt == "How long, exactly?" and entries[0].reference == "30 days"
    assert isinstance(entries[1], BadLine) and entries[1].error.line == 3
    assert isinstance(entries[2], AuditItem) and entries[2].reference is None


def test_csv_unknown_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text("id,prompt,response,colour\nx,q,r,blue\n", encoding="utf-8")
    (entry,) = list(read_items(path))
    assert isinstance(entry, BadLine)
    assert (entry.error.line, entry.error.field) == (2, "colour")


def test_labels_need_a_score_or_a_label(tmp_path: Path) -> None:
    path = write(
        tmp_path / "labels.jsonl",
        [
            json.dumps({"item_id": "a", "annotator": "x", "criterion": "accuracy", "score": 4}),
            json.dumps({"item_id": "a", "annotator": "y", "criterion": "accuracy"}),
        ],
    )
    entries = list(read_models(path, HumanLabel))
    assert isinstance(entries[0], HumanLabel)
    assert isinstance(entries[1], BadLine) and "score" in entries[1].error.message


@pytest.mark.parametrize("name", ["items.txt", "missing.jsonl"])
def test_unreadable_inputs_are_user_errors(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match=name):
        list(read_items(path))


def test_a_missing_or_unreadable_file_a_user_names_is_one_line_saying_which(tmp_path: Path) -> None:
    from auditor.config import load_config
    from auditor.thresholds import Thresholds

    with pytest.raises(UserError, match=r"t.json: no thresholds here"):
        read_text_file(tmp_path / "t.json", what="thresholds file", missing="no thresholds here")
    with pytest.raises(UserError, match=rf"^{tmp_path}: cannot read the config file: Is a directory$"):
        load_config(tmp_path)
    with pytest.raises(UserError, match=rf"^{tmp_path}: cannot read the thresholds file: Is a directory$"):
        Thresholds.read(tmp_path)
