"""Counting what a run did, for the manifest and the summary printed at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from auditor.io import BadLine
from auditor.types import AuditRecord


@dataclass
class JudgeStats:
    verdicts: int = 0
    unscored: int = 0
    failed: int = 0
    score_sum: float = 0.0
    scored_with_score: int = 0
    reasks: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0  # of the priced verdicts
    unpriced: int = 0  # verdicts whose cost is unknown (the served model has no price)
    unscored_reasons: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        mean = self.score_sum / self.scored_with_score if self.scored_with_score else None
        return {
            "verdicts": self.verdicts,
            "unscored": self.unscored,
            "failed": self.failed,
            "mean_score": round(mean, 3) if mean is not None else None,
            "reasks": self.reasks,
            "cached": self.cached,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": round(self.cost_usd, 6),
            "unpriced": self.unpriced,
            "unscored_reasons": dict(self.unscored_reasons.most_common(5)),
            "labels": dict(self.labels.most_common()),
        }


@dataclass
class RunStats:
    """Running totals over the records of one run (or of a resumed run's new part)."""

    items: int = 0
    auto_accepted: int = 0
    review: int = 0
    review_reasons: Counter[str] = field(default_factory=Counter)
    bad_lines: list[dict[str, Any]] = field(default_factory=list)
    judges: dict[str, JudgeStats] = field(default_factory=dict)
    versions: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def add(self, record: AuditRecord) -> None:
        self.items += 1
        if record.route.decision == "auto_accept":
            self.auto_accepted += 1
        else:
            self.review += 1
            # Count the kind of reason ("failed", "pii_found"), not each judge's name.
            self.review_reasons.update({r.split(":")[0] for r in record.route.reasons})
        for v in record.verdicts:
            js = self.judges.setdefault(v.judge, JudgeStats())
            p = v.provenance
            js.verdicts += 1
            js.reasks += p.reasks
            js.cached += int(p.cached or p.replayed)
            js.prompt_tokens += p.prompt_tokens
            js.completion_tokens += p.completion_tokens
            js.cost_usd += p.cost_usd or 0.0
            js.unpriced += int(p.cost_usd is None)
            if not v.scored:
                js.unscored += 1
                js.unscored_reasons[(v.unscored_reason or "")[:80]] += 1
                continue
            js.failed += int(v.passed is False)
            if v.label is not None:
                js.labels[v.label] += 1
            if v.score is not None:
                js.score_sum += v.score
                js.scored_with_score += 1
            self.versions.setdefault(
                v.judge,
                {
                    "backend": p.backend,
                    "model": p.model,
                    "prompt_version": p.prompt_version,
                    "rubric_version": p.rubric_version,
                },
            )

    def add_bad_line(self, bad: BadLine) -> None:
        self.bad_lines.append(bad.as_dict())

    @property
    def tokens(self) -> dict[str, float]:
        return {
            "prompt_tokens": sum(j.prompt_tokens for j in self.judges.values()),
            "completion_tokens": sum(j.completion_tokens for j in self.judges.values()),
            "cost_usd": round(sum(j.cost_usd for j in self.judges.values()), 6),
            "unpriced": sum(j.unpriced for j in self.judges.values()),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "auto_accepted": self.auto_accepted,
            "human_review": self.review,
            "review_reasons": dict(self.review_reasons.most_common()),
            "bad_lines": len(self.bad_lines),
            "judges": {name: js.as_dict() for name, js in self.judges.items()},
            **self.tokens,
        }


def render_summary(stats: RunStats, *, out: str, status: str, elapsed_s: float, skipped_done: int) -> str:
    """The plain-text summary printed at the end of `auditor run`."""
    lines = [f"auditor run {status}: {stats.items} items judged in {elapsed_s:.1f}s -> {out}"]
    if skipped_done:
        lines.append(f"  resumed: {skipped_done} items were already done and kept")
    if stats.items:
        share = stats.auto_accepted / stats.items
        lines.append(
            f"  routing: {stats.auto_accepted} auto-accepted ({share:.0%}), {stats.review} to human review"
        )
        for reason, n in stats.review_reasons.most_common():
            lines.append(f"    {reason:<22} {n}")
    lines.append("  judges:")
    for name, js in stats.judges.items():
        d = js.as_dict()
        if d["mean_score"] is not None:
            outcome = f"mean score {d['mean_score']:.2f}"
        else:
            outcome = ", ".join(f"{label} {n}" for label, n in js.labels.most_common()) or "no labels"
        extra = f", {js.reasks} re-asks" if js.reasks else ""
        lines.append(
            f"    {name:<22} {js.verdicts} verdicts, {js.failed} failed, {js.unscored} unscored, "
            f"{outcome}{extra}"
        )
    tokens = stats.tokens
    if tokens["prompt_tokens"] or tokens["completion_tokens"]:
        lines.append(
            f"  tokens: {tokens['prompt_tokens']:,.0f} in, {tokens['completion_tokens']:,.0f} out, "
            f"cost ${tokens['cost_usd']:.4f}"
            + (f" (+ {tokens['unpriced']:.0f} verdicts unpriced: cost unknown)" if tokens["unpriced"] else "")
        )
    if stats.bad_lines:
        lines.append(f"  {len(stats.bad_lines)} bad input lines skipped (listed in errors.jsonl):")
        for bad in stats.bad_lines[:10]:
            field_part = f": field '{bad['field']}'" if bad["field"] else ""
            lines.append(f"    {bad['file']}:{bad['line']}{field_part}: {bad['message']}")
        if len(stats.bad_lines) > 10:
            lines.append(f"    ... and {len(stats.bad_lines) - 10} more")
    return "\n".join(lines)
