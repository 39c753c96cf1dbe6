"""Shared pieces of the gateway tests (fixtures are in conftest.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

FAKE_KEY = "sk-test-SECRET-1234"
KEY_ENV = "AUDITOR_TEST_LLM_KEY"


class Score(BaseModel):
    """A judge-shaped output: reasoning before the label, no extra keys."""

    model_config = ConfigDict(extra="forbid")
    reasoning: str
    score: int


def ask(marker: str) -> list[dict[str, str]]:
    """A conversation whose user turn carries `marker`, which the fake server's script matches."""
    return [
        {"role": "system", "content": "You grade answers. Reply in JSON."},
        {"role": "user", "content": f"Grade item {marker}."},
    ]


def score_json(score: int, reasoning: str = "fine") -> str:
    return f'{{"reasoning": "{reasoning}", "score": {score}}}'
