"""What every suite is: a name and `derive(item) -> variants`; and the helpers they share.

A suite changes the seller's question (never the reference, the context or the metadata)
and says what it changed: a `Variant` is the new question with its key (`typos.1`,
`counterfactual.CN-female`) and the cues the metrics group by. A suite that cannot apply
to an item (no letter to mistype, no translation) returns fewer variants, and the item
counts as skipped for it. Every random choice comes from `rng_for(seed, item, key)`, so a
run derives the same items again on `--resume` and on another machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from auditor.judges.text import join_sentences
from auditor.types import AuditItem, ChatTurn, SuiteMark
from auditor.yamlio import read_yaml

if TYPE_CHECKING:
    from auditor.llm import Gateway

DATA = Path(__file__).parent / "data"
SEPARATOR = "~"  # `<parent id>~<suite>.<variant>`


@dataclass(frozen=True)
class Variant:
    """One derived question: `key` names it within its suite, `cues` what it set."""

    question: str
    key: str | None = None
    cues: dict[str, str] = field(default_factory=dict)


class Suite(Protocol):
    """Derives perturbed questions from one item. `gateway` is None unless the suite calls a model."""

    name: str

    async def derive(self, item: AuditItem, gateway: Gateway | None) -> list[Variant]: ...


def rng_for(seed: int, item: AuditItem, key: str) -> random.Random:
    """A generator fixed by the seed, the item and what it is drawn for (str seeds are hashed stably)."""
    return random.Random(f"{seed}:{item.id}:{key}")


def language_of(item: AuditItem) -> str:
    """The question's language: `metadata.language` when given, else detected; English when unsure."""
    declared = item.metadata.get("language")
    if isinstance(declared, str) and declared:
        return declared.lower()
    from auditor.judges.lang import identify
    from auditor.judges.text import normalize

    return identify(normalize(item.question)).lang or "en"


@cache
def phrases() -> dict[str, Any]:
    """The per-language text of `data/phrases.yaml`."""
    data, _ = read_yaml(DATA / "phrases.yaml", "suite phrases")
    return dict(data)


def in_language(table: dict[str, Any], lang: str) -> Any:
    """The entry of `table` for `lang`, English where the language has none."""
    return table.get(lang, table["en"])


def joined(lang: str, *parts: str) -> str:
    """Sentences put together as the language writes them: no space between CJK sentences."""
    return join_sentences(list(parts), cjk=lang in ("zh", "ja"))


def with_question(item: AuditItem, question: str) -> AuditItem:
    """The item with its question (the prompt, or a chat's last user turn) replaced."""
    if isinstance(item.prompt, str):
        return item.model_copy(update={"prompt": question})
    turns = list(item.prompt)
    last = max(i for i, t in enumerate(turns) if t.role == "user")
    turns[last] = ChatTurn(role="user", content=question)
    return item.model_copy(update={"prompt": turns})


def derived_item(parent: AuditItem, suite: str, variant: Variant) -> AuditItem:
    """The derived item: id `<parent>~<suite>[.<key>]`, `parent_id` and the suite's mark."""
    suffix = f"{suite}.{variant.key}" if variant.key else suite
    item = with_question(parent, variant.question)
    return item.model_copy(
        update={
            "id": f"{parent.id}{SEPARATOR}{suffix}",
            "parent_id": parent.id,
            "suite": SuiteMark(name=suite, variant=variant.key, cues=dict(variant.cues)),
        }
    )
