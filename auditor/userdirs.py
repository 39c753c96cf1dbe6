"""Where auditor keeps files that belong to the user, not to a run: the user cache directory.

The cache lives in the platform's user cache directory (`~/.cache/auditor` on Linux,
`~/Library/Caches/auditor` on macOS, `%LOCALAPPDATA%\\auditor\\Cache` on Windows), so the same
run started from another directory finds it. `AUDITOR_CACHE_DIR` moves it elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

CACHE_DIR_ENV = "AUDITOR_CACHE_DIR"


def cache_root() -> Path:
    """The root of auditor's user cache: `$AUDITOR_CACHE_DIR`, else the platform's user cache dir."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("auditor", appauthor=False))
