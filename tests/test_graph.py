from auditor.graph.build import build_graph
from auditor.graph.state import RunContext
from auditor.routing import RoutingPolicy
from auditor.types import AuditItem
from tests.fakes import ScriptedJudge

CTX = RunContext(routing=RoutingPolicy())


async def test_only_applicable_judges_run_in_parallel_and_verdicts_keep_config_order() -> None:
    slow = ScriptedJudge("accuracy_j", "accuracy", needs_reference=True, delay_s=0.05)
    fast = ScriptedJudge("relevance_j", "relevance")
    graph = build_graph([slow, fast])

    with_ref = AuditItem(id="a", prompt="q", response="r", reference="ref")
    out = await graph.ainvoke({"item": with_ref}, context=CTX)
    # the fast judge finishes first, but the record lists verdicts in the configured order
    assert [v.judge for v in out["verdicts_sorted"]] == ["accuracy_j", "relevance_j"]

    no_ref = AuditItem(id="b", prompt="q", response="r")
    out = await graph.ainvoke({"item": no_ref}, context=CTX)
    assert [v.judge for v in out["verdicts_sorted"]] == ["relevance_j"]
    assert slow.calls == ["a"]


async def test_a_crashing_judge_gives_an_unscored_verdict_not_a_dead_batch() -> None:
    graph = build_graph([ScriptedJudge("j", "relevance", crash_on="boom")])
    out = await graph.ainvoke({"item": AuditItem(id="boom", prompt="q", response="r")}, context=CTX)
    (verdict,) = out["verdicts_sorted"]
    assert verdict.unscored_reason == "judge error: RuntimeError: scripted crash"
    assert out["route"].decision == "human_review"
    assert "unscored:j" in out["route"].reasons


async def test_a_crashed_llm_judge_keeps_its_backend_and_the_error_type_apart() -> None:
    graph = build_graph([ScriptedJudge("j", "accuracy", crash_on="boom", backend="llm")])
    out = await graph.ainvoke({"item": AuditItem(id="boom", prompt="q", response="r")}, context=CTX)
    (verdict,) = out["verdicts_sorted"]
    assert verdict.provenance.backend == "llm"
    assert verdict.error_type == "RuntimeError"
    assert not verdict.scored


async def test_an_item_no_judge_applies_to_goes_to_review_as_not_judged() -> None:
    graph = build_graph([ScriptedJudge("acc", "accuracy", needs_reference=True)])
    out = await graph.ainvoke({"item": AuditItem(id="x", prompt="q", response="r")}, context=CTX)
    assert out["verdicts_sorted"] == []
    assert out["route"].decision == "human_review"
    assert out["route"].reasons == ["not_judged:accuracy"]
    judged = await graph.ainvoke(
        {"item": AuditItem(id="y", prompt="q", response="r", reference="r")}, context=CTX
    )
    assert judged["route"].decision == "auto_accept"
