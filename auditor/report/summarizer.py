"""What a model may add to a finding: a drafted cause and recommendation, and the check it must pass.

A `Summarizer` drafts from a `Finding`, which holds only masked text. The LLM gateway's
implementation renders a prompt from `finding.model_dump()` and returns a `Draft`; any
object with this `draft` method will do (tests use scripted drafts).

A draft may only cite items of its own finding. `check_draft` finds every id it cites,
in `cited_ids` and in its text, and names any that is not in the group. `draft_model`
makes that check the validator of the finding's output model, so a reply that fails it
is re-asked once with the error by the gateway, like any other invalid output.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from pydantic import Field, create_model, model_validator

from auditor.errors import ModelBehaviorError
from auditor.report.findings import Finding
from auditor.types import StrictModel

MAX_LISTED = 20
_TOKEN = re.compile(r"[\w][\w.:/-]*[\w]|[\w]")


class Draft(StrictModel):
    """A model's cause and recommendation for one finding, with the item ids it relies on."""

    cause: str = Field(min_length=1)
    recommendation: str = Field(min_length=1)
    cited_ids: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Drafted:
    """A summarizer's usable draft for one finding."""

    draft: Draft
    reask_reason: str | None = None  # what was wrong with the first reply, when a re-ask fixed it


class DraftRejected(ModelBehaviorError):
    """The reply still failed its output model after the one re-ask (e.g. it cites other items)."""


@runtime_checkable
class Summarizer(Protocol):
    """Drafts a finding's cause and recommendation as an `output_type` (see `draft_model`).

    A reply that fails `output_type`'s validation is re-asked once with the error (the
    LLM implementation leaves that to `Gateway.complete`). Raise `DraftRejected` when the
    re-asked reply fails too, `ModelBehaviorError` for another reply that cannot be used
    (the finding keeps its template text, with a note) and `UserError` for what stops the
    report (a wrong key).
    """

    async def draft(self, finding: Finding, output_type: type[Draft]) -> Drafted: ...


def cited_ids(draft: Draft, known_ids: Collection[str]) -> list[str]:
    """Every id the draft cites: its `cited_ids`, and any known item id named in its text.

    Only distinctive ids count when named in the text: with ids like "7" or "12", every
    number in a draft ("7 days") would look like a citation.
    """
    named = [
        t
        for text in (draft.cause, draft.recommendation)
        for t in _TOKEN.findall(text)
        if t in known_ids and _distinctive(t)
    ]
    return list(dict.fromkeys([*draft.cited_ids, *named]))


def _distinctive(item_id: str) -> bool:
    return len(item_id) >= 3 and not item_id.isdigit()


def draft_model(finding: Finding, known_ids: Collection[str]) -> type[Draft]:
    """`Draft` for this finding: its validator refuses a draft citing an item outside it.

    The model keeps the name and the JSON schema of `Draft`, so the request (and its
    cache key) is the same for every finding's model.
    """
    known = frozenset(known_ids)

    class Checked(Draft):
        @model_validator(mode="after")
        def _cites_only_the_finding(self) -> Checked:
            if problem := check_draft(self, finding, known):
                raise ValueError(problem)
            return self

    return create_model("Draft", __base__=Checked, __doc__=Draft.__doc__)


def check_draft(draft: Draft, finding: Finding, known_ids: Collection[str]) -> str | None:
    """None when every cited id belongs to the finding, else the error to re-ask with."""
    allowed = set(finding.item_ids)
    wrong = [i for i in cited_ids(draft, known_ids) if i not in allowed]
    if not wrong:
        return None
    listed = ", ".join(finding.item_ids[:MAX_LISTED]) + (" ..." if len(finding.item_ids) > MAX_LISTED else "")
    return (
        f"the draft cites item ids that are not in finding {finding.id}: {', '.join(wrong)}. "
        f"Cite only these items: {listed}"
    )
