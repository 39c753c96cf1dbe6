"""The rendered judge prompts for fixed items, held against stored snapshots.

A snapshot stores the declared versions of the prompt and rubric with the text they
render. If the text changes while the declared versions stay, the test says to bump the
version: provenance would otherwise record one version for two different prompts. After
bumping (or on purpose), re-record with `UPDATE_SNAPSHOTS=1 pytest tests/judges_llm -k snapshot`.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from auditor.judges.llm.pii_adjudicator import LLMAdjudicator
from auditor.llm import LLMSettings
from auditor.templates import PACKAGE_DIR, PromptTemplate, Rubric, load_prompt, load_rubric
from auditor.types import PIISpan
from tests.judges_llm.judge_helpers import demo_item, make_judge

SNAPSHOTS = Path(__file__).parent / "snapshots"
RERECORD = "re-record with UPDATE_SNAPSHOTS=1"
Snapshot = dict[str, Any]
# case -> (judge variant, item, rubric file, prompt file)
JUDGE_CASES = {
    "accuracy": ("llm.accuracy", "ss-002", "rubrics/accuracy.yaml", "prompts/accuracy.yaml"),
    "accuracy_claims": (
        "llm.accuracy.claims",
        "ss-007",
        "rubrics/accuracy_claims.yaml",
        "prompts/accuracy_claims.yaml",
    ),
    "relevance": ("llm.relevance", "ss-038", "rubrics/relevance.yaml", "prompts/relevance.yaml"),
}


def snapshot_of(item_id: str, rubric_file: str, prompt_file: str, messages: list[dict[str, str]]) -> Snapshot:
    prompt, rubric = load_prompt(PACKAGE_DIR / prompt_file), load_rubric(PACKAGE_DIR / rubric_file)
    return {
        "item": item_id,
        "prompt": _version(prompt_file, prompt),
        "rubric": _version(rubric_file, rubric),
        "messages": [{"role": m["role"], "lines": m["content"].split("\n")} for m in messages],
    }


def _version(file: str, template: PromptTemplate | Rubric) -> dict[str, str]:
    name = template.name if isinstance(template, PromptTemplate) else template.criterion
    return {"file": file, "declared": f"{name}@{template.version}", "full": template.full_version}


def check_snapshot(path: Path, current: Snapshot) -> None:
    """Fail, saying what to do, when the rendered prompt no longer matches the snapshot."""
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not path.exists():
        pytest.fail(f"{path.name}: no snapshot; {RERECORD}")
    stored = json.loads(path.read_text(encoding="utf-8"))
    declared = {k: (stored[k]["declared"], current[k]["declared"]) for k in ("prompt", "rubric")}
    if stored["messages"] == current["messages"]:
        if any(old != new for old, new in declared.values()):
            pytest.fail(f"{path.name}: the declared versions changed ({declared}); {RERECORD}")
        return
    diff = _diff(stored["messages"], current["messages"])
    changed = [k for k in ("prompt", "rubric") if stored[k]["full"] != current[k]["full"]]
    why = "the rendered text changed"
    if not changed:
        # Only the rendering code changed: the prompt's version is what must tell the two apart.
        changed = ["prompt"]
        why += f" although {current['prompt']['file']} and {current['rubric']['file']} did not"
    unbumped = [k for k in changed if declared[k][0] == declared[k][1]]
    if unbumped:
        files = ", ".join(f"{current[k]['file']} (still {current[k]['declared']})" for k in unbumped)
        pytest.fail(f"{path.name}: {why}, but not the declared version: bump the version of {files}\n{diff}")
    pytest.fail(f"{path.name}: the prompt changed and its version was bumped; {RERECORD}\n{diff}")


def _diff(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> str:
    def lines(messages: list[dict[str, Any]]) -> list[str]:
        return [f"{m['role']}: {line}" for m in messages for line in m["lines"]]

    diff = difflib.unified_diff(lines(old), lines(new), "snapshot", "now", lineterm="", n=1)
    return "\n".join(list(diff)[:30])


def render_judge_case(case: str, prompt_file: str | None = None) -> Snapshot:
    variant, item_id, rubric_file, default_prompt = JUDGE_CASES[case]
    judge = make_judge(variant, None, LLMSettings(model="snapshot", api_key_env=None, cache_dir=None))
    if prompt_file is not None:
        judge.prompt = load_prompt(prompt_file)
    (messages,) = judge.requests(demo_item(item_id))
    return snapshot_of(item_id, rubric_file, prompt_file or default_prompt, messages)


@pytest.mark.parametrize("case", sorted(JUDGE_CASES))
def test_judge_prompt_snapshot(case: str) -> None:
    check_snapshot(SNAPSHOTS / f"{case}.json", render_judge_case(case))


def test_pii_adjudication_prompt_snapshot() -> None:
    item = demo_item("ss-014")
    name = "Daniel Okafor"
    start = item.response.index(name)
    span = PIISpan(
        entity_type="PERSON", start=start, end=start + len(name), text=name,
        source="new", severity="high", score=0.85, recognizer="SpacyRecognizer",
    )  # fmt: skip
    rubric_file, prompt_file = "rubrics/pii_leakage.yaml", "prompts/pii_adjudicate.yaml"
    prompt, rubric = load_prompt(PACKAGE_DIR / prompt_file), load_rubric(PACKAGE_DIR / rubric_file)
    adjudicator = LLMAdjudicator("pii", prompt=prompt, rubric=rubric, gateway=None)
    (messages,) = adjudicator.requests(item, [span])
    current = snapshot_of(item.id, rubric_file, prompt_file, messages)
    check_snapshot(SNAPSHOTS / "pii_adjudicate.json", current)


def test_an_edit_without_a_version_bump_fails_with_bump_the_version(tmp_path: Path) -> None:
    edited = tmp_path / "accuracy.yaml"
    edited.write_text(
        (PACKAGE_DIR / "prompts" / "accuracy.yaml").read_text().replace("meticulous", "careful")
    )
    current = render_judge_case("accuracy", str(edited))
    current["prompt"]["file"] = "prompts/accuracy.yaml"
    expected = re.escape("bump the version of prompts/accuracy.yaml (still accuracy@4)")
    with pytest.raises(pytest.fail.Exception, match=expected):
        check_snapshot(SNAPSHOTS / "accuracy.json", current)

    bumped = tmp_path / "accuracy_bumped.yaml"
    bumped.write_text(edited.read_text().replace('version: "4"', 'version: "5"'))
    with pytest.raises(pytest.fail.Exception, match="its version was bumped; re-record"):
        check_snapshot(SNAPSHOTS / "accuracy.json", render_judge_case("accuracy", str(bumped)))


def test_a_rendering_change_alone_also_asks_for_a_bump() -> None:
    current = render_judge_case("accuracy")
    user = current["messages"][1]
    user["lines"] = [line.replace("<response>", "<answer>") for line in user["lines"]]
    expected = re.escape("did not, but not the declared version: bump the version of prompts/accuracy.yaml")
    with pytest.raises(pytest.fail.Exception, match=expected):
        check_snapshot(SNAPSHOTS / "accuracy.json", current)
