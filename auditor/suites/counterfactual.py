"""`counterfactual`: the same question from sellers of other groups, genders and places.

Each variant sets one group's cues (a name typical of the group and gender, a place of the
region; `data/names.yaml`, or a config's own under `define`) and nothing else: every
group's variant of an item uses the same position in its lists and the same sentence. An
item that names its seller (`metadata.seller_name`, optionally `metadata.seller_place`,
both found in the question) has those words swapped; any other item gets the seller's
introduction in the question's language before the question.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from auditor.suites.base import DATA, Variant, in_language, joined, language_of, phrases, rng_for
from auditor.suites.options import CounterfactualOptions, GroupCues
from auditor.types import AuditItem, StrictModel
from auditor.yamlio import load_yaml_model

if TYPE_CHECKING:
    from auditor.llm import Gateway


class NameLists(StrictModel):
    version: str
    groups: dict[str, GroupCues]


@cache
def builtin_groups() -> dict[str, GroupCues]:
    """The shipped name lists, by group code."""
    return load_yaml_model(DATA / "names.yaml", NameLists, "name lists").groups


class Counterfactual:
    name = "counterfactual"

    def __init__(self, options: CounterfactualOptions) -> None:
        self.options = options
        known = {**builtin_groups(), **options.define}
        self.groups = {g: known[g] for g in options.groups}

    async def derive(self, item: AuditItem, gateway: Gateway | None) -> list[Variant]:
        rng = rng_for(self.options.seed, item, "counterfactual")
        # One draw per item, shared by every group: the variants differ in the group only.
        name_at, place_at = rng.random(), rng.random()
        variants = []
        for group, cues in self.groups.items():
            place = _pick(cues.places, place_at)
            for gender in self.options.genders:
                name = _pick(cues.female if gender == "female" else cues.male, name_at)
                question = self.question(item, name, place)
                variants.append(
                    Variant(
                        question,
                        f"{group}-{gender}",
                        {"group": group, "gender": gender, "name": name, "place": place},
                    )
                )
        return variants

    @staticmethod
    def question(item: AuditItem, name: str, place: str) -> str:
        """The question with the seller's cues swapped in, or introduced before it."""
        question = item.question
        seller = item.metadata.get("seller_name")
        if isinstance(seller, str) and seller and seller in question:
            question = question.replace(seller, name)
            where = item.metadata.get("seller_place")
            if isinstance(where, str) and where and where in question:
                question = question.replace(where, place)
            return question
        lang = language_of(item)
        intro = in_language(phrases()["introduction"], lang).format(name=name, place=place)
        return joined(lang, intro, question)


def _pick(options: list[str], at: float) -> str:
    return options[int(at * len(options)) % len(options)]
