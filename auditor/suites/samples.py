"""`samples: N`: the same question asked N times, for reliability (`metrics`: consistency, Fleiss' kappa).

The input item is the first sample; `<id>~samples.<k>` (k = 2..N) are the others, derived
like a suite's variants with the question unchanged. A target asks each with its own seed
offset (`sample_offset`), so each is a separate draw at the target's temperature and a
separate cache entry, not a copy of the first answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.suites.base import Variant
from auditor.types import AuditItem

if TYPE_CHECKING:
    from auditor.llm import Gateway

SAMPLES = "samples"


class Samples:
    name = SAMPLES

    def __init__(self, count: int) -> None:
        self.count = count

    async def derive(self, item: AuditItem, gateway: Gateway | None) -> list[Variant]:
        return [Variant(item.question, str(k), {"sample": str(k)}) for k in range(2, self.count + 1)]


def sample_offset(item: AuditItem) -> int:
    """How many draws after the first this item is: 0 for any item but a repeated sample."""
    if item.suite is None or item.suite.name != SAMPLES:
        return 0
    return int(item.suite.cues["sample"]) - 1
