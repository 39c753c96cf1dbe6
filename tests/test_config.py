from pathlib import Path

import pytest

from auditor.config import load_config
from auditor.errors import UserError

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


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid YAML"):
        load_config(bad)
