"""From a config's `suites:` to suite objects, and from one item to its derived items.

A suite plugs in by name: its options model in `suites.options` (chosen by `name:`) and
its class here, in `SUITES`. A suite that crashes on one item loses that item's variants
(logged), never the run; a `UserError` (a wrong key, the budget) still stops it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from auditor.errors import UserError
from auditor.suites.additions import Distractor, Injection
from auditor.suites.base import Suite, derived_item
from auditor.suites.counterfactual import Counterfactual
from auditor.suites.noise import CasingPunctuation, Typos
from auditor.suites.options import SuiteConfig
from auditor.suites.rewrite import CodeSwitch, Paraphrase
from auditor.suites.samples import Samples
from auditor.types import AuditItem

if TYPE_CHECKING:
    from auditor.llm import Gateway

log = logging.getLogger(__name__)

SUITES: dict[str, Callable[[Any], Suite]] = {
    "typos": Typos,
    "casing_punctuation": CasingPunctuation,
    "paraphrase": Paraphrase,
    "code_switch": CodeSwitch,
    "distractor": Distractor,
    "injection": Injection,
    "counterfactual": Counterfactual,
}


def run_suites(configs: Sequence[SuiteConfig], samples: int = 1) -> list[Suite]:
    """The suites a run derives items with: the configured ones, and the repeats of `samples: N`."""
    return build_suites(configs) + ([Samples(samples)] if samples > 1 else [])


def build_suites(configs: Sequence[SuiteConfig]) -> list[Suite]:
    """One suite per config entry; a suite named twice is a UserError."""
    names = [c.name for c in configs]
    if dup := sorted({n for n in names if names.count(n) > 1}):
        raise UserError(f"suites: each suite may be listed once; repeated: {', '.join(dup)}")
    return [SUITES[c.name](c) for c in configs]


async def derive_items(item: AuditItem, suites: Sequence[Suite], gateway: Gateway | None) -> list[AuditItem]:
    """Every suite's variants of `item`, as items; a derived item is not derived from again."""
    if item.parent_id is not None:
        return []
    derived: list[AuditItem] = []
    for suite in suites:
        try:
            variants = await suite.derive(item, gateway)
        except UserError:
            raise
        except Exception:
            log.exception("suite %s failed on item %s; its variants are skipped", suite.name, item.id)
            continue
        derived += [derived_item(item, suite.name, v) for v in variants]
    return derived
