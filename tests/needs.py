"""A tool a test needs and the machine lacks: skipped on a developer's machine, failed in CI.

CI (`CI=true`, as `.ci/run` sets it) installs everything the suite uses, so there a missing
browser or server is a broken install step, never a reason to pass without checking.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(what: str, install: str) -> NoReturn:
    """Stop the test: skip it locally, fail it under CI; `install` says how to get `what`."""
    message = f"{what} is missing ({install})"
    if in_ci():
        pytest.fail(f"{message}; CI=true, so this is a failure, not a skip", pytrace=False)
    pytest.skip(message)
