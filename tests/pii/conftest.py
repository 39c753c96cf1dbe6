"""One PII engine per test session: building it loads spaCy and takes about a second."""

from __future__ import annotations

import pytest

from auditor.pii.engine import PIIEngine, build_engine


@pytest.fixture(scope="session")
def engine() -> PIIEngine:
    """The detection engine every PII test shares."""
    return build_engine()
