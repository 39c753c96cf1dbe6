"""Helpers for testing code that calls LLMs through the gateway, offline.

`FakeOpenAI` is a local OpenAI-compatible server with scripted replies and injected
faults; `assert_cassette_fully_played` fails a test that left recorded exchanges unused.
"""

from auditor.testing.cassettes import assert_cassette_fully_played
from auditor.testing.fake_openai import FAKE_MODEL, ChatRequest, FakeOpenAI, Fault, Reply

__all__ = ["FAKE_MODEL", "ChatRequest", "FakeOpenAI", "Fault", "Reply", "assert_cassette_fully_played"]
