"""A `--batch` process killed while it polls, then `--resume`d: the batches in flight are picked up by id."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from subprocess import Popen

import pytest

from auditor.testing import FakeOpenAI
from tests.batch.batch_helpers import audit, batch_config, comparable, records
from tests.child import start_auditor, wait_until
from tests.judges_llm.scripted_model import scripted_reply

N_ITEMS = 120

pytestmark = pytest.mark.slow


def wait_for_batch(log: Path, server: FakeOpenAI, proc: Popen[str]) -> None:
    def submitted() -> bool:
        return bool(server.batches.created) and log.is_file() and '"id": "batch-' in log.read_text()

    wait_until(submitted, proc, "no batch was created", poll_s=0.05)


def start_polling_run(tmp_path: Path, server: FakeOpenAI, n_items: int) -> tuple[Path, Path, Popen[str]]:
    """`auditor run --batch` on `n_items` in a child process, once its batch is in flight
    (and stays so until the test lowers the delay): the config, the run directory, the process."""
    config, out = batch_config(tmp_path, n_items, server.base_url), tmp_path / "run"
    server.respond_with(scripted_reply)
    server.batches.behaviour.delay_s = 3600
    command = ["run", str(config), "--out", str(out), "--batch", "--no-progress"]
    proc = start_auditor(*command)
    wait_for_batch(out / "batch" / "batch.json", server, proc)
    return config, out, proc


def test_kill_during_polling_then_resume_submits_nothing_twice(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        config, out, proc = start_polling_run(tmp_path, server, N_ITEMS)
        time.sleep(0.3)  # a few polls
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)  # reads and closes its pipes
        assert server.batches.created == 1
        assert not (out / "records.jsonl").exists()  # every item waits for the batch

        server.batches.behaviour.delay_s = 0.0  # the batch finishes while nobody waits for it
        assert audit(config, out, "--batch", "--resume") == 0
        assert server.batches.created == 1  # the batch in flight was picked up, not submitted again
        assert len(server.chat_requests) == 0
        log = json.loads((out / "batch" / "batch.json").read_text())
        assert len(log["rounds"]) == 1 and log["rounds"][0]["ingested"]
        assert len(records(out)) == N_ITEMS

        assert audit(config, tmp_path / "online", "--no-cache") == 0
    assert comparable(out) == comparable(tmp_path / "online")


def test_sigterm_while_polling_stops_cleanly_and_resume_finishes(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        config, out, proc = start_polling_run(tmp_path, server, 20)
        proc.send_signal(signal.SIGTERM)
        stdout, _ = proc.communicate(timeout=30)
        assert proc.returncode == 130 and "--resume" in stdout
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["status"] == "interrupted"
        server.batches.behaviour.delay_s = 0.0
        assert audit(config, out, "--batch", "--resume") == 0
        assert server.batches.created == 1 and len(records(out)) == 20
