"""LLM throughput near the concurrency limit, and the cost of a cached re-run.

Against the local fake OpenAI-compatible server (fixed latency L per request, scripted
replies: not a model), in one run:

1. `auditor run` with J=2 LLM judges over N items at concurrency C, cold cache;
2. a bare `AsyncOpenAI` client sending the same number of requests at the same concurrency;
   both wall times against the lower bound requests * L / C. Goal: auditor <= 1.1x bare;
3. the same `auditor run` again: it must make zero requests (every answer cached), and its
   wall time is compared with a run of the same items with the offline judges. Goal: <= 1.25x.

    .venv/bin/python -m benchmarks.llm_throughput [--items 1000] [--latency 0.5] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

from openai import AsyncOpenAI

from auditor.config import AuditConfig, LLMJudgeConfig
from auditor.llm import LLMSettings
from auditor.run import RunOptions, run_audit
from auditor.testing import FakeOpenAI
from auditor.testing.fake_openai import ChatRequest, Reply
from benchmarks._common import save, verdict_line
from benchmarks.generate import write_items

KEY_ENV = "AUDITOR_BENCH_KEY"


def scripted(latency: float):  # type: ignore[no-untyped-def]
    def reply(request: ChatRequest) -> Reply:
        body = {"reasoning": "scripted benchmark reply", "score": 4, "evidence": []}
        return Reply(json.dumps(body), delay_s=latency)

    return reply


def llm_config(server: FakeOpenAI, concurrency: int, cache: Path) -> AuditConfig:
    settings = LLMSettings(
        model="fake-model", base_url=server.base_url, api_key_env=KEY_ENV, cache_dir=str(cache), timeout_s=30
    )
    judges = [
        LLMJudgeConfig(
            name="accuracy_llm",
            kind="llm.accuracy",
            rubric="rubrics/accuracy.yaml",
            prompt="prompts/accuracy.yaml",
        ),
        LLMJudgeConfig(
            name="relevance_llm",
            kind="llm.relevance",
            rubric="rubrics/relevance.yaml",
            prompt="prompts/relevance.yaml",
        ),
    ]
    return AuditConfig(judges=judges, llm=settings, concurrency=concurrency)


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
                model="fake-model", messages=[{"role": "user", "content": f"request {i}"}]
            )

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(requests)))
    elapsed = time.perf_counter() - t0
    await client.close()
    return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    os.environ[KEY_ENV] = "sk-bench-not-a-secret"
    with tempfile.TemporaryDirectory() as d, FakeOpenAI() as server:
        tmp = Path(d)
        server.respond_with(scripted(args.latency))
        items = write_items(tmp / "items.jsonl", args.items)
        config = llm_config(server, args.concurrency, tmp / "cache")

        ours = await timed_run(config, items, tmp / "cold")
        requests = len(server.chat_requests)
        bare = await bare_client(server, requests, args.concurrency)
        bound = requests * args.latency / args.concurrency

        before = len(server.chat_requests)
        cached = await timed_run(config, items, tmp / "warm")
        cached_requests = len(server.chat_requests) - before
        offline = await timed_run(AuditConfig(concurrency=args.concurrency), items, tmp / "offline")

    ratio, cache_ratio = ours / bare, cached / offline
    print(f"{args.items} items x 2 LLM judges = {requests} requests, L={args.latency}s, C={args.concurrency}")
    print(f"lower bound requests*L/C:      {bound:7.2f} s")
    print(f"bare AsyncOpenAI client:       {bare:7.2f} s  ({bare / bound:.2f}x the bound)")
    print(f"auditor run (cold cache):      {ours:7.2f} s  ({ours / bound:.2f}x the bound)")
    print(f"auditor run (cached re-run):   {cached:7.2f} s  ({cached_requests} requests)")
    print(f"auditor run (offline judges):  {offline:7.2f} s")
    print(verdict_line("auditor / bare client (wall time)", ratio, "<= 1.1x", ratio <= 1.1))
    print(verdict_line("cached re-run: requests made", cached_requests, "== 0", cached_requests == 0))
    print(
        verdict_line(
            "cached re-run / offline judges (wall time)", cache_ratio, "<= 1.25x", cache_ratio <= 1.25
        )
    )
    figures = {
        "items": args.items,
        "requests": requests,
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
