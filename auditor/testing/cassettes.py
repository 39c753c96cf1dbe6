"""Cassette checks for tests."""

from __future__ import annotations

from auditor.llm.gateway import Gateway


def assert_cassette_fully_played(gateway: Gateway) -> None:
    """Fail when a replaying gateway left recorded exchanges unused.

    A cassette that is only partly played means the code under test no longer makes the
    calls it was recorded making: the test would pass while checking less than it says.
    """
    unplayed = gateway.unplayed()
    if unplayed:
        names = ", ".join(p.name for p in unplayed[:10])
        more = f" and {len(unplayed) - 10} more" if len(unplayed) > 10 else ""
        raise AssertionError(
            f"{len(unplayed)} recorded exchange(s) were never replayed: {names}{more}; "
            "re-record the cassette or remove the stale files"
        )
