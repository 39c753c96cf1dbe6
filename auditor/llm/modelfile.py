"""Model files on disk: is it a GGUF, what is its sha256, and where fetched models live.

Hashing a gigabyte takes seconds, so the digest is cached in the user cache directory,
keyed by the file's resolved path, size and modification time: a file replaced or
edited in place gets hashed again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from auditor.errors import UserError
from auditor.io import file_sha256
from auditor.userdirs import cache_root

GGUF_MAGIC = b"GGUF"
CHUNK = 1 << 20


def models_dir() -> Path:
    return cache_root() / "models"


def check_gguf(path: Path, where: str) -> None:
    """UserError in one line unless `path` is a readable GGUF file."""
    if not path.is_file():
        raise UserError(f"{where}: no model file at {path}")
    with path.open("rb") as f:
        magic = f.read(len(GGUF_MAGIC))
    if magic != GGUF_MAGIC:
        raise UserError(f"{where}: {path} is not a GGUF model file (it starts with {magic!r}, not b'GGUF')")


def copy_hashed(stream: IO[bytes], digest: Any, sink: IO[bytes] | None = None) -> int:
    """Feed what `stream` yields to `digest` (and `sink`), in chunks; the bytes copied."""
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return size


def cached_file_sha256(path: Path) -> str:
    """`io.file_sha256`, from the digest cache when the file's path, size and mtime are unchanged."""
    path = path.resolve()
    stat = path.stat()
    key = f"{path}|{stat.st_size}|{stat.st_mtime_ns}"
    cache = _load_digests()
    if key in cache:
        return cache[key]
    digest = file_sha256(path)
    remember_sha256(path, digest)
    return digest


def remember_sha256(path: Path, digest: str) -> None:
    """Record a digest already computed (while writing the file, say)."""
    path = path.resolve()
    stat = path.stat()
    cache = {k: v for k, v in _load_digests().items() if not k.startswith(f"{path}|")}
    cache[f"{path}|{stat.st_size}|{stat.st_mtime_ns}"] = digest
    target = _digests_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
    partial.replace(target)


def model_name(path: Path) -> str:
    """How runs name a local model: `<file>@sha256:<hash>`, the same on every machine."""
    return f"{path.name}@sha256:{cached_file_sha256(path)}"


def _digests_path() -> Path:
    return cache_root() / "sha256.json"


def _load_digests() -> dict[str, str]:
    try:
        data = json.loads(_digests_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
