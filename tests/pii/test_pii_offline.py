"""The engine builds and runs offline and quietly: no network attempt, no warning, no print."""

from __future__ import annotations

import logging
import socket
import warnings

import pytest

from auditor.pii.engine import build_engine


@pytest.fixture
def no_network(monkeypatch):
    """Every way out to the network fails loudly and is recorded."""
    attempts: list[str] = []

    def refuse(name):
        def _refuse(*args, **kwargs):
            attempts.append(f"{name}{args[:2]}")
            raise OSError(f"network disabled in tests: {name}")

        return _refuse

    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    return attempts


def test_building_and_analysing_is_offline_and_silent(no_network, caplog, capsys):
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        engine = build_engine()
        found = engine.analyze(
            "Mail ana.silva@example.com.br or visit https://shop.example.co.uk, "
            "IBAN DE89 3704 0044 0532 0130 00, call +49 30 12345678. "
            "买家王芳的邮箱是wang.fang@example.cn。Das Angebot gilt für Sie."
        )
    assert {d.entity_type for d in found} >= {"EMAIL_ADDRESS", "IBAN_CODE", "PHONE_NUMBER", "PERSON"}
    assert "wang.fang@example.cn" in [d.text for d in found]  # the public-suffix check ran, offline
    assert no_network == []
    assert [r.getMessage() for r in caplog.records] == []
    assert [str(w.message) for w in caught] == []
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")
