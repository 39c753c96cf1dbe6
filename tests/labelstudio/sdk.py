"""Checking exported tasks against label-studio-sdk's own parser, offline (no server).

`LabelInterface(config)` parses the labeling config; `validate()` checks it against
Label Studio's config schema, unique names and toName targets. Per task we check what
Label Studio needs to render it (every `$variable` of an object tag is in `data`) and run
`validate_prediction` / `validate_annotation` (control, target object, result type,
value shape, labels and choices from the config, score in [0, 1]). The SDK does not
check that a text region's `text` is the object's text at its offsets; `span_errors`
does.
"""

from __future__ import annotations

from typing import Any

from label_studio_sdk.label_interface.interface import LabelInterface


def interface(config: str) -> Any:
    """The SDK's parsed config (its methods are untyped), after `validate()` accepted it."""
    li: Any = LabelInterface(config)
    li.validate()  # raises on an invalid config
    return li


def control_labels(li: Any, control: str) -> list[str]:
    """The labels (or choices) a control offers."""
    labels: list[str] = li.get_control(control).labels
    return labels


def task_errors(li: Any, task: dict[str, Any]) -> list[str]:
    """Everything the SDK (and the text-span check) finds wrong with one task."""
    errors = [
        f"data has no '{obj.value_name}'"
        for obj in li.objects
        if obj.value_is_variable and task["data"].get(obj.value_name) is None
    ]
    for kind in ("predictions", "annotations"):
        for n, entry in enumerate(task.get(kind, [])):
            # validate_annotation answers only True/False; validate_prediction runs the same
            # checks (LabelInterface._validate_object) and returns the messages.
            errors += [f"{kind}[{n}]: {e}" for e in li.validate_prediction(entry, return_errors=True)]
            if kind == "annotations" and not li.validate_annotation(entry):
                errors.append(f"{kind}[{n}]: rejected by validate_annotation")
            errors += [f"{kind}[{n}]: {e}" for e in span_errors(task["data"], entry["result"])]
    return errors


def span_errors(data: dict[str, Any], result: list[dict[str, Any]]) -> list[str]:
    """Text regions whose `text` is not the target object's text at [start, end)."""
    errors = []
    for region in result:
        if region["type"] == "labels":
            value, text = region["value"], data[region["to_name"]]
            if text[value["start"] : value["end"]] != value["text"]:
                errors.append(f"region {region['id']}: {value['text']!r} is not at {value['start']}")
    return errors
