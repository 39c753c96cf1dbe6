"""What a model may add to a finding: a drafted cause and recommendation, and the check it must pass.

A `Summarizer` drafts from a `Finding`, which holds only masked text. The LLM gateway's
implementation renders a prompt from `finding.model_dump()` and returns a `Draft`; any
object with this `draft` method will do (tests use scripted drafts).

A draft may only cite items of its own finding. `check_draft` finds every id it cites,
in `cited_ids` and in its text, and names any that is not in the group: that error is
what the model is re-asked with.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Protocol, runtime_checkable

from pydantic import Field

from auditor.report.findings import Finding
from auditor.types import StrictModel

MAX_LISTED = 20
_TOKEN = re.compile(r"[\w][\w.:/-]*[\w]|[\w]")


class Draft(StrictModel):
    """A model's cause and recommendation for one finding, with the item ids it relies on."""

    cause: str = Field(min_length=1)
    recommendation: str = Field(min_length=1)
    cited_ids: list[str] = Field(default_factory=list)


@runtime_checkable
class Summarizer(Protocol):
    """Drafts a finding's cause and recommendation.

    `problem` is None on the first ask; on the one re-ask it says what was wrong with the
    previous draft (an id that is not in the finding), to be put before the model.
    Raise `ModelBehaviorError` for a reply that cannot be used (the finding keeps its
    template text, with a note) and `UserError` for what stops the report (a wrong key).
    """

    async def draft(self, finding: Finding, problem: str | None = None) -> Draft: ...


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
