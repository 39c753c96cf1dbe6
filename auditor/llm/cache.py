"""The response cache: a diskcache directory keyed by `request.cache_key`.

An entry holds the response body (reply text, usage, logprobs) and nothing about how it
was fetched: no key, no header. The directory is created private (0700) because the
cached replies quote the audited data. diskcache is synchronous (SQLite), so reads and
writes run in a worker thread to keep the event loop free.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import diskcache

from auditor.errors import UserError
from auditor.llm.settings import USER_CACHE
from auditor.userdirs import cache_root

# "use": read and write; "refresh": ignore what is cached, write the new answers; "off": neither.
CacheMode = Literal["use", "refresh", "off"]


def cache_directory(cache_dir: str | None) -> Path | None:
    """Where `llm.cache_dir` puts the cache: the user cache by default, None when turned off."""
    if cache_dir is None:
        return None
    if cache_dir == USER_CACHE:
        return cache_root() / "llm"
    return Path(cache_dir).expanduser()


def open_cache_dir(path: Path) -> Path:
    """Create the cache directory (parents as usual, the directory itself 0700)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.mkdir(mode=0o700)
            path.chmod(0o700)  # mkdir's mode is filtered by the umask
    except OSError as exc:
        raise UserError(f"{path}: cannot create the LLM cache directory: {exc.strerror}") from None
    if not path.is_dir():
        raise UserError(f"{path}: the LLM cache path exists and is not a directory")
    return path


class ResponseCache:
    """Response bodies by cache key."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = open_cache_dir(Path(directory))
        self._cache = diskcache.Cache(str(self.directory))

    async def get(self, key: str) -> dict[str, Any] | None:
        entry = await asyncio.to_thread(self._cache.get, key)
        return entry.get("response") if isinstance(entry, dict) else None

    async def set(self, key: str, response: dict[str, Any]) -> None:
        await asyncio.to_thread(self._cache.set, key, {"response": response})

    def set_many(self, entries: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Store many answers in one transaction (batch ingest: one commit, not one per answer)."""
        with self._cache.transact():
            for key, response in entries:
                self._cache.set(key, {"response": response})

    def close(self) -> None:
        self._cache.close()


def cache_stats(directory: Path | str) -> dict[str, Any]:
    """What `auditor cache stats` prints: where the cache is, how many entries, how big."""
    path = Path(directory)
    if not _is_cache(path):
        return {"directory": str(path), "exists": False, "entries": 0, "size_bytes": 0}
    with diskcache.Cache(str(path)) as cache:
        entries = len(cache)
        size = int(cache.volume())
    return {"directory": str(path), "exists": True, "entries": entries, "size_bytes": size}


def cache_clear(directory: Path | str) -> int:
    """Delete every cached response; returns how many there were."""
    path = Path(directory)
    if not _is_cache(path):
        return 0
    with diskcache.Cache(str(path)) as cache:
        return int(cache.clear())


def _is_cache(path: Path) -> bool:
    # Opening a diskcache creates one: check first, so `stats` on a wrong path changes nothing.
    return (path / "cache.db").is_file()
