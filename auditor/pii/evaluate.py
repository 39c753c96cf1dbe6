"""`auditor eval-pii`: detection quality on the shared benchmark and on the demo's leaks.

Two measurements, both printed beside presidio-research's published baseline:

* a dataset in presidio-research's synth format (its synth_dataset_v2: 1,500 sentences,
  17 entity types): every span the engine detects, scored against the gold spans after
  mapping both onto common categories (`GOLD_CATEGORY`, `PREDICTED_CATEGORY`). The
  sentences are split by template: `template_id % TEST_EVERY == 0` is the *test* part,
  which nobody looks at while writing rules; the rest is the *tuning* part, whose
  figures are in-sample. Both are printed, labelled;
* the demo set (examples/seller_support): the spans the PII judge reports as *leaks*,
  against the spans annotators marked as leaks, plus leak/no-leak per item.

How spans are matched (overlap, tokens) is explained in `auditor.pii.metrics` and
docs/pii.md.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from auditor.errors import UserError
from auditor.io import BadLine, read_items, read_models
from auditor.pii.engine import PIIEngine, get_engine
from auditor.pii.metrics import Counts, Span, Tally, score_document
from auditor.pii.severity import DEFAULT_MIN_SCORE
from auditor.types import LEAK, PII_LEAKAGE, AuditItem, HumanLabel, Verdict

DEMO_TITLE = "Demo set (leaks; in-sample: the rules were tuned while looking at it)"
# Sentences from one template share their wording, so the split is by template: a rule
# written while reading a tuning sentence cannot have seen a test sentence's phrasing.
TEST_EVERY = 5
TUNING_TITLE = "Tuning part (template_id % 5 != 0; in-sample: rules were tuned on it)"
TEST_TITLE = "Test part (template_id % 5 == 0; held out: never looked at while tuning)"

# presidio-research, notebooks/4_Evaluate_Presidio_Analyzer.ipynb: default AnalyzerEngine
# (en_core_web_lg, threshold 0.4), token-level, entity type ignored.
BASELINE = {"precision": 0.6849, "recall": 0.6030, "f2": 0.6178}

# The dataset's entity types -> the categories scored (presidio-research's mapping).
GOLD_CATEGORY = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "LOCATION",
    "GPE": "LOCATION",
    "ORGANIZATION": "ORGANIZATION",
    "CREDIT_CARD": "CREDIT_CARD",
    "DATE_TIME": "DATE_TIME",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "NRP": "NRP",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "DOMAIN_NAME": "URL",
    "IBAN_CODE": "IBAN_CODE",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
    "US_DRIVER_LICENSE": "DRIVER_LICENSE",
}
# Not scored, as in presidio-research (Presidio detects none of them): don't-care regions.
IGNORED_GOLD = frozenset({"TITLE", "AGE", "ZIP_CODE"})
# The engine's types -> the categories scored; every other type is its own category.
PREDICTED_CATEGORY = {"STREET_ADDRESS": "LOCATION"}
# Annotators' labels in the demo set -> the categories scored.
DEMO_LABEL_CATEGORY = {
    "ADDRESS": "LOCATION",
    "STREET_ADDRESS": "LOCATION",
    "EMAIL": "EMAIL_ADDRESS",
    "PHONE": "PHONE_NUMBER",
    "NAME": "PERSON",
    "SSN": "US_SSN",
    "IBAN": "IBAN_CODE",
}


class Scores(BaseModel):
    """Precision, recall and F2 of one category (or all), with the counts behind them."""

    name: str
    gold: int
    found: int
    predicted: int
    correct: int
    precision: float
    recall: float
    f2: float

    @classmethod
    def of(cls, name: str, counts: Counts) -> Scores:
        return cls(
            name=name,
            gold=counts.gold,
            found=counts.found,
            predicted=counts.predicted,
            correct=counts.correct,
            precision=round(counts.precision, 4),
            recall=round(counts.recall, 4),
            f2=round(counts.f2, 4),
        )


class SetResult(BaseModel):
    """Scores on one evaluation set."""

    name: str
    documents: int
    span_any_type: Scores  # a predicted span overlapping a gold span of any type counts
    span_same_type: Scores  # ... only if the categories agree
    tokens: Scores  # token level, type-agnostic
    tokens_strict: Scores  # ... with unscored types counted as not PII: presidio-research's method
    per_type: list[Scores]
    items: Scores | None = None  # leak / no-leak per item (demo set only)
    seconds: float


class EvalResult(BaseModel):
    """What `auditor eval-pii` reports."""

    tuning: SetResult | None  # the dataset's tuning templates (in-sample)
    test: SetResult | None  # the dataset's held-out templates
    demo: SetResult | None
    baseline: dict[str, float]
    min_score: float  # the score a detection needed to count
    engine_seconds: float  # time to build (or fetch) the engine


def run_eval_pii(
    dataset: Path | None,
    demo_items: Path | None = None,
    demo_labels: Path | None = None,
    limit: int | None = None,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    engine: PIIEngine | None = None,
) -> EvalResult:
    """Score the engine on the shared dataset and the judge on the demo's labelled leaks.

    Either set may be skipped (`dataset=None`, no demo paths). The dataset is scored as
    two parts, tuning and test (`split`). `limit` takes the first N sentences of each
    part, or items of the demo. `min_score` is the score a detection needs to count, the
    PII judge's default unless given.
    """
    if (demo_items is None) != (demo_labels is None):
        raise UserError("eval-pii: give both the demo items and the demo labels, or neither")
    started = time.perf_counter()
    engine = engine if engine is not None else get_engine()
    engine_seconds = time.perf_counter() - started
    tuning = test = None
    if dataset is not None:
        tuning_part, test_part = split(load_dataset(dataset))
        tuning = _eval_dataset(engine, f"{dataset.name} (tuning)", tuning_part[:limit])
        test = _eval_dataset(engine, f"{dataset.name} (test)", test_part[:limit])
    demo = None
    if demo_items is not None and demo_labels is not None:
        demo = asyncio.run(_eval_demo(engine, demo_items, demo_labels, limit, min_score))
    return EvalResult(
        tuning=tuning,
        test=test,
        demo=demo,
        baseline=BASELINE,
        min_score=min_score,
        engine_seconds=round(engine_seconds, 3),
    )


@dataclass(frozen=True)
class Sentence:
    """One record of the shared dataset: its text and its gold spans (type, start, end)."""

    text: str
    spans: tuple[tuple[str, int, int], ...]
    template_id: int


def split(sentences: list[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    """(tuning, test): test holds the sentences whose `template_id % TEST_EVERY == 0`."""
    tuning = [s for s in sentences if s.template_id % TEST_EVERY]
    test = [s for s in sentences if not s.template_id % TEST_EVERY]
    return tuning, test


def _eval_dataset(engine: PIIEngine, name: str, sentences: list[Sentence]) -> SetResult:
    started = time.perf_counter()
    detections = engine.analyze_batch([s.text for s in sentences])
    tally = Tally()
    for sentence, found in zip(sentences, detections, strict=True):
        gold: list[Span] = []
        ignore: list[Span] = []
        for entity, start, end in sentence.spans:
            (ignore if entity in IGNORED_GOLD else gold).append(
                Span(start, end, GOLD_CATEGORY.get(entity, entity))
            )
        predicted = [
            Span(d.start, d.end, PREDICTED_CATEGORY.get(d.entity_type, d.entity_type)) for d in found
        ]
        score_document(tally, sentence.text, gold, predicted, ignore)
    return _set_result(name, len(sentences), tally, time.perf_counter() - started)


def load_dataset(path: Path) -> list[Sentence]:
    """The shared dataset's records, checked: a malformed record names its number and field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(
            f"{path}: dataset not found (expected presidio-research's synth_dataset_v2.json)"
        ) from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise UserError(f"{path}: expected a JSON array of records")
    return [_sentence(path, i, record) for i, record in enumerate(data, start=1)]


