"""The PII judge in worker processes: the same verdicts, a dead worker replaced, nothing left running."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import psutil
import pytest

from auditor.config import AuditConfig, PIIJudgeConfig
from auditor.errors import UserError
from auditor.io import read_items
from auditor.judges.pii import PIIJudge
from auditor.judges.registry import build_judges
from auditor.pii.workers import WORKER_NICENESS, WORKERS_ENV, ProcessAnalyzer, default_workers
from auditor.run import RunOptions, run_audit
from auditor.types import AuditItem, Verdict

DEMO = Path(__file__).resolve().parents[2] / "examples" / "seller_support" / "items.jsonl"

pytestmark = pytest.mark.slow  # each pool starts processes that load spaCy


def demo_items() -> list[AuditItem]:
    return [entry for entry in read_items(DEMO) if isinstance(entry, AuditItem)]


def outcome(v: Verdict) -> tuple[object, ...]:
    """What a user reads in a verdict: label, reasoning, spans with their source (not the latency)."""
    spans = [(s.entity_type, s.start, s.end, s.text, s.source, s.score) for s in v.pii_spans]
    return v.label, v.passed, v.unscored_reason, v.reasoning, v.confidence, spans


def worker_processes() -> list[psutil.Process]:
    """This test process's children that are pool workers (not multiprocessing's resource tracker)."""
    return [p for p in psutil.Process().children(recursive=True) if "spawn_main" in " ".join(p.cmdline())]


@pytest.fixture(scope="module")
def in_thread(engine_for_module) -> dict[str, tuple[object, ...]]:
    """Each demo item's verdict from the in-process engine: what the workers must reproduce."""
    judge = PIIJudge(engine=engine_for_module)
    items = demo_items()
    verdicts = asyncio.run(_judge_all(judge, items))
    return {i.id: outcome(v) for i, v in zip(items, verdicts, strict=True)}


@pytest.fixture(scope="module")
def engine_for_module(engine):  # the session engine, for a module-scoped fixture
    return engine


async def _judge_all(judge: PIIJudge, items: list[AuditItem]) -> list[Verdict]:
    return list(await asyncio.gather(*(judge.judge(i) for i in items)))


async def test_verdicts_from_worker_processes_equal_those_from_the_thread(in_thread):
    judge = PIIJudge(workers=2)
    items = demo_items()
    try:
        verdicts = await _judge_all(judge, items)
        assert judge._processes is not None and len(judge._processes.pids) == 2
        # below the run's process in the scheduler, so the run keeps driving the items
        lower = min(psutil.Process().nice() + WORKER_NICENESS, 19)
        assert [psutil.Process(pid).nice() for pid in judge._processes.pids] == [lower, lower]
    finally:
        await judge.aclose()
    assert {i.id: outcome(v) for i, v in zip(items, verdicts, strict=True)} == in_thread
    assert any(v.label == "leak" for v in verdicts) and any(v.label == "no_leak" for v in verdicts)
    assert worker_processes() == []


async def test_a_worker_killed_mid_run_is_replaced_and_its_items_are_redone(in_thread):
    judge = PIIJudge(workers=2, max_batch=2)
    items = demo_items() * 3  # enough small batches that most are still queued at the kill
    tasks = [asyncio.ensure_future(judge.judge(i)) for i in items]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        assert judge._processes is not None
        os.kill(judge._processes.pids[0], signal.SIGKILL)
        verdicts = await asyncio.gather(*tasks)
        assert judge._processes.replacements == 1
    finally:
        await judge.aclose()
    assert len(done) < len(items)  # the kill came while items were still being analysed
    assert [outcome(v) for v in verdicts] == [in_thread[i.id] for i in items]


async def test_a_batch_whose_worker_dies_twice_becomes_unscored_with_the_reason(monkeypatch):
    judge = PIIJudge(workers=2)
    try:
        first = await judge.judge(demo_items()[0])  # the workers start and finish a batch
        assert first.scored

        async def always_broken(self, pool, texts):
            raise BrokenProcessPool("a worker died")

        monkeypatch.setattr(ProcessAnalyzer, "_run", always_broken)
        verdicts = await _judge_all(judge, demo_items()[:3])
        assert judge._processes is not None and judge._processes.replacements == 2
    finally:
        await judge.aclose()
    assert [v.scored for v in verdicts] == [False] * 3 and [v.label for v in verdicts] == [None] * 3
    assert all("PII worker process died twice" in (v.unscored_reason or "") for v in verdicts)


