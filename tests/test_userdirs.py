"""Where the LLM response cache lives: the user cache, $AUDITOR_CACHE_DIR, or `llm.cache_dir`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.config import load_config
from auditor.llm import LLMSettings, cache_directory
from auditor.userdirs import CACHE_DIR_ENV, cache_root


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME is the Linux convention")
def test_by_default_the_cache_is_in_the_platform_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    settings = LLMSettings(model="m")
    assert cache_directory(settings.cache_dir) == tmp_path / "xdg" / "auditor" / "llm"


def test_auditor_cache_dir_moves_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "elsewhere"))
    assert cache_root() == tmp_path / "elsewhere"
    assert cache_directory(LLMSettings(model="m").cache_dir) == tmp_path / "elsewhere" / "llm"


def write_config(directory: Path, cache_line: str) -> Path:
    directory.mkdir(parents=True)
    path = directory / "audit.yaml"
    path.write_text(f"llm:\n  model: m\n  {cache_line}\n", encoding="utf-8")
    return path


def test_a_relative_cache_dir_is_beside_the_config_not_under_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path / "project", "cache_dir: llm-cache")
    monkeypatch.chdir(tmp_path)
    config = load_config("project/audit.yaml")
    assert config.llm is not None
    assert cache_directory(config.llm.cache_dir) == path.parent.resolve() / "llm-cache"


def test_an_absolute_cache_dir_wins_over_the_environment(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "p", f"cache_dir: {tmp_path / 'mine'}"))
    assert config.llm is not None and cache_directory(config.llm.cache_dir) == tmp_path / "mine"


def test_cache_stats_names_a_turned_off_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path / "p", "cache_dir: null")
    assert main(["cache", "stats", "--config", str(path)]) == 0
    assert "turned off" in capsys.readouterr().out


def test_no_cache_and_refresh_cache_together_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path / "p", "cache_dir: null")
    (tmp_path / "items.jsonl").write_text("", encoding="utf-8")
    code = main(["run", str(path), "--input", str(tmp_path / "items.jsonl"), "--no-cache", "--refresh-cache"])
    assert code == 2
    assert "--no-cache and --refresh-cache" in capsys.readouterr().err
