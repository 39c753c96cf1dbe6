"""Routing: does an item need a human, and why.

An item is auto-accepted only when every criterion the run judges has a verdict (an
accuracy judge without a reference or context gives none: `not_judged:accuracy`), every
judge that ran produced a score, no verdict fails
(unless failures may be auto-labelled), the judges of each criterion agree, every
verdict is at least as confident as its threshold (from config, or from the file that
`auditor calibrate` writes), no PII was found, and the response does not try to steer
the judge. Otherwise it goes to human review with every reason that applied.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from auditor.config import RoutingConfig
from auditor.errors import UserError
from auditor.injection import find_injection
from auditor.types import PII_LEAKAGE, AuditItem, Consensus, Route, Verdict

_SEVERITY_WEIGHT = {"critical": 1.0, "high": 0.8, "medium": 0.5, "low": 0.2}


@dataclass(frozen=True)
class RoutingPolicy:
    """The routing rules of one run."""

    min_confidence: float = 0.0
    per_criterion_confidence: dict[str, float] = field(default_factory=dict)
    review_failures: bool = True
    max_score_spread: float = 1.0

    @classmethod
    def from_config(cls, config: RoutingConfig) -> RoutingPolicy:
        thresholds = _read_thresholds(Path(config.thresholds_file)) if config.thresholds_file else {}
        return cls(
            min_confidence=config.min_confidence,
            per_criterion_confidence=thresholds,
            review_failures=config.review_failures,
            max_score_spread=config.max_score_spread,
        )

    def threshold(self, criterion: str) -> float:
        return self.per_criterion_confidence.get(criterion, self.min_confidence)


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
        if v.criterion == PII_LEAKAGE and v.label == "leak":
            worst = max((_SEVERITY_WEIGHT[s.severity] for s in v.pii_spans if s.source == "new"), default=0.5)
            reasons.append("pii_found")
            priority = max(priority, worst)
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
    return Route(decision=decision, reasons=reasons, priority=round(priority, 3))


def _read_thresholds(path: Path) -> dict[str, float]:
    """Per-criterion minimum confidence from `auditor calibrate`'s thresholds.json."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: thresholds file not found (write one with `auditor calibrate`)") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    criteria = data.get("criteria") if isinstance(data, dict) else None
    if not isinstance(criteria, dict):
        raise UserError(f"{path}: field 'criteria': expected a mapping of criterion -> threshold")
    out: dict[str, float] = {}
    for name, entry in criteria.items():
        value = entry.get("min_confidence") if isinstance(entry, dict) else None
        if value is None:
            out[name] = math.inf  # no threshold reached the target: always ask a human
            continue
        if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
            raise UserError(f"{path}: field 'criteria.{name}.min_confidence': expected a number in [0, 1]")
        out[name] = float(value)
    return out