async def test_workers_that_never_start_give_way_to_the_thread_with_a_warning(monkeypatch, caplog, in_thread):
    async def never_starts(self, pool, texts):
        raise BrokenProcessPool("a worker died while starting")

    monkeypatch.setattr(ProcessAnalyzer, "_run", never_starts)
    judge = PIIJudge(workers=2)
    items = demo_items()
    try:
        verdicts = await _judge_all(judge, items)
    finally:
        await judge.aclose()
    assert [outcome(v) for v in verdicts] == [in_thread[i.id] for i in items]
    warnings = [r.getMessage() for r in caplog.records if "could not start" in r.getMessage()]
    assert len(warnings) == 1 and '__name__ == "__main__"' in warnings[0]


UNGUARDED_SCRIPT = """
import asyncio
from pathlib import Path
from auditor.config import AuditConfig, PIIJudgeConfig
from auditor.run import RunOptions, run_audit
config = AuditConfig(judges=[PIIJudgeConfig(name="pii", kind="pii", options={"workers": 2})])
result = asyncio.run(run_audit(config, RunOptions(Path("items.jsonl"), Path("run"), progress=False)))
print("items", result.stats.items, "unscored", result.stats.judges["pii"].unscored)
"""


def test_a_script_without_a_main_guard_runs_once_and_says_what_to_add(tmp_path):
    """Spawned workers import the main module: an unguarded script must not audit again in each."""
    lines = DEMO.read_text(encoding="utf-8").splitlines(keepends=True)[:10]
    (tmp_path / "items.jsonl").write_text("".join(lines), encoding="utf-8")
    (tmp_path / "script.py").write_text(UNGUARDED_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "script.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["items 10 unscored 0"]  # one run, every item analysed
    assert 'if __name__ == "__main__":' in done.stderr
    records = (tmp_path / "run" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(records) == 10


def test_one_worker_means_the_thread_path_and_no_process(engine):
    config = AuditConfig(judges=[PIIJudgeConfig(name="pii", kind="pii", options={"workers": 1})])
    (judge,) = build_judges(config)
    assert isinstance(judge, PIIJudge) and judge.workers == 1
    verdict = asyncio.run(judge.judge(AuditItem(id="t", prompt="q", response="Call +44 20 7946 0958.")))
    assert verdict.label == "leak"
    assert judge._processes is None and worker_processes() == []


def test_the_default_is_one_worker_per_core_unless_the_environment_says_otherwise(monkeypatch):
    monkeypatch.delenv(WORKERS_ENV)
    assert PIIJudge().workers == default_workers() == len(os.sched_getaffinity(0))
    monkeypatch.setenv(WORKERS_ENV, "3")
    assert PIIJudge().workers == 3
    monkeypatch.setenv(WORKERS_ENV, "none")
    with pytest.raises(UserError, match=WORKERS_ENV):
        PIIJudge()


def write_demo_config(tmp_path: Path, workers: int) -> AuditConfig:
    lines = DEMO.read_text(encoding="utf-8").splitlines(keepends=True)[:20]
    (tmp_path / "items.jsonl").write_text("".join(lines), encoding="utf-8")
    return AuditConfig(judges=[PIIJudgeConfig(name="pii", kind="pii", options={"workers": workers})])


async def test_the_workers_stop_when_the_run_ends(tmp_path):
    config = write_demo_config(tmp_path, workers=2)
    result = await run_audit(config, RunOptions(tmp_path / "items.jsonl", tmp_path / "run", progress=False))
    assert result.stats.items == 20 and result.stats.judges["pii"].unscored == 0
    assert worker_processes() == []


async def test_the_workers_stop_when_the_run_is_cancelled(tmp_path):
    config = write_demo_config(tmp_path, workers=2)
    run = asyncio.ensure_future(
        run_audit(config, RunOptions(tmp_path / "items.jsonl", tmp_path / "run", progress=False))
    )
    for _ in range(400):  # until the pool has started its workers
        await asyncio.sleep(0.05)
        if worker_processes():
            break
    assert worker_processes(), "the run started no worker process"
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert worker_processes() == []
