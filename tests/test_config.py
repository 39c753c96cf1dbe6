from pathlib import Path

import pytest

from auditor.config import LLMJudgeConfig, load_config
from auditor.errors import UserError
from auditor.templates import PACKAGE_DIR

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_configs_load() -> None:
    for path in sorted((ROOT / "configs").glob("*.yaml")):
        config = load_config(path)
        assert config.judges, path


def test_defaults_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("name: x\nconcurrency: 4\n", encoding="utf-8")
    config = load_config(path, {"concurrency": 16, "out": None})
    assert config.concurrency == 16
    assert config.out == "runs/latest"
    assert [j.kind for j in config.judges] == ["baseline.accuracy", "baseline.relevance"]


def test_unknown_key_names_key_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("name: x\nrouting:\n  pass_score: 4\n  min_confidance: 0.5\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_config(path)
    assert str(info.value) == f"{path}:4: unknown key 'routing.min_confidance'"


def test_bad_value_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("judges:\n  - name: a\n    kind: baseline.accuracy\n    samples: 0\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"c.yaml:4: 'judges.0.samples'"):
        load_config(path)


def test_each_judge_kind_has_its_own_options(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "judges:\n"
        "  - {name: pii, kind: pii, options: {min_severity: high}}\n"
        "  - name: acc\n"
        "    kind: baseline.accuracy\n"
        "    options:\n"
        "      min_severity: high\n",  # a PII option on a baseline judge
        encoding="utf-8",
    )
    with pytest.raises(UserError) as info:
        load_config(path)
    assert str(info.value) == f"{path}:6: unknown key 'judges.1.options.min_severity'"


def test_a_bad_option_value_and_an_unknown_kind_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "judges:\n  - name: pii\n    kind: pii\n    options:\n      min_score: 2\n"
        "  - name: x\n    kind: baseline.acuracy\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as info:
        load_config(path)
    score, kind = str(info.value).splitlines()
    assert score == f"{path}:5: 'judges.0.options.min_score': Input should be less than or equal to 1"
    assert kind.startswith(f"{path}:7: 'judges.1.kind': Input tag 'baseline.acuracy'")


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid YAML"):
        load_config(bad)


def test_paths_a_config_reads_are_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "rubric.yaml").write_text("x", encoding="utf-8")
    path = tmp_path / "c.yaml"
    path.write_text(
        "input: data/items.jsonl\nout: runs/x\njudges:\n  - name: a\n    kind: llm.accuracy\n"
        "    rubric: mine/rubric.yaml\n    prompt: prompts/accuracy.yaml\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(ROOT)  # where the old prompts/ folder was: must not matter
    config = load_config(path)
    assert config.input == str(tmp_path / "data" / "items.jsonl")
    assert config.out == "runs/x"  # where a run writes stays where the user is
    judge = config.judges[0]
    assert isinstance(judge, LLMJudgeConfig)
    assert judge.rubric == str(tmp_path / "mine" / "rubric.yaml")
    assert judge.prompt == str(PACKAGE_DIR / "prompts" / "accuracy.yaml")  # the shipped one


def test_a_path_given_on_the_command_line_stays_relative_to_the_current_directory(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("input: items.jsonl\n", encoding="utf-8")
    assert load_config(path, {"input": "other.jsonl"}).input == "other.jsonl"
