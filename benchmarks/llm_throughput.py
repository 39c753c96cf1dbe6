"""The mission's configuration near the concurrency limit, and the cost of a cached re-run.

Against the local fake OpenAI-compatible server (fixed latency L per request, scripted
replies: not a model), in one run, on N unique items at concurrency C:

1. `auditor run` with the shape of `configs/openai.yaml`: both LLM judges and the PII judge
   with adjudication (its detection in worker processes, one per core), cold cache;
2. a bare `AsyncOpenAI` client sending the same number of requests at the same concurrency;
   both wall times against the lower bound requests * L / C. Goal: auditor <= 1.25x bare;
3. the same `auditor run` again: it must make zero requests (every answer cached), and its
   wall time is compared with a run of the same items with the offline demo's judges
   (`configs/demo.yaml`, PII included). Goal: <= 1.25x.

    .venv/bin/python -m benchmarks.llm_throughput [--items 1000] [--latency 0.5] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import tempfile
import time
from pathlib import Path

from openai import AsyncOpenAI

from auditor.config import AuditConfig, load_config
from auditor.pii.workers import WORKERS_ENV
from auditor.run import RunOptions, run_audit
from auditor.testing import FakeOpenAI
from auditor.testing.fake_openai import ChatRequest, Reply
from benchmarks._common import save, verdict_line
from benchmarks.generate import write_items

KEY_ENV = "AUDITOR_BENCH_KEY"
MODEL = "gpt-4o-mini"  # what configs/openai.yaml names (and prices)
CONFIGS = Path(__file__).resolve().parents[1] / "configs"
SPANS = re.compile(r"<spans>\n(.*?)\n</spans>", re.DOTALL)


def scripted(latency: float):  # type: ignore[no-untyped-def]
    """A judge's score, or the adjudicator's decisions (one per span it was sent)."""

    def reply(request: ChatRequest) -> Reply:
        spans = SPANS.search(request.last_user)
        if spans is None:
            body: dict[str, object] = {"reasoning": "scripted benchmark reply", "score": 4, "evidence": []}
        else:
            ids = [json.loads(line)["span_id"] for line in spans.group(1).splitlines() if line.strip()]
            decisions = [{"span_id": i, "reason": "scripted", "label": "leak"} for i in ids]
            body = {"reasoning": "scripted benchmark reply", "decisions": decisions}
        return Reply(json.dumps(body), delay_s=latency)

    return reply


def mission_config(server: FakeOpenAI, concurrency: int, cache: Path) -> AuditConfig:
    """configs/openai.yaml pointed at the fake server: its judges, prompts, rubrics and LLM settings."""
    config = load_config(CONFIGS / "openai.yaml")
    assert config.llm is not None
    assert {j.kind for j in config.judges} == {"llm.accuracy", "llm.relevance", "pii"}
    llm = config.llm.model_copy(
        update={"base_url": server.base_url, "api_key_env": KEY_ENV, "cache_dir": str(cache), "timeout_s": 30}
    )
    return config.model_copy(update={"llm": llm, "concurrency": concurrency})


def demo_config(concurrency: int) -> AuditConfig:
    """configs/demo.yaml's offline judges (PII included) at the same concurrency."""
    return load_config(CONFIGS / "demo.yaml").model_copy(update={"concurrency": concurrency})


async def timed_run(config: AuditConfig, items: Path, out: Path) -> float:
    t0 = time.perf_counter()
    await run_audit(config, RunOptions(items, out, progress=False, overwrite=True))
    return time.perf_counter() - t0


async def bare_client(server: FakeOpenAI, requests: int, concurrency: int) -> float:
    """The floor a client library can reach: one AsyncOpenAI, a semaphore, nothing else."""
    client = AsyncOpenAI(base_url=server.base_url, api_key="bench", max_retries=0)
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": f"request {i}"}]
            )

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(requests)))
    elapsed = time.perf_counter() - t0
    await client.close()
    return elapsed


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished children (the PII workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    os.environ[KEY_ENV] = "sk-bench-not-a-secret"
    with tempfile.TemporaryDirectory() as d, FakeOpenAI(models=[MODEL]) as server:
        tmp = Path(d)
        server.respond_with(scripted(args.latency))
        items = write_items(tmp / "items.jsonl", args.items)
        config = mission_config(server, args.concurrency, tmp / "cache")

        cpu0 = _cpu_s()
        ours = await timed_run(config, items, tmp / "cold")
        cpu = _cpu_s() - cpu0
        requests = len(server.chat_requests)
        adjudications = sum("<spans>" in json.dumps(r.body) for r in server.chat_requests)
        bare = await bare_client(server, requests, args.concurrency)
        bound = requests * args.latency / args.concurrency

        before = len(server.chat_requests)
        cached = await timed_run(config, items, tmp / "warm")
        cached_requests = len(server.chat_requests) - before
        offline = await timed_run(demo_config(args.concurrency), items, tmp / "offline")

    ratio, cache_ratio = ours / bare, cached / offline
    print(
        f"{args.items} items, configs/openai.yaml (2 LLM judges + PII with adjudication): "
        f"{requests} requests ({adjudications} adjudications), L={args.latency}s, C={args.concurrency}, "
        f"PII workers={os.environ.get(WORKERS_ENV, 'one per core')}"
    )
    print(f"lower bound requests*L/C:      {bound:7.2f} s")
    print(f"bare AsyncOpenAI client:       {bare:7.2f} s  ({bare / bound:.2f}x the bound)")
    print(f"auditor run (cold cache):      {ours:7.2f} s  ({ours / bound:.2f}x the bound, {cpu:.0f} s CPU)")
    print(f"auditor run (cached re-run):   {cached:7.2f} s  ({cached_requests} requests)")
    print(f"auditor run (offline demo):    {offline:7.2f} s")
    print(verdict_line("auditor / bare client (wall time)", ratio, "<= 1.25x", ratio <= 1.25))
    print(verdict_line("cached re-run: requests made", cached_requests, "== 0", cached_requests == 0))
    print(
        verdict_line("cached re-run / offline demo (wall time)", cache_ratio, "<= 1.25x", cache_ratio <= 1.25)
    )
    figures = {
        "config": "configs/openai.yaml (accuracy_llm, relevance_llm, pii with adjudication)",
        "pii_workers": os.environ.get(WORKERS_ENV, "one per core"),
        "items": args.items,
        "requests": requests,
        "adjudications": adjudications,
        "cpu_s": cpu,
        "latency_s": args.latency,
        "concurrency": args.concurrency,
        "bound_s": bound,
        "bare_s": bare,
        "auditor_s": ours,
        "ratio": ratio,
        "cached_s": cached,
        "cached_requests": cached_requests,
        "offline_s": offline,
        "cached_ratio": cache_ratio,
    }
    print(f"wrote {save('llm_throughput', figures)}")


if __name__ == "__main__":
    asyncio.run(main())