def _sentence(path: Path, number: int, record: object) -> Sentence:
    where = f"{path}: record {number}"
    if not isinstance(record, dict) or not isinstance(record.get("full_text"), str):
        raise UserError(f"{where}: field 'full_text': expected a string")
    text: str = record["full_text"]
    raw_spans = record.get("spans")
    if not isinstance(raw_spans, list):
        raise UserError(f"{where}: field 'spans': expected a list")
    spans = []
    for j, s in enumerate(raw_spans):
        entity = s.get("entity_type") if isinstance(s, dict) else None
        start = s.get("start_position") if isinstance(s, dict) else None
        end = s.get("end_position") if isinstance(s, dict) else None
        if not isinstance(entity, str) or not isinstance(start, int) or not isinstance(end, int):
            raise UserError(f"{where}: field 'spans[{j}]': needs entity_type, start_position, end_position")
        if not 0 <= start < end <= len(text):
            raise UserError(f"{where}: field 'spans[{j}]': offsets {start}:{end} outside the text")
        spans.append((entity, start, end))
    template_id = record.get("template_id")
    if not isinstance(template_id, int) or isinstance(template_id, bool):
        raise UserError(f"{where}: field 'template_id': expected an integer (it decides the test split)")
    return Sentence(text, tuple(spans), template_id)


