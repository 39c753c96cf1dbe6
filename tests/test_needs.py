"""A missing tool skips a test on a developer's machine and fails it in CI."""

import pytest

from tests.needs import missing


def test_a_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(
        pytest.fail.Exception, match=r"chromium is missing \(apt-get install chromium\); CI=true"
    ):
        missing("chromium", "apt-get install chromium")


def test_a_missing_tool_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is missing"):
        missing("chromium", "apt-get install chromium")
