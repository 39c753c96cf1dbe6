"""Routing: does an item need a human, and why.

An item is auto-accepted only when every criterion the run judges has a verdict (an
accuracy judge without a reference or context gives none: `not_judged:accuracy`), every
judge that ran produced a score, no verdict fails
(unless failures may be auto-labelled), the judges of each criterion agree, every
verdict is at least as confident as its threshold (from config, or from the file that
`auditor calibrate` writes), no PII was found, and the response does not try to steer
the judge. Otherwise it goes to human review with every reason that applied.

A calibrated threshold holds only for the judge it was measured on (name, backend,
model, prompt and rubric versions): a verdict from any other goes to review as
`stale_calibration:<criterion>`, with one warning per criterion, rather than being
accepted on another judge's numbers.

A leak that the regulatory policy escalates (`auditor.regulatory`) adds
`escalate:<level>` and the rule's priority, which by default outranks every other
reason, and the route names the escalation so the review queue and exports show it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from auditor.config import RoutingConfig
from auditor.injection import find_injection
from auditor.thresholds import Thresholds
from auditor.types import LEAK, PII_LEAKAGE, AuditItem, Consensus, JudgeIdentity, Route, Verdict

log = logging.getLogger(__name__)

_SEVERITY_WEIGHT = {"critical": 1.0, "high": 0.8, "medium": 0.5, "low": 0.2}


@dataclass(frozen=True)
class RoutingPolicy:
    """The routing rules of one run."""

    min_confidence: float = 0.0
    per_criterion_confidence: dict[str, float] = field(default_factory=dict)
    review_failures: bool = True
    max_score_spread: float = 1.0
    # criterion -> the judge its calibrated threshold was measured on (None: not recorded)
    calibrated_for: dict[str, JudgeIdentity | None] = field(default_factory=dict)
    _warned: set[str] = field(default_factory=set, compare=False, repr=False)

    @classmethod
    def from_config(cls, config: RoutingConfig) -> RoutingPolicy:
        file = Thresholds.read(Path(config.thresholds_file)) if config.thresholds_file else None
        criteria = file.criteria if file is not None else {}
        return cls(
            min_confidence=config.min_confidence,
            # no threshold reached the target: always ask a human
            per_criterion_confidence={
                c: math.inf if t.min_confidence is None else t.min_confidence for c, t in criteria.items()
            },
            review_failures=config.review_failures,
            max_score_spread=config.max_score_spread,
            calibrated_for={c: t.identity for c, t in criteria.items()},
        )

    def threshold(self, criterion: str) -> float:
        return self.per_criterion_confidence.get(criterion, self.min_confidence)

    def stale(self, verdict: Verdict) -> bool:
        """Was this criterion's calibrated threshold measured on another judge than `verdict`'s?"""
        if verdict.criterion not in self.calibrated_for:
            return False
        measured = self.calibrated_for[verdict.criterion]
        current = JudgeIdentity.of(verdict.judge, verdict.provenance)
        if measured == current:
            return False
        if verdict.criterion not in self._warned:
            self._warned.add(verdict.criterion)
            was = measured.describe() if measured is not None else "a judge it does not record"
            log.warning(
                "thresholds: '%s' was calibrated on %s, not on %s: its items go to review "
                "(stale_calibration:%s); run `auditor calibrate` again for this judge",
                verdict.criterion,
                was,
                current.describe(),
                verdict.criterion,
            )
        return True


def decide(
    item: AuditItem,
    verdicts: list[Verdict],
    consensus: list[Consensus],
    policy: RoutingPolicy,
    *,
    criteria: Sequence[str],
) -> Route:
    """Auto-accept or human review, with every reason and a priority for the queue.

    `criteria` are those the run's judges decide; one without a verdict is `not_judged`.
    """
    reasons: list[str] = []
    priority = 0.0
    escalation: tuple[float, str] | None = None
    judged = {v.criterion for v in verdicts}
    for criterion in dict.fromkeys(criteria):
        if criterion not in judged:
            reasons.append(f"not_judged:{criterion}")
            priority = max(priority, 0.5)
    for v in verdicts:
        if not v.scored:
            reasons.append(f"unscored:{v.judge}")
            priority = max(priority, 0.7)
            continue
        if v.passed is False and policy.review_failures:
            reasons.append(f"failed:{v.criterion}")
            priority = max(priority, 0.6)
        if v.criterion == PII_LEAKAGE and v.label == LEAK:
            worst = max((_SEVERITY_WEIGHT[s.severity] for s in v.pii_spans if s.source == "new"), default=0.5)
            reasons.append("pii_found")
            priority = max(priority, worst)
            if (reg := v.regulatory) is not None and reg.escalation is not None:
                level = (reg.priority or 0.0, reg.escalation)
                reasons.append(f"escalate:{reg.escalation}")
                priority = max(priority, level[0])
                escalation = max(escalation or level, level)
        if policy.stale(v):
            reasons.append(f"stale_calibration:{v.criterion}")
            priority = max(priority, 0.5)
            continue
        threshold = policy.threshold(v.criterion)
        if threshold > 0 and (v.confidence is None or v.confidence < threshold):
            reasons.append(f"low_confidence:{v.judge}")
            priority = max(priority, 0.4 + 0.3 * (1.0 - (v.confidence or 0.0)))
    for c in consensus:
        if c.disagreement:
            reasons.append(f"disagreement:{c.criterion}")
            priority = max(priority, 0.65)
    if find_injection(item.response):
        reasons.append("injection_suspected")
        priority = max(priority, 0.9)
    reasons = list(dict.fromkeys(reasons))
    decision = "human_review" if reasons else "auto_accept"
    return Route(
        decision=decision,
        reasons=reasons,
        priority=round(priority, 3),
        escalation=escalation[1] if escalation else None,
    )
