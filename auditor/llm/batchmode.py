"""The gateway's batch mode: answers from batch output, and requests collected for the next batch.

A batch run is the ordinary run repeated in rounds. In each round the gateway looks a
request up (by its cache key) first among the run's batch answers, then in the response
cache; on a miss it writes the request to the round's request file and raises
`BatchPending`, so the item waits (`pending.mark_pending`). Once a round's output is
ingested here, the next round finds those answers and asks for what they lead to (a
re-ask, the next sample). A request a batch failed, lost or let expire is asked again
once (`BatchSettings.retry`: in the next batch, or online), then it is `BatchFailed`:
the call is unscored with the reason.

The store lives in the run directory (`batch/answers/`, a diskcache) so it survives the
process and `--resume`; failures are appended to `batch/failures.jsonl`. Every answer is
also copied into the response cache (unless it is off), where later online runs find it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from auditor.llm.batchfiles import IngestReport, OutputLine, RequestWriter, read_output, request_ids
from auditor.llm.cache import ResponseCache
from auditor.llm.errors import BatchFailed, BatchPending
from auditor.llm.pending import mark_pending
from auditor.llm.settings import BatchSettings

ANSWERS = "answers"
FAILURES = "failures.jsonl"
MISSING = "missing from the batch output"
_INGEST_CHUNK = 5000  # answers per cache transaction
_UNKNOWN_EXAMPLES = 3


class FailureLog:
    """How often each request failed in a batch, and the latest reason (appended, read back on resume)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._failures: dict[str, tuple[int, str]] = {}
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                entry = json.loads(line)
                self._note(entry["custom_id"], entry["reason"])

    def _note(self, custom_id: str, reason: str) -> None:
        times = self._failures.get(custom_id, (0, ""))[0]
        self._failures[custom_id] = (times + 1, reason)

    def add_all(self, failures: Iterable[tuple[str, str]]) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            for custom_id, reason in failures:
                self._note(custom_id, reason)
                handle.write(
                    json.dumps({"custom_id": custom_id, "reason": reason}, ensure_ascii=False) + "\n"
                )

    def get(self, custom_id: str) -> tuple[int, str] | None:
        return self._failures.get(custom_id)


class BatchMode:
    """The run's batch answers and failures, and the open round's request writer."""

    def __init__(
        self, directory: Path, settings: BatchSettings, *, submits: bool, mirror: Path | None = None
    ) -> None:
        self.directory = directory
        self.settings = settings
        self.mirror = mirror  # the response cache, which gets a copy of every answer for later runs
        # Whether this run talks to the endpoint: it submits to the Batch API, or retries online.
        self.sends = submits or settings.retry == "online"
        directory.mkdir(parents=True, exist_ok=True)
        self.answers = ResponseCache(directory / ANSWERS)
        self.failures = FailureLog(directory / FAILURES)
        self._writer: RequestWriter | None = None
        self._used: set[str] = set()  # answers already counted in this process's usage

    def close(self) -> None:
        self.end_round()
        self.answers.close()

    # ----- rounds -----------------------------------------------------------------------

    def start_round(self, directory: Path) -> None:
        """Collect this round's requests into request files under `directory`."""
        self.end_round()
        self._writer = RequestWriter(
            directory, self.settings.max_requests_per_file, self.settings.max_bytes_per_file
        )

    def end_round(self) -> tuple[list[Path], int]:
        """Close the round's request files; returns them ([] when nothing was asked) and the request count."""
        writer, self._writer = self._writer, None
        if writer is None:
            return [], 0
        writer.close()
        return writer.files, writer.count

    # ----- the gateway's look-ups -----------------------------------------------------------

    async def answer(self, key: str) -> tuple[dict[str, Any], bool] | None:
        """The batch's answer to a request and whether this process sees it for the first time."""
        response = await self.answers.get(key)
        if response is None:
            return None
        first = key not in self._used
        self._used.add(key)
        return response, first

    def defer(self, key: str, body: dict[str, Any]) -> None:
        """A request without an answer: into the round's batch (BatchPending), online (returns), or
        unscored (BatchFailed) when its retries are spent."""
        failed = self.failures.get(key)
        if failed is not None:
            times, reason = failed
            if times > 1 or self.settings.retry == "none":
                raise BatchFailed(reason, times)
            if self.settings.retry == "online":
                return
        if self._writer is None:
            raise RuntimeError("batch mode without an open round")
        self._writer.add(key, body)
        mark_pending()
        raise BatchPending(key)

    # ----- ingest ---------------------------------------------------------------------------

    def ingest(
        self, outputs: Iterable[Path], requests: Iterable[Path], missing_reason: str = MISSING
    ) -> IngestReport:
        """Store a round's answers and note its failures; requests without a line fail with `missing_reason`.

        Lines may come in any order and from several files; a custom_id the round did not ask
        for is counted and ignored, and so is a second line for the same request.
        """
        asked = request_ids(requests)
        report = IngestReport()
        stores = [self.answers] + ([ResponseCache(self.mirror)] if self.mirror is not None else [])
        answers: list[tuple[str, dict[str, Any]]] = []
        failures: list[tuple[str, str]] = []
        try:
            for line in _asked_lines(outputs, asked, report):
                if line.response is None:
                    failures.append((line.custom_id, line.error or "batch error"))
                    continue
                answers.append((line.custom_id, line.response))
                if len(answers) >= _INGEST_CHUNK:
                    _store(stores, answers)
            _store(stores, answers)
        finally:
            for store in stores[1:]:
                store.close()
        report.failed = len(failures)
        missing = sorted(asked - report.seen)
        report.missing = len(missing)
        self.failures.add_all([*failures, *((m, missing_reason) for m in missing)])
        return report


def _asked_lines(outputs: Iterable[Path], asked: set[str], report: IngestReport) -> Iterator[OutputLine]:
    """The output lines of requests the round asked for, each request once; counts the others."""
    for path in outputs:
        for line in read_output(path):
            if line.custom_id not in asked:
                report.unknown += 1
                if len(report.unknown_examples) < _UNKNOWN_EXAMPLES:
                    report.unknown_examples.append(line.custom_id)
            elif line.custom_id in report.seen:
                report.duplicates += 1
            else:
                report.seen.add(line.custom_id)
                report.answered += line.response is not None
                yield line


def _store(stores: list[ResponseCache], answers: list[tuple[str, dict[str, Any]]]) -> None:
    for store in stores:
        store.set_many(answers)
    answers.clear()
