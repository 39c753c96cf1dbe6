"""The local backend's checks before anything starts: the file, the memory, the model's name."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from auditor.errors import UserError
from auditor.llm import Gateway, LLMSettings, modelfile
from auditor.llm import local as local_backend
from auditor.llm.settings import LocalSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "user-cache"))
    return tmp_path / "user-cache"


def fake_gguf(path: Path, body: bytes = b"\x03\x00\x00\x00 weights") -> Path:
    path.write_bytes(modelfile.GGUF_MAGIC + body)
    return path


def local_settings(path: Path) -> LLMSettings:
    return LLMSettings(local=LocalSettings(model_path=str(path)), cache_dir=None)


def test_a_missing_model_file_is_one_line_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"^llm\.local\.model_path: no model file at .*nope\.gguf$"):
        Gateway(local_settings(tmp_path / "nope.gguf"))


def test_a_file_that_is_not_gguf_is_refused_before_llama_cpp_sees_it(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_text("<html>not a model</html>")
    with pytest.raises(UserError, match=r"model\.gguf is not a GGUF model file \(it starts with b'<htm'"):
        Gateway(local_settings(path))


def test_too_little_memory_is_one_line_with_both_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psutil

    monkeypatch.setattr(psutil, "virtual_memory", lambda: SimpleNamespace(available=100 << 20))
    with pytest.raises(UserError, match=r"needs about 0\.\d GiB of memory .* but 0\.1 GiB is available"):
        Gateway(local_settings(fake_gguf(tmp_path / "m.gguf")))


def test_the_model_is_named_by_file_and_sha256_and_is_free(tmp_path: Path) -> None:
    path = fake_gguf(tmp_path / "tiny.gguf")
    resolved = local_backend.resolve(local_settings(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert resolved.model == f"tiny.gguf@sha256:{digest}"
    assert (
        resolved.prices[resolved.model].input_per_mtok == 0 == resolved.prices[resolved.model].output_per_mtok
    )
    assert resolved.api_key_env is None and resolved.max_in_flight == 1  # one slot: one request at a time


def test_the_hash_is_cached_by_path_size_and_mtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = fake_gguf(tmp_path / "m.gguf")
    first = modelfile.cached_file_sha256(path)
    reads: list[int] = []
    real = modelfile.file_sha256
    monkeypatch.setattr(modelfile, "file_sha256", lambda *a, **k: reads.append(1) or real(*a, **k))
    assert modelfile.cached_file_sha256(path) == first and reads == []  # from the cache
    fake_gguf(path, b"other weights, same file name")
    assert modelfile.cached_file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert reads == [1]  # changed on disk: hashed again


def test_local_settings_exclude_a_base_url() -> None:
    with pytest.raises(ValueError, match="'base_url' and 'local' exclude each other"):
        LLMSettings(local=LocalSettings(model_path="m.gguf"), base_url="http://127.0.0.1:1/v1")
    with pytest.raises(ValueError, match="'model' is required"):
        LLMSettings()


def test_other_backends_never_import_llama_cpp() -> None:
    code = (
        "import sys; import auditor.cli, auditor.run; from auditor.llm import Gateway, LLMSettings; "
        "Gateway(LLMSettings(model='m', base_url='http://127.0.0.1:9/v1', cache_dir=None)); "
        "assert 'xllamacpp' not in sys.modules, 'imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-500:]
