"""`--batch` with a system under test: its answers in one round, their judging in the next."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.testing import FAKE_MODEL, ChatRequest, FakeOpenAI, Reply
from tests.batch.batch_helpers import audit, comparable, make_items, records, write_config
from tests.judges_llm.scripted_model import scripted_reply

TARGET = "target-model"


def target_or_judge(request: ChatRequest) -> str | Reply:
    """The target states a return window that depends on the order number; the judges are scripted."""
    if request.body["model"] == TARGET:
        order = request.last_user.split("order ")[1].split("?")[0]
        return f"The return window for order {order} is {'30 days' if int(order) % 3 else '14 days'}."
    return scripted_reply(request)


def test_a_target_s_answers_and_their_verdicts_come_in_two_rounds_as_online(tmp_path: Path) -> None:
    items, config = tmp_path / "items.jsonl", tmp_path / "config.yaml"
    make_items(items, 20)
    with FakeOpenAI(models=[FAKE_MODEL, TARGET]) as server:
        server.respond_with(target_or_judge)
        url = server.base_url
        target = f"targets:\n  - {{name: shop-bot, model: {TARGET}, base_url: '{url}', api_key_env: null}}\n"
        write_config(config, items, server.base_url, targets=target)
        assert audit(config, tmp_path / "online", "--no-cache") == 0
        online = len(server.chat_requests)
        assert audit(config, tmp_path / "batched", "--batch", "--no-cache") == 0
        assert len(server.chat_requests) == online  # nothing more went online
        assert server.batches.created == 2
    log = json.loads((tmp_path / "batched" / "batch" / "batch.json").read_text())
    first, second = log["rounds"]
    assert first["request_count"] == 20 and set(first["models"].values()) == {TARGET}
    assert second["request_count"] == 30 and set(second["models"].values()) == {FAKE_MODEL}
    assert comparable(tmp_path / "batched") == comparable(tmp_path / "online")
    judged = records(tmp_path / "batched")
    assert len(judged) == 20 and all(r["target"] == "shop-bot" for r in judged)
    assert all(r["answer"]["text"].startswith("The return window") for r in judged)
