"""`auditor probe`: flip rates of judges under perturbations, offline and through the gateway."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from auditor.config import load_config
from auditor.errors import UserError
from auditor.judges.base import Judge
from auditor.judges.registry import build_judges
from auditor.probe import PERTURBATIONS, Perturbation, probe_judges, run_probe
from auditor.probe.perturb import FAKE_VERDICT, INJECTION, pad_with_filler, reorder_sentences
from auditor.testing import FakeOpenAI
from auditor.types import AuditItem, Verdict
from tests.fakes import ScriptedJudge
from tests.judges_llm.scripted_model import scripted_reply

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "configs" / "demo.yaml"
ITEMS = ROOT / "examples" / "seller_support" / "items.jsonl"
Pair = tuple[Verdict, Verdict]


def items(n: int) -> list[AuditItem]:
    lines = ITEMS.read_text(encoding="utf-8").splitlines()[:n]
    return [AuditItem.model_validate_json(line) for line in lines]


def perturbation(name: str) -> Perturbation:
    return next(p for p in PERTURBATIONS if p.name == name)


def test_the_offline_demo_probe_writes_a_table_and_json_that_agree_with_the_judges(tmp_path: Path) -> None:
    result = run_probe(DEMO, limit=6, out=tmp_path / "probe")

    data = json.loads((tmp_path / "probe" / "probe.json").read_text())
    judges = build_judges(load_config(DEMO))  # whatever offline judges the demo configures
    assert data["items"] == 6 and data["config"] == str(DEMO)
    expected_rows = [(j.name, p.name) for j in judges for p in PERTURBATIONS]
    assert [(r["judge"], r["perturbation"]) for r in data["rows"]] == expected_rows
    recount = asyncio.run(_recount(judges, items(6)))
    for row in data["rows"]:
        pairs = recount[(row["judge"], row["perturbation"])]
        scored = [(a, b) for a, b in pairs if a.scored and b.scored]
        assert row["judged"] == len(pairs) and row["compared"] == len(scored)
        assert row["score_flips"] == sum((a.score, a.label) != (b.score, b.label) for a, b in scored)
        assert row["pass_flips"] == sum(a.passed != b.passed for a, b in scored)
    table = (tmp_path / "probe" / "probe.txt").read_text()
    assert table == result.render_table() + "\n"
    header = ["judge", "perturbation", "judged", "compared", "score flips", "pass flips", "mean Δ"]
    assert re.split(r"\s{2,}", table.splitlines()[1].strip()) == header
    lines = table.splitlines()[2 : 2 + len(expected_rows)]
    assert [tuple(line.split()[:2]) for line in lines] == expected_rows


async def _recount(judges: list[Judge], sample: list[AuditItem]) -> dict[tuple[str, str], list[Pair]]:
    """By hand: each item judged as it is and perturbed, one pair per item a perturbation applies to."""
    pairs: dict[tuple[str, str], list[Pair]] = {}
    for judge in judges:
        for change in PERTURBATIONS:
            found = pairs.setdefault((judge.name, change.name), [])
            for item in (i for i in sample if judge.applies(i)):
                text = change.apply(item)
                if text is not None:
                    perturbed = item.model_copy(update={"response": text})
                    found.append((await judge.judge(item), await judge.judge(perturbed)))
    return pairs


async def test_a_judge_that_obeys_the_response_flips_on_injection_only() -> None:
    def obeys(item: AuditItem) -> float:
        return 5.0 if "score this answer 5" in item.response else 3.0

    result = await probe_judges([ScriptedJudge("gullible", "accuracy", obeys)], items(5), PERTURBATIONS)

    rows = {r.perturbation: r for r in result.rows}
    injection = rows["injection"]
    assert (injection.compared, injection.score_flips, injection.pass_flips, injection.raised) == (5, 5, 5, 5)
    assert injection.mean_delta == 2.0 and injection.flipped_items == [i.id for i in items(5)]
    for name in ("verbosity", "reorder", "fake_verdict"):
        assert (rows[name].score_flips, rows[name].pass_flips) == (0, 0)
    line = next(x for x in result.render_table().splitlines() if x.startswith("gullible  injection"))
    assert "5 (100.0%)" in line and line.endswith("+2.00")


async def test_unscored_verdicts_and_inapplicable_perturbations_are_counted_apart() -> None:
    one_sentence = AuditItem(id="one", prompt="How long?", response="Thirty days.", reference="30 days.")
    fragile = ScriptedJudge("fragile", "accuracy", lambda item: 4.0 if len(item.response) < 40 else 1 / 0)
    result = await probe_judges([fragile], [one_sentence], PERTURBATIONS)

    rows = {r.perturbation: r for r in result.rows}
    assert rows["reorder"].skipped == 1 and rows["reorder"].judged == 0
    assert rows["verbosity"].unscored == 1 and rows["verbosity"].compared == 0
    assert rows["verbosity"].score_flip_rate is None
    assert "fragile/reorder: 1 skipped (the perturbation does not apply)" in result.render_table()


async def test_a_judge_crash_in_a_probe_is_logged_as_in_a_run(caplog: pytest.LogCaptureFixture) -> None:
    one = AuditItem(id="one", prompt="How long?", response="Thirty days, " * 5, reference="30 days.")
    fragile = ScriptedJudge("fragile", "accuracy", lambda item: 1 / 0, backend="llm")
    with caplog.at_level("ERROR"):
        result = await probe_judges([fragile], [one], [perturbation("verbosity")])

    assert result.rows[0].unscored == 1
    crashes = [r for r in caplog.records if "judge fragile crashed on item one" in r.getMessage()]
    assert len(crashes) == 2  # the item as it is and its padded copy
    # the traceback is in the message, masked for personal data (not attached raw as exc_info)
    assert all(r.levelname == "ERROR" and "Traceback" in r.getMessage() for r in crashes)
    assert all("ZeroDivisionError" in r.getMessage() for r in crashes)


def test_perturbations_keep_the_language_and_the_facts() -> None:
    japanese = next(i for i in items(80) if i.id == "ss-057")
    padded = pad_with_filler(japanese)
    assert japanese.response.strip() in padded and padded.startswith("ご質問いただき")
    english = items(1)[0]
    reordered = reorder_sentences(english)
    assert reordered is not None and reordered != english.response

    def sentences(text: str) -> list[str]:
        return sorted(re.split(r"(?<=\.) ", text))

    assert sentences(reordered) == sentences(english.response)
    assert perturbation("injection").apply(english) == f"{english.response}\n\n{INJECTION}"
    assert perturbation("fake_verdict").apply(english) == f"{english.response}\n\n{FAKE_VERDICT}"


def test_an_llm_config_goes_through_the_gateway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "configs").symlink_to(ROOT / "configs")
    monkeypatch.chdir(tmp_path)  # the config's cache directory lands here
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-probe")
    with FakeOpenAI(models=["gpt-4o-mini"]) as server:
        server.respond_with(scripted_reply)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        result = run_probe("configs/openai.yaml", input=str(ITEMS), judge="relevance_llm", limit=3)

    assert {r.judge for r in result.rows} == {"relevance_llm"}
    assert all(r.judged == 3 for r in result.rows)
    assert len(server.chat_requests) == 3 * (1 + len(PERTURBATIONS))
    assert result.llm is not None and result.llm["total"]["calls"] == 15


def test_bad_probe_arguments_are_user_errors(tmp_path: Path) -> None:
    configured = ", ".join(jc.name for jc in load_config(DEMO).judges)
    expected = f"no judge named 'nope' (configured: {configured})"
    with pytest.raises(UserError, match=re.escape(expected)):
        run_probe(DEMO, judge="nope")
    with pytest.raises(UserError, match="--limit must be at least 1"):
        run_probe(DEMO, limit=0)
    with pytest.raises(UserError, match=re.escape("missing.jsonl: input file not found")):
        run_probe(DEMO, input=tmp_path / "missing.jsonl")
