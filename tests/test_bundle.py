import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from auditor.bundle import bundle_run, verify_bundle
from auditor.cli import main
from auditor.config import AuditConfig, PIIJudgeConfig
from auditor.errors import UserError
from auditor.llm.settings import LLMSettings
from auditor.run import RunOptions, run_audit
from auditor.templates import PACKAGE_DIR
from tests.fakes import ScriptedJudge

SECRET = "s3cret-header-value"


@pytest.fixture
async def run_dir(tmp_path: Path) -> Path:
    """A finished run whose judge 'acc' was configured with a prompt and a rubric file."""
    for folder, name in (("prompts", "pii_adjudicate.yaml"), ("rubrics", "pii_leakage.yaml")):
        (tmp_path / folder).mkdir()
        shutil.copy(PACKAGE_DIR / folder / name, tmp_path / folder / name)
    items = tmp_path / "items.jsonl"
    rows = [{"id": f"it-{i}", "prompt": "q", "response": "r", "reference": "x"} for i in range(3)]
    items.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    judge = PIIJudgeConfig(
        name="acc",
        kind="pii",
        prompt=str(tmp_path / "prompts/pii_adjudicate.yaml"),
        rubric=str(tmp_path / "rubrics/pii_leakage.yaml"),
    )
    cassette = tmp_path / "cassette"
    cassette.mkdir()
    (cassette / "abc.json").write_text('{"request": {"messages": "the input text"}}', encoding="utf-8")
    out = tmp_path / "run"
    options = RunOptions(items, out, progress=False, record=cassette)
    llm = LLMSettings(model="m", extra_headers={"api-key": SECRET})  # no judge calls it
    await run_audit(AuditConfig(judges=[judge], llm=llm), options, [ScriptedJudge("acc", "accuracy")])
    (out / "calibration").mkdir()
    (out / "calibration" / "calibration.md").write_text("# calibration\n", encoding="utf-8")
    (out / "report.md").write_text("# report\n", encoding="utf-8")
    return out


