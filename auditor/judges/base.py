"""The judge protocol: what every judge, offline or LLM, looks like to the graph."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from auditor.types import AuditItem, Verdict


@runtime_checkable
class Judge(Protocol):
    """Decides one criterion for one item.

    `applies` says whether the judge can say anything about the item (an accuracy judge
    needs a reference or a context). `judge` never raises for a bad model reply: it
    returns an unscored verdict with the reason. Retries, caching and token counting are
    the LLM gateway's business, never a judge's.
    """

    name: str
    criterion: str

    def applies(self, item: AuditItem) -> bool: ...

    async def judge(self, item: AuditItem) -> Verdict: ...
