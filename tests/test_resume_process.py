"""A real `auditor run` process killed mid-run, then resumed: nothing lost, nothing twice."""

import json
import signal
import subprocess
from pathlib import Path

import pytest

from tests.child import start_auditor, wait_until

N_ITEMS = 1500

pytestmark = pytest.mark.slow


def make_items(path: Path) -> None:
    facts = ["30 days", "15%", "€25.00", "14 days", "48 hours"]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(N_ITEMS):
            fact = facts[i % len(facts)]
            wrong = facts[(i + 1) % len(facts)] if i % 7 == 0 else fact
            item = {
                "id": f"gen-{i:05d}",
                "prompt": f"How long is the return window for order {i}?",
                "response": f"The return window is {wrong} from delivery for order {i}.",
                "reference": f"Buyers can return items within {fact} of delivery.",
                "metadata": {"marketplace": ["US", "DE", "JP"][i % 3]},
            }
            handle.write(json.dumps(item) + "\n")


def write_config(path: Path, items: Path) -> None:
    path.write_text(
        f"input: {items}\nconcurrency: 4\njudges:\n"
        "  - {name: accuracy_baseline, kind: baseline.accuracy}\n"
        "  - {name: relevance_baseline, kind: baseline.relevance}\n",
        encoding="utf-8",
    )


def wait_for_records(records: Path, at_least: int, proc: subprocess.Popen[str]) -> None:
    def enough() -> bool:
        return records.exists() and records.read_bytes().count(b"\n") >= at_least

    wait_until(enough, proc, "no records appeared", poll_s=0.02)


def signalled_mid_run(config: Path, run: Path, sig: signal.Signals) -> subprocess.Popen[str]:
    """`auditor run` sent `sig` once 100 records are written; the process."""
    proc = start_auditor("run", str(config), "--out", str(run), "--no-progress")
    wait_for_records(run / "records.jsonl", 100, proc)
    proc.send_signal(sig)
    return proc


def verdicts_by_item(records: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for line in records.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert record["item_id"] not in out, f"duplicated record {record['item_id']}"
        for v in record["verdicts"]:
            v["provenance"].pop("latency_ms", None)  # timing is not part of a verdict
        out[record["item_id"]] = record["verdicts"]
    return out


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, list[dict]]]:
    tmp = tmp_path_factory.mktemp("resume")
    items, config = tmp / "items.jsonl", tmp / "config.yaml"
    make_items(items)
    write_config(config, items)
    reference = tmp / "uninterrupted"
    proc = start_auditor("run", str(config), "--out", str(reference), "--no-progress")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return config, tmp, verdicts_by_item(reference / "records.jsonl")


def test_sigkill_then_resume_loses_and_duplicates_nothing(setup) -> None:  # type: ignore[no-untyped-def]
    config, tmp, expected = setup
    run = tmp / "killed"
    proc = signalled_mid_run(config, run, signal.SIGKILL)
    proc.communicate()
    done_before = (run / "records.jsonl").read_bytes().count(b"\n")
    assert 0 < done_before < N_ITEMS, "the kill must land mid-run"

    resumed = start_auditor("run", str(config), "--out", str(run), "--resume", "--no-progress")
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert f"resumed: {done_before} items were already done" in out
    assert verdicts_by_item(run / "records.jsonl") == expected
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["counts"]["items"] == N_ITEMS


def test_sigint_finishes_what_is_in_flight_and_prints_the_resume_command(setup) -> None:  # type: ignore[no-untyped-def]
    config, tmp, expected = setup
    run = tmp / "interrupted"
    proc = signalled_mid_run(config, run, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert f"auditor run {config} --resume --out {run}" in out
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    partial = verdicts_by_item(run / "records.jsonl")  # every line whole, none twice
    assert 0 < len(partial) < N_ITEMS
    assert all(partial[k] == expected[k] for k in partial)
