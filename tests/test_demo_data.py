"""The synthetic demo set in examples/seller_support is what users see first: keep it sound.

Plain json and csv only (no auditor imports), so the data is checked independently of the
code that reads it.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "examples" / "seller_support"

ITEM_KEYS = {"id", "prompt", "response", "reference", "context", "metadata"}
METADATA_KEYS = {"marketplace", "language", "category", "defect"}
LABEL_KEYS = {"item_id", "annotator", "criterion", "score", "label", "spans", "note"}
SPAN_KEYS = {"start", "end", "label", "text"}
CSV_COLUMNS = ["item_id", "annotator", "criterion", "score", "label", "note"]

ANNOTATORS = {"ann_a", "ann_b"}
CATEGORIES = {"account_health", "fees", "listings", "returns_claims", "payments", "tax_vat", "shipping"}
DEFECTS = {"wrong_fact", "off_topic", "evasive", "wrong_language", "pii_leak"}
REQUIRED_LANGUAGES = {"en", "zh", "ja", "es", "de", "pt"}
ENTITY_LABELS = {
    "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "UK_NINO", "IN_PAN",
    "IN_AADHAAR", "BR_CPF", "CN_RESIDENT_ID", "JP_MY_NUMBER", "PERSON", "LOCATION",
}  # fmt: skip


def _read_jsonl(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@cache
def _items() -> tuple[dict[str, Any], ...]:
    return tuple(_read_jsonl("items.jsonl"))


@cache
def _labels() -> tuple[dict[str, Any], ...]:
    return tuple(_read_jsonl("labels.jsonl"))


@pytest.fixture
def items() -> tuple[dict[str, Any], ...]:
    return _items()


@pytest.fixture
def by_id() -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in _items()}


@pytest.fixture
def labels() -> tuple[dict[str, Any], ...]:
    return _labels()


def _has_ground(item: dict[str, Any]) -> bool:
    """Accuracy can only be judged against a reference or a policy context."""
    return item["reference"] is not None or item["context"] is not None


def _pairs(labels: tuple[dict[str, Any], ...], criterion: str) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in labels:
        if row["criterion"] == criterion:
            out[row["item_id"]][row["annotator"]] = row
    return out


# --- items -----------------------------------------------------------------------------


def test_enough_items_with_unique_ids(items):
    assert len(items) >= 60
    ids = [item["id"] for item in items]
    assert len(set(ids)) == len(ids)


def test_item_keys_are_exactly_the_allowed_ones(items):
    for item in items:
        assert set(item) == ITEM_KEYS, item["id"]
        assert set(item["metadata"]) == METADATA_KEYS, item["id"]


def test_item_field_types(items):
    for item in items:
        assert isinstance(item["response"], str) and item["response"].strip(), item["id"]
        for key in ("reference", "context"):
            assert item[key] is None or (isinstance(item[key], str) and item[key].strip()), item["id"]
        prompt = item["prompt"]
        if isinstance(prompt, str):
            assert prompt.strip(), item["id"]
        else:
            assert prompt and all(set(t) == {"role", "content"} for t in prompt), item["id"]
            assert all(t["role"] in {"user", "assistant", "system"} for t in prompt), item["id"]
            assert prompt[-1]["role"] == "user", item["id"]


def test_some_prompts_are_multi_turn(items):
    assert sum(isinstance(item["prompt"], list) for item in items) >= 4


def test_marketplaces_and_languages(items):
    markets = Counter(item["metadata"]["marketplace"] for item in items)
    assert len(markets) >= 6
    assert len([m for m, n in markets.items() if n >= 3]) >= 6
    languages = Counter(item["metadata"]["language"] for item in items)
    for lang in REQUIRED_LANGUAGES:
        assert languages[lang] >= 6, (lang, languages[lang])


def test_categories(items):
    categories = Counter(item["metadata"]["category"] for item in items)
    assert set(categories) == CATEGORIES
    assert min(categories.values()) >= 4


def test_defect_kinds(items):
    defects = Counter(item["metadata"]["defect"] for item in items)
    assert set(defects) <= DEFECTS | {None}
    for kind in DEFECTS:
        assert defects[kind] >= 4, kind
    assert defects["pii_leak"] >= 8
    good_share = defects[None] / len(items)
    assert 0.5 <= good_share <= 0.65


def test_wrong_fact_items_can_be_checked(items):
    for item in items:
        if item["metadata"]["defect"] == "wrong_fact":
            assert _has_ground(item), item["id"]


def test_reference_and_context_mix(items):
    with_reference = sum(item["reference"] is not None for item in items) / len(items)
    with_context = sum(item["context"] is not None for item in items) / len(items)
    assert 0.7 <= with_reference <= 0.9
    assert 0.2 <= with_context <= 0.4
    assert any(item["context"] is not None and item["reference"] is None for item in items)
    assert any(not _has_ground(item) for item in items)


# --- human labels ----------------------------------------------------------------------


def test_label_keys_and_values(labels, by_id):
    for row in labels:
        assert set(row) == LABEL_KEYS, row
        assert row["item_id"] in by_id, row["item_id"]
        assert row["annotator"] in ANNOTATORS
        assert row["note"] is None or isinstance(row["note"], str)
        if row["criterion"] in {"accuracy", "relevance"}:
            assert isinstance(row["score"], int) and 1 <= row["score"] <= 5, row
            assert row["label"] is None and row["spans"] == [], row
        else:
            assert row["criterion"] == "pii_leakage", row
            assert row["score"] is None and row["label"] in {"leak", "no_leak"}, row


def test_two_annotators_per_item_and_criterion(labels, by_id):
    seen = Counter((row["item_id"], row["criterion"], row["annotator"]) for row in labels)
    assert max(seen.values()) == 1, "duplicate label"
    for item_id, item in by_id.items():
        for criterion in ("relevance", "pii_leakage"):
            assert {a for a in ANNOTATORS if (item_id, criterion, a) in seen} == ANNOTATORS
        expected = ANNOTATORS if _has_ground(item) else set()
        assert {a for a in ANNOTATORS if (item_id, "accuracy", a) in seen} == expected, item_id


def test_spans_point_into_the_response(labels, by_id):
    for row in labels:
        response = by_id[row["item_id"]]["response"]
        if row["criterion"] == "pii_leakage":
            assert bool(row["spans"]) == (row["label"] == "leak"), row["item_id"]
        for span in row["spans"]:
            assert set(span) == SPAN_KEYS
            assert span["label"] in ENTITY_LABELS
            assert 0 <= span["start"] < span["end"] <= len(response)
            assert response[span["start"] : span["end"]] == span["text"], (row["item_id"], span)


def test_pii_labels_match_the_defects(labels, by_id):
    for item_id, pair in _pairs(labels, "pii_leakage").items():
        verdicts = {row["label"] for row in pair.values()}
        if by_id[item_id]["metadata"]["defect"] == "pii_leak":
            assert "leak" in verdicts, item_id
        else:
            assert verdicts == {"no_leak"}, item_id


def test_scores_reflect_the_defects(labels, by_id):
    accuracy = _pairs(labels, "accuracy")
    relevance = _pairs(labels, "relevance")
    for item_id, item in by_id.items():
        defect = item["metadata"]["defect"]
        acc = [row["score"] for row in accuracy.get(item_id, {}).values()]
        rel = [row["score"] for row in relevance[item_id].values()]
        if defect is None:
            assert min(acc, default=5) >= 4 and min(rel) >= 4, item_id
        elif defect == "wrong_fact":
            assert max(acc) <= 2, item_id
        elif defect in {"off_topic", "evasive"}:
            assert max(rel) <= 2, item_id
        elif defect == "wrong_language":
            assert max(rel) <= 3, item_id


@pytest.mark.parametrize("criterion", ["accuracy", "relevance"])
def test_annotators_disagree_sometimes_but_not_mostly(labels, criterion):
    pairs = [p for p in _pairs(labels, criterion).values() if set(p) == ANNOTATORS]
    diffs = Counter(abs(p["ann_a"]["score"] - p["ann_b"]["score"]) for p in pairs)
    exact = diffs[0] / len(pairs)
    assert 0.6 <= exact <= 0.95, exact
    assert max(diffs) <= 2


def test_pii_annotators_mostly_agree(labels):
    pairs = _pairs(labels, "pii_leakage").values()
    differ = [
        p
        for p in pairs
        if p["ann_a"]["label"] != p["ann_b"]["label"] or p["ann_a"]["spans"] != p["ann_b"]["spans"]
    ]
    assert 1 <= len(differ) <= 4


def test_csv_sample_matches_the_jsonl(labels):
    with (DATA / "labels.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == CSV_COLUMNS
        rows = list(reader)
    assert rows
    expected = {(r["item_id"], r["annotator"], r["criterion"]): r for r in labels}
    for row in rows:
        key = (row["item_id"], row["annotator"], row["criterion"])
        assert key in expected, key
        want = expected[key]
        assert row["score"] == ("" if want["score"] is None else str(want["score"])), key
        assert row["label"] == (want["label"] or ""), key
        assert row["note"] == (want["note"] or ""), key
    sample = {row["item_id"] for row in rows}
    assert len(rows) == sum(1 for r in labels if r["item_id"] in sample)


def test_readme_says_synthetic():
    text = (DATA / "README.md").read_text(encoding="utf-8").lower()
    assert "synthetic" in text and "fictional" in text
