"""One review-queue entry -> one Label Studio task, the judges' verdicts as predictions.

The first prediction, "auditor consensus", pre-fills every control at once from the
record's per-criterion consensus (the judges' mean score, the majority label, every PII
span found): Label Studio pre-labels from one model version at a time, so this is the
one to select in the project settings. Then each scored verdict becomes one prediction
of its own: `model_version` names the judge and the versions behind it, `score` is the
judge's confidence, and the result pre-fills the control of the verdict's criterion (a
1-5 rating, the leak/no_leak choice, the PII spans as labelled regions of the response).
Verdicts that could not be produced have no prediction; the "judges" text says why.
"""

from __future__ import annotations

import json
import math
from typing import Any

from auditor.aggregate import consensus
from auditor.errors import UserError
from auditor.labelstudio.config_xml import ESCALATION, MAX_RATING, PII_CHOICE, PII_SPANS, RATING_CONTROLS
from auditor.labelstudio.config_xml import RESPONSE as RESPONSE_TAG
from auditor.labelstudio.queue import QueueEntry
from auditor.pii.redact import Redactor
from auditor.regulatory.describe import escalation_text
from auditor.types import LEAK, NO_LEAK, PII_LEAKAGE, AuditItem, AuditRecord, Verdict

NONE_TEXT = "(none)"
CONSENSUS = "consensus"
CONSENSUS_VERSION = "auditor consensus (all judges)"


def check_spans(item: AuditItem, record: AuditRecord) -> None:
    """Every PII span must quote the response at its offsets, or regions would mark the wrong text."""
    for v in record.verdicts:
        for s in v.pii_spans:
            if not (0 <= s.start < s.end <= len(item.response)) or item.response[s.start : s.end] != s.text:
                raise UserError(
                    f"item '{item.id}': judge '{v.judge}' reports {s.entity_type} at {s.start}-{s.end} "
                    f"({s.text!r}), which is not the response's text there; "
                    "were the records written for a different input?"
                )


def build_task(entry: QueueEntry, redactor: Redactor) -> dict[str, Any]:
    """The Label Studio task of one queue entry (import format: data + predictions)."""
    item, record = entry.item, entry.record
    response = redactor.response(item.response, record.pii_spans)
    predictions = [p for v in record.verdicts if (p := prediction(v, response)) is not None]
    if (merged := consensus_prediction(record, response)) is not None:
        predictions.insert(0, merged)
    return {"data": task_data(entry, redactor, response), "predictions": predictions}


def consensus_prediction(record: AuditRecord, response: str) -> dict[str, Any] | None:
    """Every control pre-filled from the judges' consensus; None when nothing was scored."""
    result: list[dict[str, Any]] = []
    # Records written by `auditor run` carry their consensus; others get it computed here.
    for c in record.consensus or consensus(record.verdicts, max_score_spread=1.0):
        if c.criterion in RATING_CONTROLS and (rating := as_rating(c.score)) is not None:
            result.append(_result(f"{CONSENSUS}-{c.criterion}", c.criterion, "rating", {"rating": rating}))
        if c.criterion == PII_LEAKAGE and c.label in (LEAK, NO_LEAK):
            value = {"choices": [c.label]}
            result.append(_result(f"{CONSENSUS}-leak", PII_CHOICE, "choices", value))
    seen: set[tuple[int, int, str]] = set()
    for v in record.verdicts:
        if v.scored and v.criterion == PII_LEAKAGE:
            for region in verdict_results(v, response):
                value = region["value"]
                key = (value.get("start", -1), value.get("end", -1), str(value.get("labels")))
                if region["from_name"] == PII_SPANS and key not in seen:
                    seen.add(key)
                    result.append({**region, "id": f"{CONSENSUS}-pii-{len(seen)}"})
    if not result:
        return None
    out: dict[str, Any] = {"model_version": CONSENSUS_VERSION, "result": result}
    confidences = [v.confidence for v in record.verdicts if v.scored and v.confidence is not None]
    if confidences:
        out["score"] = min(confidences)  # as sure as the least sure judge
    return out


