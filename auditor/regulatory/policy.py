"""The `regulatory:` config section: which regulations file, and the escalation rules.

A rule matches one law touch (a leaked kind under one law) when every condition it sets
holds; the first matching rule gives that touch its escalation, and a verdict takes the
highest-priority escalation among its touches. The default rules: a critical kind under
a law's sensitive category goes to `privacy-legal`, any other critical kind to `privacy`.
Their priorities sit above 1.0, the most any other routing reason gives, so escalated
items lead the review queue.
"""

from __future__ import annotations

from pydantic import Field, StrictBool

from auditor.pii.severity import Severity, at_least
from auditor.types import LawTouch, StrictModel


class EscalationRule(StrictModel):
    """`{sensitive: true, min_severity: critical, escalate: privacy-legal, priority: 2.0}`."""

    escalate: str = Field(min_length=1)  # who must look: a team or queue name
    priority: float = Field(ge=0.0)  # the route's priority for a matching leak
    sensitive: StrictBool | None = None  # the kind is in one of the law's sensitive categories
    min_severity: Severity | None = None  # the kind is at least this severe
    laws: list[str] = Field(default_factory=list)  # only these laws (empty: any law)

    def matches(self, touch: LawTouch, severity: str) -> bool:
        if self.sensitive is not None and touch.sensitive != self.sensitive:
            return False
        if self.min_severity is not None and not at_least(severity, self.min_severity):
            return False
        return not self.laws or touch.law in self.laws


def _default_rules() -> list[EscalationRule]:
    return [
        EscalationRule(escalate="privacy-legal", priority=2.0, sensitive=True, min_severity="critical"),
        EscalationRule(escalate="privacy", priority=1.5, min_severity="critical"),
    ]


class RegulatoryConfig(StrictModel):
    """Regulatory escalation of PII leaks (docs/regulatory.md); a triage aid, not legal advice."""

    enabled: StrictBool = True
    regulations: str | None = None  # a regulations file; None: the one shipped with auditor
    rules: list[EscalationRule] = Field(default_factory=_default_rules)
