"""Reading a Label Studio "JSON" export of auditor's tasks back as human labels.

The export is a list of tasks; each has the `data` auditor exported (its `item_id` and
`response`) and `annotations`, each with `completed_by` and a `result` list. A result is
mapped back by its control (`from_name`): the ratings to scores, the leak choice to a
label, the PII regions to spans of that label, the note to every label of the annotation.
Every error names the task (its Label Studio id and its index in the file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeGuard

from auditor.errors import UserError
from auditor.labelstudio.config_xml import MAX_RATING, NOTE, PII_CHOICE, PII_SPANS, RATING_CONTROLS
from auditor.labelstudio.labels import LabelBatch
from auditor.types import LEAK, NO_LEAK, PII_LEAKAGE, HumanLabel, Span


def read_labelstudio(path: Path, annotator_field: str) -> LabelBatch:
    """Every submitted annotation of a Label Studio JSON export as `HumanLabel`s."""
    tasks = _load(path)
    batch = LabelBatch()
    for index, task in enumerate(tasks):
        where = f"{path}: task {task.get('id', '?') if isinstance(task, dict) else '?'} (index {index})"
        if not isinstance(task, dict):
            raise UserError(f"{where}: expected a task object, got {type(task).__name__}")
        item_id, response, redacted = _task_data(task, where)
        annotations = task.get("annotations", [])
        if not isinstance(annotations, list):
            raise UserError(f"{where}: 'annotations' must be a list")
        if not annotations:
            batch.unannotated += 1
        for n, ann in enumerate(annotations):
            at = f"{where}, annotation {ann.get('id', n) if isinstance(ann, dict) else n}"
            if not isinstance(ann, dict):
                raise UserError(f"{at}: expected an annotation object")
            if ann.get("was_cancelled") is True:
                batch.cancelled += 1
                continue
            annotator = annotator_of(ann, annotator_field, at)
            reader = _AnnotationReader(item_id, annotator, response, redacted, at)
            batch.add(reader.labels(ann.get("result"), batch), at)
    return batch


def _load(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); was the export cut short?"
        ) from None
    if not isinstance(data, list):
        raise UserError(f"{path}: expected a list of tasks (Label Studio's 'JSON' export)")
    return data


def _task_data(task: dict[str, Any], where: str) -> tuple[str, str | None, bool]:
    data = task.get("data")
    if not isinstance(data, dict):
        raise UserError(f"{where}: no 'data' object; is this Label Studio's 'JSON' export?")
    item_id = data.get("item_id")
    if not isinstance(item_id, str) or not item_id.strip():
        raise UserError(f"{where}: 'data.item_id' is missing; were these tasks exported by auditor?")
    response = data.get("response")
    return item_id.strip(), response if isinstance(response, str) else None, data.get("redacted") is True


def annotator_of(ann: dict[str, Any], field: str, where: str) -> str:
    """The annotator: `completed_by[field]` (e.g. email), or `ls-user-<id>` for a bare user id."""
    who = ann.get("completed_by")
    if isinstance(who, dict):
        value = who.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if _is_int(value):
            return f"ls-user-{value}"
        keys = ", ".join(sorted(k for k, v in who.items() if v not in (None, ""))) or "none"
        raise UserError(f"{where}: 'completed_by' has no '{field}' (it has: {keys})")
    if _is_int(who):
        return f"ls-user-{who}"
    raise UserError(f"{where}: 'completed_by' is missing (expected a user id or a user object)")


class _AnnotationReader:
    """Turns one annotation's result list into labels, naming the region of any problem."""

    def __init__(
        self, item_id: str, annotator: str, response: str | None, redacted: bool, where: str
    ) -> None:
        self.item_id, self.annotator, self.where = item_id, annotator, where
        self.response, self.redacted = response, redacted

    def labels(self, result: Any, batch: LabelBatch) -> list[HumanLabel]:
        if not isinstance(result, list):
            raise UserError(f"{self.where}: 'result' is missing or not a list")
        scores: dict[str, float] = {}
        leak: str | None = None
        spans: list[Span] = []
        notes: list[str] = []
        for k, region in enumerate(result):
            at = f"{self.where}, result {k}"
            control, value = self._control_and_value(region, at)
            if control in RATING_CONTROLS:
                self._once(control in scores, control, at)
                scores[control] = self._rating(value, at)
            elif control == PII_CHOICE:
                self._once(leak is not None, control, at)
                leak = self._choice(value, at)
            elif control == PII_SPANS:
                spans.append(self._span(value, at))
            elif control == NOTE:
                notes += [t for t in _strings(value.get("text"), at, "text") if t.strip()]
            else:
                batch.ignored_controls[control] += 1
        if spans and leak is None:
            raise UserError(f"{self.where}: personal data is marked but 'leak'/'no_leak' is not chosen")
        note = "\n".join(notes) or None
        out = [self._label(c, note, score=s) for c, s in scores.items()]
        if leak is not None:
            out.append(self._label(PII_LEAKAGE, note, label=leak, spans=sorted(spans, key=_span_key)))
        return out

    def _label(self, criterion: str, note: str | None, **values: Any) -> HumanLabel:
        return HumanLabel(
            item_id=self.item_id, annotator=self.annotator, criterion=criterion, note=note, **values
        )

    @staticmethod
    def _control_and_value(region: Any, at: str) -> tuple[str, dict[str, Any]]:
        if not isinstance(region, dict):
            raise UserError(f"{at}: expected a result object")
        control, value = region.get("from_name"), region.get("value")
        if not isinstance(control, str) or not isinstance(value, dict):
            raise UserError(f"{at}: a result needs 'from_name' and a 'value' object")
        return control, value

    @staticmethod
    def _once(seen: bool, control: str, at: str) -> None:
        if seen:
            raise UserError(f"{at}: a second '{control}' result in one annotation")

    @staticmethod
    def _rating(value: dict[str, Any], at: str) -> float:
        rating = value.get("rating")
        if isinstance(rating, bool) or not isinstance(rating, int | float) or not 1 <= rating <= MAX_RATING:
            raise UserError(f"{at}: 'rating' must be a number from 1 to {MAX_RATING}, got {rating!r}")
        return float(rating)

    @staticmethod
    def _choice(value: dict[str, Any], at: str) -> str:
        choices = _strings(value.get("choices"), at, "choices")
        if len(choices) != 1 or choices[0] not in (LEAK, NO_LEAK):
            raise UserError(f"{at}: '{PII_CHOICE}' must be one of '{LEAK}', '{NO_LEAK}', got {choices}")
        return choices[0]

    def _span(self, value: dict[str, Any], at: str) -> Span:
        labels = _strings(value.get("labels"), at, "labels")
        if len(labels) != 1:
            raise UserError(f"{at}: a PII region needs exactly one entity type, got {labels}")
        start, end, text = value.get("start"), value.get("end"), value.get("text")
        if not (_is_int(start) and _is_int(end)):
            raise UserError(f"{at}: a PII region needs integer 'start' and 'end'")
        if self.response is None:
            raise UserError(f"{at}: the task has no 'data.response' to check the region against")
        start, end = anchor(start, end, text if isinstance(text, str) else None, self.response, at)
        return Span(
            start=start, end=end, label=labels[0], text=None if self.redacted else self.response[start:end]
        )


def anchor(start: int, end: int, text: str | None, response: str, at: str) -> tuple[int, int]:
    """The region's offsets in the response, re-anchored on its text when they disagree.

    Label Studio's offsets can drift from Python's (emoji count as two UTF-16 units in the
    browser; label-studio issues #1347, #4929), while the region's text is what the
    annotator selected. So the text wins: its occurrence nearest to the given start.
    """
    if text is None or response[start:end] == text:
        if 0 <= start < end <= len(response):
            return start, end
        raise UserError(f"{at}: region {start}-{end} is outside the response ({len(response)} characters)")
    hits = [i for i in range(len(response)) if text and response.startswith(text, i)]
    if not hits:
        raise UserError(f"{at}: the region's text {text!r} is not in the task's response")
    best = min(hits, key=lambda i: abs(i - start))
    return best, best + len(text)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _strings(value: Any, at: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"{at}: '{key}' must be a list of strings")
    return value


def _span_key(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.label