def task_data(entry: QueueEntry, redactor: Redactor, response: str) -> dict[str, Any]:
    """The task's `data`: every key is a `$variable` of the labeling config, plus ids for the import."""
    item, route = entry.item, entry.record.route
    metadata = json.dumps(redactor.json(item.metadata), ensure_ascii=False, sort_keys=True)
    return {
        "item_id": item.id,
        "queue_rank": entry.rank,
        "route_decision": route.decision,
        "route_priority": route.priority,
        "route_reasons": f"priority {route.priority:g}: " + ("; ".join(route.reasons) or "auto-accepted"),
        # laws and entity types only, never values: nothing to mask
        ESCALATION: escalation_text(entry.record) or NONE_TEXT,
        "prompt": redactor.text(item.prompt_text),
        "reference": redactor.text(item.reference) if item.reference else NONE_TEXT,
        "context": redactor.text(item.context) if item.context else NONE_TEXT,
        RESPONSE_TAG: response,
        "judges": redactor.text(judges_summary(entry.record)),
        "metadata": metadata if item.metadata else NONE_TEXT,
        "redacted": redactor.enabled,
    }


def judges_summary(record: AuditRecord) -> str:
    """One line per verdict, for the annotator: what each judge decided and why."""
    return "\n".join(_summary_line(v) for v in record.verdicts)


def _summary_line(v: Verdict) -> str:
    head = f"{v.judge} ({v.criterion})"
    if not v.scored:
        return f"{head}: unscored: {v.unscored_reason}"
    parts = [f"score {v.score:g}" if v.score is not None else None, v.label]
    if v.passed is not None:
        parts.append("pass" if v.passed else "fail")
    if v.confidence is not None:
        parts.append(f"confidence {v.confidence:.2f}")
    if v.pii_spans:
        parts.append(", ".join(f"{s.entity_type} ({s.source}, {s.severity})" for s in v.pii_spans))
    decided = ", ".join(p for p in parts if p)
    return f"{head}: {decided}" + (f" - {v.reasoning}" if v.reasoning else "")


def model_version(v: Verdict) -> str:
    """The judge and the versions behind its verdict; stable across the items of a run."""
    p = v.provenance
    fields = [("backend", p.backend), ("model", p.model), ("prompt", p.prompt_version)]
    fields.append(("rubric", p.rubric_version))
    return "; ".join([v.judge, *(f"{k}={val}" for k, val in fields if val)])


def prediction(v: Verdict, response: str) -> dict[str, Any] | None:
    """The verdict as a Label Studio prediction, or None when it pre-fills no control."""
    if not v.scored:
        return None
    result = verdict_results(v, response)
    if not result:
        return None
    out: dict[str, Any] = {"model_version": model_version(v), "result": result}
    if v.confidence is not None:
        out["score"] = v.confidence
    return out


def verdict_results(v: Verdict, response: str) -> list[dict[str, Any]]:
    """The result items of one verdict; ids are unique across the judges of a task."""
    results: list[dict[str, Any]] = []
    if v.criterion in RATING_CONTROLS and (rating := as_rating(v.score)) is not None:
        results.append(_result(f"{v.judge}-{v.criterion}", v.criterion, "rating", {"rating": rating}))
    if v.criterion == PII_LEAKAGE:
        if v.label in (LEAK, NO_LEAK):
            results.append(_result(f"{v.judge}-leak", PII_CHOICE, "choices", {"choices": [v.label]}))
        for n, s in enumerate(v.pii_spans, start=1):
            value = {
                "start": s.start,
                "end": s.end,
                "text": response[s.start : s.end],
                "labels": [s.entity_type],
            }
            region = _result(f"{v.judge}-pii-{n}", PII_SPANS, "labels", value)
            # Region notes in the editor: whether the judge thinks the response added it.
            region["meta"] = {"text": [f"{s.source}, {s.severity}, {s.recognizer}"]}
            results.append(region)
    return results


def as_rating(score: float | None) -> int | None:
    """A 1-5 score as a star rating (halves round up); None when off the scale."""
    if score is None:
        return None
    rating = math.floor(score + 0.5)
    return rating if 1 <= rating <= MAX_RATING else None


def _result(result_id: str, control: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": result_id, "from_name": control, "to_name": RESPONSE_TAG, "type": kind, "value": value}
