"""The review queue as flat rows: CSV for teams that annotate in a spreadsheet, JSONL for tools.

CSV: one row per item in queue order; the route (with a leak's regulatory `escalation`),
the item's text, empty columns for the human (`annotator`, `human.<criterion>`,
`human.note`), then each judge's columns
(`judge.<name>.score|label|confidence|reasoning`, plus `.pii_spans` for PII judges).
`auditor import-labels` reads the human columns back.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from auditor.labelstudio.config_xml import PII_CHOICE, RATING_CONTROLS
from auditor.labelstudio.queue import QueueEntry
from auditor.pii.redact import Redactor
from auditor.regulatory.describe import escalation_text
from auditor.types import PII_LEAKAGE, AuditRecord, Verdict

ITEM_ID = "item_id"
ANNOTATOR = "annotator"
HUMAN_PREFIX = "human."
HUMAN_CRITERIA: tuple[str, ...] = (*RATING_CONTROLS, PII_CHOICE)
HUMAN_NOTE = HUMAN_PREFIX + "note"
HUMAN_COLUMNS: tuple[str, ...] = (ANNOTATOR, *(HUMAN_PREFIX + c for c in HUMAN_CRITERIA), HUMAN_NOTE)
LEAD_COLUMNS = ("queue_rank", ITEM_ID, "route_decision", "route_priority", "route_reasons", "escalation")
TEXT_COLUMNS = ("prompt", "response", "reference", "context")
JUDGE_FIELDS = ("score", "label", "confidence", "reasoning")

# A spreadsheet runs a cell that starts with one of these as a formula; model output can
# start with anything, so free text gets a leading apostrophe (OWASP's CSV injection advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def judge_columns(records: list[AuditRecord]) -> list[str]:
    """`judge.<name>.<field>` for every judge of the run, in first-seen order."""
    judges: dict[str, str] = {}
    for r in records:
        for v in r.verdicts:
            judges.setdefault(v.judge, v.criterion)
    columns = []
    for name, criterion in judges.items():
        columns += [f"judge.{name}.{f}" for f in JUDGE_FIELDS]
        if criterion == PII_LEAKAGE:
            columns.append(f"judge.{name}.pii_spans")
    return columns


def to_csv(queue: list[QueueEntry], redactor: Redactor) -> str:
    """The CSV text of the queue (header first)."""
    header = [
        *LEAD_COLUMNS,
        *TEXT_COLUMNS,
        *HUMAN_COLUMNS,
        *judge_columns([e.record for e in queue]),
        "metadata",
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, restval="", lineterminator="\n")
    writer.writeheader()
    for entry in queue:
        writer.writerow(_csv_row(entry, redactor))
    return buffer.getvalue()


def _csv_row(entry: QueueEntry, redactor: Redactor) -> dict[str, str]:
    item, route = entry.item, entry.record.route
    row = {
        "queue_rank": str(entry.rank),
        ITEM_ID: item.id,
        "route_decision": route.decision,
        "route_priority": f"{route.priority:g}",
        "route_reasons": "; ".join(route.reasons),
        "escalation": escalation_text(entry.record) or "",
        "prompt": redactor.text(item.prompt_text),
        "response": redactor.response(item.response, entry.record.pii_spans),
        "reference": redactor.text(item.reference or ""),
        "context": redactor.text(item.context or ""),
        "metadata": json.dumps(redactor.json(item.metadata), ensure_ascii=False, sort_keys=True)
        if item.metadata
        else "",
    }
    for v in entry.record.verdicts:
        row.update(_judge_cells(v, redactor))
    return {k: _safe_cell(value) if k != ITEM_ID else value for k, value in row.items()}


def _judge_cells(v: Verdict, redactor: Redactor) -> dict[str, str]:
    prefix = f"judge.{v.judge}."
    cells = {
        prefix + "score": f"{v.score:g}" if v.score is not None else "",
        prefix + "label": v.label or "",
        prefix + "confidence": f"{v.confidence:.3g}" if v.confidence is not None else "",
        prefix + "reasoning": redactor.text(v.reasoning if v.scored else f"unscored: {v.unscored_reason}"),
    }
    if v.criterion == PII_LEAKAGE:
        spans = (f"{s.entity_type} {s.start}-{s.end} ({s.source}, {s.severity})" for s in v.pii_spans)
        cells[prefix + "pii_spans"] = "; ".join(spans)
    return cells


def _safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_jsonl(queue: list[QueueEntry], redactor: Redactor) -> str:
    """One line per item in queue order: `{"queue_rank", "item", "record"}`, as a run stores them."""
    lines = []
    for entry in queue:
        item = entry.item.model_dump(mode="json", exclude_none=True)
        item["response"] = redactor.response(entry.item.response, entry.record.pii_spans)
        line: dict[str, Any] = {
            "queue_rank": entry.rank,
            "item": redactor.json(item) | {"id": entry.item.id},  # ids join files: never masked
            "record": redactor.json(entry.record.model_dump(mode="json", exclude_none=True))
            | {"item_id": entry.record.item_id},
        }
        lines.append(json.dumps(line, ensure_ascii=False) + "\n")
    return "".join(lines)
