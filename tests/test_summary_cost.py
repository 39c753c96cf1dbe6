"""The run summary counts verdicts whose cost is unknown instead of adding them as free."""

from __future__ import annotations

from auditor.summary import RunStats, render_summary
from auditor.types import AuditRecord, Provenance, Route, Verdict


def llm_verdict(cost: float | None) -> Verdict:
    provenance = Provenance(
        backend="llm", model="served.gguf", prompt_tokens=100, completion_tokens=10, cost_usd=cost
    )
    return Verdict(judge="accuracy_llm", criterion="accuracy", score=4, passed=True, provenance=provenance)


def test_unpriced_verdicts_are_counted_and_said_in_the_summary() -> None:
    stats = RunStats()
    for i, cost in enumerate([0.002, None, None]):
        stats.add(
            AuditRecord(item_id=f"i{i}", verdicts=[llm_verdict(cost)], route=Route(decision="auto_accept"))
        )

    assert stats.tokens["cost_usd"] == 0.002 and stats.tokens["unpriced"] == 2
    assert stats.as_dict()["judges"]["accuracy_llm"]["unpriced"] == 2
    text = render_summary(stats, out="runs/x", status="complete", elapsed_s=1.0, skipped_done=0)
    assert "cost $0.0020 (+ 2 verdicts unpriced: cost unknown)" in text