def rewrite(bundle: Path, change: dict[str, bytes | None]) -> None:
    """Repack the zip with some entries replaced (bytes), removed (None) or added."""
    with zipfile.ZipFile(bundle) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    for name, data in change.items():
        if data is None:
            files.pop(name)
        else:
            files[name] = data
    with zipfile.ZipFile(bundle, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def test_a_fresh_bundle_verifies_and_holds_the_evidence(run_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "evidence.zip"
    result = bundle_run(run_dir, bundle)
    names = set(zipfile.ZipFile(bundle).namelist())
    expected = {"manifest.json", "records.jsonl", "errors.jsonl", "config.json", "report.md", "index.md"}
    expected |= {"SHA256SUMS", "calibration/calibration.md", "cassette/abc.json", "input/items.jsonl"}
    expected |= {"prompts/pii_adjudicate.yaml", "rubrics/pii_leakage.yaml"}
    assert names == expected
    index = zipfile.ZipFile(bundle).read("index.md").decode()
    assert all(f"`{name}`" in index for name in expected)
    verification = verify_bundle(bundle)
    assert verification.ok and verification.checked == len(expected) - 1
    assert verification.sums_sha256 == result.sums_sha256
    assert main(["verify", str(bundle)]) == 0


def test_sha256sums_is_in_the_sha256sum_format(run_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "evidence.zip"
    bundle_run(run_dir, bundle)
    with zipfile.ZipFile(bundle) as zf:
        lines = zf.read("SHA256SUMS").decode().splitlines()
        digest, name = lines[0].split("  ")
        assert hashlib.sha256(zf.read(name)).hexdigest() == digest


def test_the_same_run_bundles_to_the_same_bytes(run_dir: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    bundle_run(run_dir, first)
    (run_dir / "records.jsonl").touch()  # a newer mtime must not change the bytes
    bundle_run(run_dir, second)
    assert first.read_bytes() == second.read_bytes()


def test_one_changed_byte_fails_verify_naming_the_file(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "evidence.zip"
    bundle_run(run_dir, bundle)
    records = zipfile.ZipFile(bundle).read("records.jsonl")
    flipped = records[:10] + bytes([records[10] ^ 1]) + records[11:]
    rewrite(bundle, {"records.jsonl": flipped})
    assert verify_bundle(bundle).changed == ["records.jsonl"]
    assert main(["verify", str(bundle)]) == 1
    assert "changed: records.jsonl" in capsys.readouterr().out


def test_a_byte_changed_in_the_zip_itself_names_the_file(run_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "evidence.zip"
    bundle_run(run_dir, bundle)
    raw = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as zf:
        info = zf.getinfo("records.jsonl")
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + 2
    raw[offset] ^= 0xFF
    bundle.write_bytes(bytes(raw))
    assert [c.split(" ")[0] for c in verify_bundle(bundle).changed] == ["records.jsonl"]


def test_verify_names_a_missing_and_an_added_file(run_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "evidence.zip"
    bundle_run(run_dir, bundle)
    rewrite(bundle, {"report.md": None, "notes.txt": b"slipped in"})
    result = verify_bundle(bundle)
    assert (result.missing, result.added, result.changed) == (["report.md"], ["notes.txt"], [])
    assert main(["verify", str(bundle)]) == 1


def test_verify_of_something_not_a_zip_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    path.write_text("not a zip")
    assert main(["verify", str(path)]) == 2


def test_no_input_stores_only_the_hash(run_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "evidence.zip"
    bundle_run(run_dir, bundle, include_input=False)
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        assert "input/items.jsonl" not in names and not any(n.startswith("cassette/") for n in names)
        digest = hashlib.sha256((tmp_path / "items.jsonl").read_bytes()).hexdigest()
        assert zf.read("input/items.jsonl.sha256").decode() == f"{digest}  items.jsonl\n"
        assert b"the input text" not in b"".join(zf.read(n) for n in names)
    assert verify_bundle(bundle).ok


def test_a_prompt_edited_since_the_run_is_refused_naming_it(run_dir: Path, tmp_path: Path) -> None:
    prompt = tmp_path / "prompts/pii_adjudicate.yaml"
    with prompt.open("a", encoding="utf-8") as handle:
        handle.write("\n# a comment leaves the version as it was\n")
    bundle_run(run_dir, tmp_path / "ok.zip")
    template = yaml.safe_load(prompt.read_text(encoding="utf-8"))
    template["system"] += "\nBe strict."  # same declared version, other text
    prompt.write_text(yaml.safe_dump(template), encoding="utf-8")
    with pytest.raises(UserError, match=r"pii_adjudicate\.yaml: changed since the run"):
        bundle_run(run_dir, tmp_path / "evidence.zip")


def test_a_changed_input_is_refused(run_dir: Path, tmp_path: Path) -> None:
    with (tmp_path / "items.jsonl").open("a") as handle:
        handle.write("\n")
    with pytest.raises(UserError, match=r"items\.jsonl: changed since the run"):
        bundle_run(run_dir, tmp_path / "evidence.zip")
    bundle_run(run_dir, tmp_path / "evidence.zip", include_input=False)  # the hash alone still bundles


def test_no_header_value_reaches_the_bundle(run_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "evidence.zip"
    bundle_run(run_dir, bundle)
    with zipfile.ZipFile(bundle) as zf:
        assert json.loads(zf.read("config.json"))["llm"]["extra_headers"] == {"api-key": "<not stored>"}
        assert not any(SECRET.encode() in zf.read(n) for n in zf.namelist())


async def test_a_report_from_an_extracted_bundle_names_the_bundle(run_dir: Path, tmp_path: Path) -> None:
    from auditor.report import build_report

    bundle = tmp_path / "evidence.zip"
    result = bundle_run(run_dir, bundle)
    extracted = tmp_path / "extracted"
    zipfile.ZipFile(bundle).extractall(extracted)
    (tmp_path / "items.jsonl").unlink()  # the reviewer has only the bundle: its input is used
    report = await build_report(extracted)
    text = report.markdown.read_text(encoding="utf-8")
    assert f"SHA256SUMS has sha256 {result.sums_sha256}; all 11 files match it" in text
    (extracted / "records.jsonl").write_text((extracted / "records.jsonl").read_text() + "\n")
    text = (await build_report(extracted)).markdown.read_text(encoding="utf-8")
    assert "files that do NOT match it: changed: records.jsonl" in text