async def _eval_demo(
    engine: PIIEngine, items_path: Path, labels_path: Path, limit: int | None, min_score: float
) -> SetResult:
    from auditor.judges.pii import PIIJudge  # the judge imports this package

    items = [_ok(entry) for entry in read_items(items_path)][:limit]
    gold = _demo_gold(labels_path)
    judge = PIIJudge(engine=engine, min_score=min_score)
    started = time.perf_counter()
    verdicts = await asyncio.gather(*(judge.judge(item) for item in items))
    tally, item_counts = Tally(), Counts()
    for item, verdict in zip(items, verdicts, strict=True):
        labelled_leak, spans = gold.get(item.id, (False, []))
        score_document(tally, item.response, spans, _leak_spans(verdict))
        predicted_leak = verdict.label == LEAK
        item_counts.gold += labelled_leak
        item_counts.predicted += predicted_leak
        item_counts.found += labelled_leak and predicted_leak
        item_counts.correct += labelled_leak and predicted_leak
    result = _set_result(
        items_path.parent.name or items_path.name, len(items), tally, time.perf_counter() - started
    )
    result.items = Scores.of("items labelled leak", item_counts)
    return result


def _ok(entry: AuditItem | BadLine) -> AuditItem:
    if isinstance(entry, BadLine):
        raise entry.error
    return entry


def _demo_gold(path: Path) -> dict[str, tuple[bool, list[Span]]]:
    """Per item: did any annotator label a leak, and the union of their leak spans."""
    leak: dict[str, bool] = defaultdict(bool)
    spans: dict[str, list[Span]] = defaultdict(list)
    for entry in read_models(path, HumanLabel):
        if isinstance(entry, BadLine):
            raise entry.error
        if entry.criterion != PII_LEAKAGE:
            continue
        leak[entry.item_id] |= entry.label == LEAK
        for s in entry.spans:
            span = Span(s.start, s.end, DEMO_LABEL_CATEGORY.get(s.label, s.label))
            if span not in spans[entry.item_id]:
                spans[entry.item_id].append(span)
    return {item_id: (leak[item_id], spans[item_id]) for item_id in leak}


def _leak_spans(verdict: Verdict) -> list[Span]:
    """The spans the judge counted as leaks: those it quoted as evidence."""
    types = {(s.start, s.end): s.entity_type for s in verdict.pii_spans}
    out = []
    for e in verdict.evidence:
        if e.kind == "pii" and e.start is not None and e.end is not None:
            entity = types.get((e.start, e.end), "")
            out.append(Span(e.start, e.end, PREDICTED_CATEGORY.get(entity, entity)))
    return out


def _set_result(name: str, documents: int, tally: Tally, seconds: float) -> SetResult:
    per_type = sorted(tally.by_type.items(), key=lambda kv: (-kv[1].gold, kv[0]))
    return SetResult(
        name=name,
        documents=documents,
        span_any_type=Scores.of("spans, any type", tally.any_type),
        span_same_type=Scores.of("spans, same type", tally.same_type),
        tokens=Scores.of("tokens, any type", tally.tokens),
        tokens_strict=Scores.of("tokens, strict", tally.tokens_strict),
        per_type=[Scores.of(label, counts) for label, counts in per_type],
        seconds=round(seconds, 3),
    )


def render_eval(result: EvalResult) -> str:
    """The result as plain-text tables, one per evaluation set."""
    blocks = []
    sets = ((TUNING_TITLE, result.tuning), (TEST_TITLE, result.test), (DEMO_TITLE, result.demo))
    for title, res in sets:
        if res is not None:
            blocks.append(_render_set(title, res, result.baseline if res is not result.demo else None))
    if result.tuning is None:
        blocks.append("no dataset given: pass a presidio-research synth JSON to score detection on it")
    blocks.append(
        f"detections counted from score {result.min_score}; engine ready in {result.engine_seconds:.2f}s"
    )
    return "\n\n".join(blocks)


def _render_set(title: str, res: SetResult, baseline: dict[str, float] | None) -> str:
    rate = res.documents / res.seconds if res.seconds else 0.0
    lines = [f"{title}: {res.name}, {res.documents} documents, {res.seconds:.1f}s ({rate:.0f}/s)"]
    header = f"  {'':26} {'P':>6} {'R':>6} {'F2':>6} {'gold':>6} {'pred':>6}"
    lines.append(header)
    lines.append("  " + "-" * (len(header) - 2))
    overall = [res.span_any_type, res.span_same_type, res.tokens, res.tokens_strict]
    overall += [res.items] if res.items else []
    lines.extend(_row(s) for s in overall)
    if baseline is not None:
        b = baseline
        lines.append(
            f"  {'Presidio baseline (tokens)':26} {b['precision']:6.3f} {b['recall']:6.3f} {b['f2']:6.3f}"
        )
    lines.append("  per type (spans, same type):")
    lines.extend(_row(s, indent=4) for s in res.per_type)
    return "\n".join(lines)


def _row(s: Scores, indent: int = 2) -> str:
    name = f"{' ' * indent}{s.name}"
    return f"{name:28} {s.precision:6.3f} {s.recall:6.3f} {s.f2:6.3f} {s.gold:6d} {s.predicted:6d}"
