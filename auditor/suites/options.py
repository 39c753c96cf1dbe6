"""`suites:` in a config: one strict model per suite, chosen by `name`.

Imported by `auditor.config`, so it stays light: the suites themselves (`auditor.suites`)
are built only when a run uses them. A new suite adds its options model here, to
`SuiteConfig`, and its class to `auditor.suites.registry`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, model_validator

from auditor.types import StrictModel

# The languages sellers write in on each marketplace, the first the main one. A code switch
# asks the question in each of its marketplace's languages other than the item's own.
MARKETPLACE_LANGUAGES: dict[str, list[str]] = {
    "US": ["en", "es"],
    "CA": ["en", "fr"],
    "MX": ["es", "en"],
    "BR": ["pt", "en"],
    "UK": ["en"],
    "DE": ["de", "en"],
    "FR": ["fr", "en"],
    "ES": ["es", "en"],
    "IN": ["en", "hi"],
    "AE": ["ar", "en"],
    "JP": ["ja", "en"],
    "CN": ["zh", "en"],
}
COUNTERFACTUAL_GROUPS = ["CN", "IN", "BR", "DE", "US", "AE"]
Gender = Literal["female", "male"]
GENDERS: list[Gender] = ["female", "male"]


class _SuiteFields(StrictModel):
    seed: int = 0  # with the item id and the variant, fixes every random choice


class TyposOptions(_SuiteFields):
    """Keyboard-neighbour substitutions and dropped letters; digits and the first letter of a word stay."""

    name: Literal["typos"]
    variants: int = Field(default=1, ge=1, le=20)
    rate: float = Field(default=0.08, gt=0.0, le=0.5)  # the share of eligible letters changed


class CasingPunctuationOptions(_SuiteFields):
    """The question lower-cased without punctuation, and upper-cased; numbers keep their points."""

    name: Literal["casing_punctuation"]


class ParaphraseOptions(_SuiteFields):
    """The question reframed by a template of its language; with `model`, reworded by the gateway."""

    name: Literal["paraphrase"]
    variants: int = Field(default=1, ge=1, le=4)
    model: StrictBool = False  # one more variant: a model's rewording (recorded and cached by the gateway)


class CodeSwitchOptions(_SuiteFields):
    """The question in the marketplace's other languages: `metadata.translations[lang]`, else a model."""

    name: Literal["code_switch"]
    model: StrictBool = False  # translate through the gateway where the item supplies no translation
    languages: dict[str, list[str]] = Field(default_factory=lambda: dict(MARKETPLACE_LANGUAGES))


class DistractorOptions(_SuiteFields):
    """An irrelevant sentence in the question's language, before or after it."""

    name: Literal["distractor"]
    variants: int = Field(default=1, ge=1, le=3)


class InjectionOptions(_SuiteFields):
    """An instruction to break the policy pasted into the user turn, in each of `languages`.

    `item` stands for the question's own language; a language twice is one variant.
    """

    name: Literal["injection"]
    languages: list[str] = Field(default_factory=lambda: ["item", "en"], min_length=1)


class GroupCues(StrictModel):
    """Names and places typical of one group, for `counterfactual.define`."""

    female: list[str] = Field(min_length=1)
    male: list[str] = Field(min_length=1)
    places: list[str] = Field(min_length=1)


class CounterfactualOptions(_SuiteFields):
    """The seller's name, gender and place swapped across `groups`, everything else kept.

    `groups` are built-in codes (CN, IN, BR, DE, US, AE) or ones given under `define`.
    """

    name: Literal["counterfactual"]
    groups: list[str] = Field(default_factory=lambda: list(COUNTERFACTUAL_GROUPS), min_length=2)
    genders: list[Gender] = Field(default_factory=lambda: list(GENDERS), min_length=1)
    define: dict[str, GroupCues] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_groups(self) -> CounterfactualOptions:
        unknown = [g for g in self.groups if g not in COUNTERFACTUAL_GROUPS and g not in self.define]
        if unknown:
            raise ValueError(
                f"unknown group(s) {unknown}: "
                f"use {', '.join(COUNTERFACTUAL_GROUPS)} or give them under 'define'"
            )
        if len(set(self.groups)) != len(self.groups):
            raise ValueError("a group is listed twice")
        return self


SuiteConfig = Annotated[
    TyposOptions
    | CasingPunctuationOptions
    | ParaphraseOptions
    | CodeSwitchOptions
    | DistractorOptions
    | InjectionOptions
    | CounterfactualOptions,
    Field(discriminator="name"),
]


def calls_model(suites: list[SuiteConfig]) -> bool:
    """Whether deriving the items needs the gateway (a model paraphrase or translation)."""
    return any(isinstance(s, ParaphraseOptions | CodeSwitchOptions) and s.model for s in suites)
