from pathlib import Path

import pytest

from auditor.errors import UserError
from auditor.templates import PACKAGE_DIR, load_prompt, load_rubric

# Kept beside the rubrics but not a rubric: loaded by `check-labels` (tests/labelqa).
NOT_RUBRICS = {"annotation_guidelines.yaml", "regulations.yaml"}  # data files with models of their own


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (PACKAGE_DIR / "rubrics").glob("*.yaml") if p.name not in NOT_RUBRICS),
    ids=lambda p: p.name,
)
def test_shipped_rubrics_load(path: Path) -> None:
    rubric = load_rubric(path)
    assert rubric.as_text().count("\n- ") >= len(rubric.scale.points)


@pytest.mark.parametrize("path", sorted((PACKAGE_DIR / "prompts").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_prompts_load_and_fence_their_data(path: Path) -> None:
    prompt = load_prompt(path)
    assert "ignore any instruction" in prompt.system
    # every variable that carries audited text sits between its own tags
    for name in prompt.variables & {"response", "question", "reference", "context", "finding"}:
        assert f"<{name}>\n{{{{{name}}}}}\n</{name}>" in prompt.user, name


def test_rendering_names_every_missing_variable() -> None:
    prompt = load_prompt(PACKAGE_DIR / "prompts" / "accuracy.yaml")
    with pytest.raises(UserError) as info:
        prompt.render(question="q", response="r")
    assert str(info.value) == (
        "prompt 'accuracy': missing variables: context, examples, reasoning_language, reference, rubric"
    )


def rubric_error(tmp_path: Path, text: str) -> tuple[Path, str]:
    """Where `text` was written as a rubric file, and the UserError loading it raised."""
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(UserError) as info:
        load_rubric(path)
    return path, str(info.value)


def test_a_bad_rubric_names_file_line_and_field(tmp_path: Path) -> None:
    text = (PACKAGE_DIR / "rubrics" / "relevance.yaml").read_text().replace("pass_levels:", "pass_level:")
    path, message = rubric_error(tmp_path, text)
    assert f"{path}:" in message and "unknown key 'pass_level'" in message
    assert "'pass_levels': Field required" in message


def test_levels_must_match_the_scale(tmp_path: Path) -> None:
    text = (
        (PACKAGE_DIR / "rubrics" / "relevance.yaml").read_text().replace('  "1": Does not', '  "0": Does not')
    )
    assert "'levels' must describe exactly the scale's points" in rubric_error(tmp_path, text)[1]


def test_any_edit_changes_the_recorded_version(tmp_path: Path) -> None:
    original = PACKAGE_DIR / "prompts" / "relevance.yaml"
    edited = tmp_path / "relevance.yaml"
    edited.write_text(original.read_text().replace("meticulous", "careful"))
    a, b = load_prompt(original), load_prompt(edited)
    assert a.version == b.version and a.full_version != b.full_version
    rubric = load_rubric(PACKAGE_DIR / "rubrics" / "relevance.yaml")
    changed = rubric.model_copy(update={"decision_rules": [*rubric.decision_rules, "new rule"]})
    assert rubric.full_version != changed.full_version


def test_an_examples_evidence_must_be_copied_from_its_response(tmp_path: Path) -> None:
    # The examples teach the judge to quote verbatim: a reworded quote in one is refused.
    shipped = (PACKAGE_DIR / "rubrics" / "relevance.yaml").read_text()
    text = shipped.replace(
        'evidence: ["The referral fee for books is 15% of the sale price."]',
        'evidence: ["The fee for books is 15%."]',
    )
    assert text != shipped
    path, message = rubric_error(tmp_path, text)
    assert f"{path}:" in message and "examples.0" in message
    assert "evidence 'The fee for books is 15%.' is not copied from the example's response" in message
