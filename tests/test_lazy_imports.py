"""Offline commands do not load the LLM stack, and a run whose PII detection is in worker
processes does not load the NLP stack itself: each check runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LLM_STACK = ("openai", "httpx", "tiktoken", "diskcache", "tenacity")
NLP_STACK = ("presidio_analyzer", "spacy", "phonenumbers")

# Run `auditor ARGS` in-process in a new interpreter, then print which top-level packages of
# the LLM stack, and which modules of `auditor.llm`, ended up in sys.modules.
PROBE = """
import json, sys
from auditor.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
top = {name.partition(".")[0] for name in sys.modules}
gateway = [name for name in sys.modules if name.startswith("auditor.llm.")]
found = {"stack": sorted(top & set(STACK)), "nlp": sorted(top & set(NLP)), "llm_modules": sorted(gateway)}
print(json.dumps(found))
"""


def loaded_after(*args: str, env: dict[str, str] | None = None) -> dict[str, list[str]]:
    code = PROBE.replace("STACK", repr(LLM_STACK)).replace("NLP", repr(NLP_STACK))
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True, env=env
    )
    result: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def loaded_by_langgraph() -> set[str]:
    """What the graph library itself pulls in, whatever auditor does.

    Any import of `StateGraph` runs two unconditional module-level imports (langgraph 1.2):
    - tenacity: langgraph/graph/state.py -> langgraph/_internal/_runnable.py
      (`from langchain_core.tracers.langchain import LangChainTracer`) ->
      langchain_core/tracers/langchain.py (`from tenacity import Retrying, ...`);
    - httpx: langgraph/graph/state.py -> graph/_branch.py -> langgraph/pregel ->
      pregel/_algo.py -> langgraph/runtime.py (`from langgraph_sdk.auth.types import BaseUser`)
      -> langgraph_sdk/__init__.py (`from langgraph_sdk.client import ...`) -> httpx.
    No setting turns them off; only dropping LangGraph (or patching its imports) would.
    """
    code = (
        "import sys, langgraph.graph, langgraph.runtime, langgraph.types\n"
        f"print(' '.join(sorted({{n.partition('.')[0] for n in sys.modules}} & set({LLM_STACK!r}))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_help_loads_nothing_of_the_llm_stack() -> None:
    loaded = loaded_after("--help")
    assert loaded["stack"] == []
    assert loaded["llm_modules"] == ["auditor.llm.settings"]


@pytest.mark.slow
def test_offline_demo_run_loads_no_gateway(tmp_path: Path) -> None:
    loaded = loaded_after("run", "configs/demo.yaml", "--out", str(tmp_path / "run"), "--no-progress")
    assert (tmp_path / "run" / "records.jsonl").exists()
    # Nothing of the gateway: its settings, error and usage types (the manifest's `llm`
    # section) are plain pydantic and Python, and so is the batch rounds' per-item scope.
    light = {"auditor.llm.settings", "auditor.llm.errors", "auditor.llm.usage", "auditor.llm.pending"}
    assert set(loaded["llm_modules"]) <= light
    assert not {"openai", "tiktoken", "diskcache"} & set(loaded["stack"])
    # httpx and tenacity may only be there because LangGraph loads them on its own; it
    # brings nothing else of the stack (if a LangGraph release stops loading them, the
    # first assertion keeps auditor from starting to).
    by_langgraph = loaded_by_langgraph()
    assert set(loaded["stack"]) <= by_langgraph
    assert by_langgraph <= {"httpx", "tenacity"}


@pytest.mark.slow
def test_a_run_with_pii_workers_leaves_the_nlp_stack_to_them(tmp_path: Path) -> None:
    # spaCy, Presidio and libphonenumber (~60 MB, a second of start-up) live in the workers;
    # the run process traces spans and reads business cues without them.
    env = {**os.environ, "AUDITOR_PII_WORKERS": "2"}
    out = tmp_path / "run"
    loaded = loaded_after("run", "configs/demo.yaml", "--out", str(out), "--no-progress", env=env)
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    pii = [v for r in records for v in r["verdicts"] if v["judge"] == "pii"]
    labels = {v["label"] for v in pii}
    assert labels == {"leak", "no_leak"}  # every item scored, and the demo's leaks found by the workers
    assert loaded["nlp"] == []
