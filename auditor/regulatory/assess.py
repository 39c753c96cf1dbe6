"""One leak verdict's regulatory assessment: the laws its leaked spans touch, and the escalation.

The laws are those of the item's marketplace and, for a national id, those of the country
that issued it (`ISSUING_COUNTRY`): a Chinese resident id on the German marketplace touches
the GDPR and the PIPL. A law touches a kind it covers (`applies_to`); the kind's category
under the law says whether it is sensitive and which article applies. Then the first
escalation rule matching each touch; the verdict keeps the highest-priority one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from auditor.errors import UserError
from auditor.pii.entities import ISSUING_COUNTRY
from auditor.pii.severity import severity_of
from auditor.regulatory.policy import EscalationRule, RegulatoryConfig
from auditor.regulatory.regulations import DEFAULT_REGULATIONS, Law, Regulations, load_regulations
from auditor.types import LawTouch, PIISpan, Regulatory

Basis = Literal["marketplace", "data_subject"]


def marketplace_of(metadata: dict[str, Any]) -> str | None:
    """The item's marketplace code, upper-cased; None when it names none."""
    value = metadata.get("marketplace")
    if not isinstance(value, str):
        return None
    return value.strip().upper() or None


class Assessor:
    """Assesses leak verdicts against one regulations file and one set of rules."""

    def __init__(self, regulations: Regulations, rules: Sequence[EscalationRule]) -> None:
        for n, rule in enumerate(rules):
            if unknown := sorted(set(rule.laws) - set(regulations.laws)):
                raise UserError(f"regulatory.rules[{n}]: unknown laws {unknown}; the regulations file has "
                                f"{', '.join(regulations.laws)}")  # fmt: skip
        self.regulations = regulations
        self.rules = tuple(rules)

    @classmethod
    def from_config(cls, config: RegulatoryConfig) -> Assessor:
        path = Path(config.regulations) if config.regulations else DEFAULT_REGULATIONS
        return cls(load_regulations(path), config.rules)

    def assess(self, marketplace: str | None, leaked: Sequence[PIISpan]) -> Regulatory:
        """The laws the `leaked` spans touch on `marketplace`, and the escalation."""
        countries = list(dict.fromkeys(c for s in leaked if (c := ISSUING_COUNTRY.get(s.entity_type))))
        codes = [c for c in dict.fromkeys([marketplace, *countries]) if c is not None]
        touches: dict[tuple[str, str], LawTouch] = {}
        for span in leaked:
            for law, basis in self._laws_for(marketplace, ISSUING_COUNTRY.get(span.entity_type)):
                key = (law, span.entity_type)
                if key in touches:
                    continue
                touch = self._touch(law, self.regulations.laws[law], span.entity_type, basis)
                if touch is not None:
                    touches[key] = touch
        rule = self._escalation(list(touches.values()))
        return Regulatory(
            marketplace=marketplace,
            subject_countries=countries,
            unmapped=[c for c in codes if not self.regulations.laws_of(c)],
            touches=list(touches.values()),
            escalation=rule.escalate if rule else None,
            priority=rule.priority if rule else None,
            regulations_version=self.regulations.full_version,
        )

    def _laws_for(self, marketplace: str | None, country: str | None) -> list[tuple[str, list[Basis]]]:
        """Each law of the marketplace or the id's country, with why it applies."""
        bases: dict[str, list[Basis]] = {}
        sources: tuple[tuple[str | None, Basis], ...] = (
            (marketplace, "marketplace"),
            (country, "data_subject"),
        )
        for code, basis in sources:
            for law in self.regulations.laws_of(code) if code else []:
                bases.setdefault(law, []).append(basis)
        return list(bases.items())

    @staticmethod
    def _touch(name: str, law: Law, kind: str, basis: list[Basis]) -> LawTouch | None:
        if not law.covers(kind):
            return None
        category = law.category_of(kind)
        article = category.article if category is not None else law.personal_data
        return LawTouch(
            law=name,
            entity_type=kind,
            basis=basis,
            category=category.name if category is not None else None,
            sensitive=category is not None and category.sensitive,
            citation=f"{name} {article}" if article else None,
        )

    def _escalation(self, touches: list[LawTouch]) -> EscalationRule | None:
        matched = [
            rule
            for t in touches
            if (rule := next((r for r in self.rules if r.matches(t, severity_of(t.entity_type))), None))
        ]
        return max(matched, key=lambda r: r.priority, default=None)
