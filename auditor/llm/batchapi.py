"""The OpenAI Files and Batches API through the run's client: upload, create, poll, download.

Each call is retried like a chat request (429, 5xx, dropped connections) and its other
errors are classified the same way (`client.classify_status`): a wrong key or URL stops
the run with one line. Downloads stream to disk, never held in memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import openai

from auditor.llm.client import Endpoint, classify_status
from auditor.llm.errors import TransientError
from auditor.llm.retry import with_retries
from auditor.llm.settings import LLMSettings

R = TypeVar("R")


@dataclass(frozen=True)
class BatchStatus:
    """What a batch's retrieval says."""

    status: str
    total: int
    completed: int
    failed: int
    output_file_id: str | None
    error_file_id: str | None


class BatchAPI:
    """The Batch API calls one run makes."""

    def __init__(self, client: openai.AsyncOpenAI, endpoint: Endpoint, settings: LLMSettings) -> None:
        self.client, self.endpoint, self.settings = client, endpoint, settings

    async def _call(self, what: str, call: Callable[[], Awaitable[R]]) -> R:
        async def attempt() -> R:
            try:
                return await call()
            except openai.APIStatusError as exc:
                raise classify_status(exc, self.endpoint, self.settings.model) from None
            except openai.APIConnectionError as exc:  # includes timeouts
                raise TransientError(f"{what}: connection failed: {type(exc).__name__}") from None

        return await with_retries(attempt, self.settings, what=f"{self.endpoint.display_url} ({what})")

    async def submit(self, requests: Path, metadata: dict[str, str]) -> tuple[str, str]:
        """Upload a request file (purpose "batch") and create its batch: (input file id, batch id)."""

        async def upload() -> str:
            with requests.open("rb") as handle:
                file = await self.client.files.create(file=(requests.name, handle), purpose="batch")
            return file.id

        file_id = await self._call(f"upload {requests.name}", upload)

        async def create() -> str:
            batch = await self.client.batches.create(
                input_file_id=file_id,
                endpoint="/v1/chat/completions",
                completion_window=self.settings.batch.completion_window,  # type: ignore[arg-type]
                metadata=metadata,
            )
            return batch.id

        return file_id, await self._call(f"create the batch of {requests.name}", create)

    async def status(self, batch_id: str) -> BatchStatus:
        batch = await self._call(f"batch {batch_id}", lambda: self.client.batches.retrieve(batch_id))
        counts = batch.request_counts
        return BatchStatus(
            status=batch.status,
            total=counts.total if counts else 0,
            completed=counts.completed if counts else 0,
            failed=counts.failed if counts else 0,
            output_file_id=batch.output_file_id,
            error_file_id=batch.error_file_id,
        )

    async def cancel(self, batch_id: str) -> None:
        await self._call(f"cancel batch {batch_id}", lambda: self.client.batches.cancel(batch_id))

    async def download(self, file_id: str, path: Path) -> None:
        """A file's content, streamed to `path` (written whole or not at all)."""
        tmp = path.with_suffix(path.suffix + ".part")

        async def fetch() -> None:
            async with self.client.files.with_streaming_response.content(file_id) as response:
                with tmp.open("wb") as handle:
                    async for chunk in response.iter_bytes():
                        handle.write(chunk)

        await self._call(f"download file {file_id}", fetch)
        tmp.replace(path)
