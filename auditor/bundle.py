"""Evidence packs: `auditor bundle RUN --out FILE.zip` and `auditor verify FILE.zip`.

A bundle is one zip holding what a reviewer needs to check a run months later: the run
directory's files, the config (as the manifest stores it: header names, never values),
the prompts and rubrics as used (and the regulations file leaks were assessed against),
the calibration and report when present, the cassette when the run recorded or replayed
one, the input (or only its sha256 with `--no-input`), an `index.md` saying what each
file is, and `SHA256SUMS` (the `sha256sum` format).

A prompt or rubric is packed only if it still hashes to the version the manifest
recorded, and the input only if it still hashes to the manifest's sha256: a bundle never
pairs a run with files it did not use. Entries are written in a fixed order with a fixed
timestamp and mode, so the same run bundles to the same bytes.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from auditor.config import AuditConfig
from auditor.errors import UserError
from auditor.io import file_sha256
from auditor.manifest import Manifest
from auditor.regulatory.regulations import DEFAULT_REGULATIONS, load_regulations
from auditor.rundir import BUNDLED_INPUT, ERRORS, MANIFEST, RECORDS, RunDir, read_records
from auditor.templates import load_prompt, load_rubric

SUMS, INDEX = "SHA256SUMS", "index.md"
REPORT_FILES = ("report.md", "report.html")
REPORT_PLOTS = "report_plots"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can store: no clock in the bytes


@dataclass(frozen=True)
class Entry:
    """One file of the bundle: its name in the zip, its bytes, and a line for index.md."""

    name: str
    data: bytes
    about: str


@dataclass(frozen=True)
class BundleResult:
    path: Path
    files: int
    sha256: str  # of the zip
    sums_sha256: str  # of SHA256SUMS: names the contents, whatever zip tool repacks them


def bundle_run(
    run_dir: Path, out: Path, *, calibration: Path | None = None, include_input: bool = True
) -> BundleResult:
    """Pack the run in `run_dir` into the zip `out`; a UserError names what cannot be packed."""
    manifest = RunDir(run_dir).read_manifest()
    entries = [
        *_run_files(run_dir),
        _config(manifest.config),
        *_templates(manifest),
        *_regulations(run_dir, manifest),
        *_calibration(run_dir, calibration),
        *_report(run_dir),
        *_cassette(manifest, include_input),
        _input(manifest, include_input),
    ]
    entries.append(Entry(INDEX, _index(manifest, entries).encode("utf-8"), "this file"))
    sums = "".join(f"{_sha256(e.data)}  {e.name}\n" for e in sorted(entries, key=lambda e: e.name))
    entries.append(Entry(SUMS, sums.encode("utf-8"), "sha256 of every other file"))
    _write_zip(out, entries)
    return BundleResult(out, len(entries), file_sha256(out), _sha256(sums.encode("utf-8")))


def _run_files(run_dir: Path) -> list[Entry]:
    if not (run_dir / RECORDS).is_file():
        raise UserError(f"{run_dir}: no {RECORDS} (run `auditor run` first)")
    about = {
        MANIFEST: "the run: settings, judges and their versions, input hash, counts, tokens, cost",
        RECORDS: "one audit record per item: verdicts, consensus, route",
        ERRORS: "the input lines that could not be read (file, line, field, message)",
    }
    return [
        Entry(name, (run_dir / name).read_bytes(), text)
        for name, text in about.items()
        if (run_dir / name).is_file()
    ]


def _config(config: AuditConfig) -> Entry:
    # The dump, not the YAML file: the model keeps extra header names only, never their values.
    data = (config.model_dump_json(indent=2) + "\n").encode("utf-8")
    return Entry("config.json", data, "the run's settings as validated (header values not stored)")


def _templates(manifest: Manifest) -> list[Entry]:
    """Each configured prompt and rubric, refused if it no longer hashes to the recorded version."""
    recorded = {j.judge: j for j in manifest.judges}
    out: dict[str, Entry] = {}
    for jc in manifest.config.judges:
        entry = recorded.get(jc.name)
        for what, value in (("prompt", jc.prompt), ("rubric", jc.rubric)):
            if not value:
                continue
            path = Path(value)
            if not path.is_file():
                raise UserError(f"{path}: the {what} of judge '{jc.name}' is gone; cannot bundle the run")
            version = load_prompt(path).full_version if what == "prompt" else load_rubric(path).full_version
            used = None if entry is None else getattr(entry, f"{what}_version")
            if used is not None and version != used:
                raise UserError(f"{path}: changed since the run (now {version}, the run used {used})")
            name = f"{what}s/{path.name}"
            data = path.read_bytes()
            if name in out and out[name].data != data:
                name = f"{what}s/{jc.name}/{path.name}"
            out[name] = Entry(name, data, f"the {what} of judge '{jc.name}' ({version})")
    return list(out.values())


def _regulations(run_dir: Path, manifest: Manifest) -> list[Entry]:
    """The regulations file the leak verdicts were assessed against, if any was; refused if edited since."""
    used = {
        v.regulatory.regulations_version
        for r in read_records(run_dir)
        for v in r.verdicts
        if v.regulatory is not None
    }
    if not used:
        return []
    configured = manifest.config.regulatory.regulations
    path = Path(configured) if configured else DEFAULT_REGULATIONS
    if not path.is_file():
        raise UserError(f"{path}: the regulations file of the run is gone; cannot bundle the run")
    version = load_regulations(path).full_version
    if version not in used:
        was = ", ".join(sorted(used))
        raise UserError(f"{path}: changed since the run (now {version}, the run used {was})")
    about = f"the regulations file the leak verdicts were assessed against ({version})"
    return [Entry(f"rubrics/{path.name}", path.read_bytes(), about)]


def _calibration(run_dir: Path, given: Path | None) -> list[Entry]:
    directory = given if given is not None else run_dir / "calibration"
    if given is not None and not given.is_dir():
        raise UserError(f"{given}: calibration directory not found")
    return _tree(directory, "calibration", "written by `auditor calibrate`")


def _report(run_dir: Path) -> list[Entry]:
    entries = [
        Entry(name, (run_dir / name).read_bytes(), "the audit report")
        for name in REPORT_FILES
        if (run_dir / name).is_file()
    ]
    return entries + _tree(run_dir / REPORT_PLOTS, REPORT_PLOTS, "a figure of the report")


def _cassette(manifest: Manifest, include_input: bool) -> list[Entry]:
    if manifest.cassette is None:
        return []
    directory = Path(manifest.cassette)
    if not directory.is_dir():
        raise UserError(f"{directory}: the run's cassette directory is gone; cannot bundle the run")
    entries = _tree(directory, "cassette", "an LLM exchange of the run")
    if include_input:
        return entries
    # Its requests carry the input's text: with --no-input only their hashes go in.
    sums = "".join(f"{_sha256(e.data)}  {e.name.removeprefix('cassette/')}\n" for e in entries)
    return [Entry("cassette.sha256", sums.encode("utf-8"), "sha256 of each cassette file (not packed)")]


def _input(manifest: Manifest, include_input: bool) -> Entry:
    path, sha256 = Path(manifest.input.path), manifest.input_sha256
    if not include_input:
        line = f"{sha256}  {path.name}\n".encode()
        return Entry(
            f"{BUNDLED_INPUT}/{path.name}.sha256", line, "the input's sha256 only (bundled with --no-input)"
        )
    if not path.is_file():
        raise UserError(f"{path}: the run's input is gone (add --no-input to bundle only its hash)")
    if file_sha256(path) != sha256:
        raise UserError(f"{path}: changed since the run (its sha256 differs from the manifest's)")
    return Entry(f"{BUNDLED_INPUT}/{path.name}", path.read_bytes(), "the items the run judged")


def _tree(directory: Path, prefix: str, about: str) -> list[Entry]:
    if not directory.is_dir():
        return []
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return [Entry(f"{prefix}/{p.relative_to(directory).as_posix()}", p.read_bytes(), about) for p in files]


def _index(manifest: Manifest, entries: list[Entry]) -> str:
    lines = [
        f"# Evidence pack: {manifest.config.name}",
        "",
        f"Run status {manifest.status}, started {manifest.started_at or '?'}, finished"
        f" {manifest.finished_at or '?'}, auditor {manifest.auditor_version}.",
        f"Input {manifest.input.path}, sha256 {manifest.input_sha256}.",
        "",
        f"Check it with `auditor verify BUNDLE.zip`, or extract it and run `sha256sum -c {SUMS}`.",
        "",
        "| file | bytes | what it is |",
        "| --- | ---: | --- |",
    ]
    lines += [f"| `{e.name}` | {len(e.data)} | {e.about} |" for e in sorted(entries, key=lambda e: e.name)]
    lines += [f"| `{INDEX}` | | this file |", f"| `{SUMS}` | | sha256 of every other file |"]
    return "\n".join(lines) + "\n"


def _write_zip(out: Path, entries: list[Entry]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for entry in sorted(entries, key=lambda e: e.name):
            info = zipfile.ZipInfo(entry.name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below means the same everywhere
            info.external_attr = 0o644 << 16
            zf.writestr(info, entry.data)
    tmp.replace(out)


@dataclass
class Verification:
    """What `auditor verify` found: files whose bytes differ, that are gone, or that were added."""

    checked: int = 0
    sums_sha256: str | None = None
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added)

    def lines(self) -> list[str]:
        out = [f"changed: {n}" for n in self.changed] + [f"missing: {n}" for n in self.missing]
        return out + [f"added: {n}" for n in self.added]


def verify_bundle(path: Path) -> Verification:
    """Recompute every file's sha256 against the bundle's SHA256SUMS."""
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UserError(f"{path}: not a zip file") from None
    with zf:
        names = [info.filename for info in zf.infolist() if not info.is_dir()]
        result = _compare(names, zf.read)
        result.added += sorted(f"{n} (a second entry of that name)" for n in set(names) if names.count(n) > 1)
    return result


def verify_extracted(directory: Path) -> Verification:
    """The same check on a bundle extracted to `directory` (files added since are not counted)."""
    names = [p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()]
    result = _compare(names, lambda name: (directory / name).read_bytes())
    result.added = []
    return result


def _compare(names: list[str], read: Callable[[str], bytes]) -> Verification:
    result = Verification()
    if SUMS not in names:
        result.missing.append(f"{SUMS} (nothing can be verified)")
        return result
    sums = read(SUMS)
    result.sums_sha256 = _sha256(sums)
    expected = _parse_sums(sums, result)
    present = set(names)
    for name, digest in sorted(expected.items()):
        if name not in present:
            result.missing.append(name)
            continue
        result.checked += 1
        try:
            actual = _sha256(read(name))
        except (zipfile.BadZipFile, zlib.error) as exc:  # a byte changed in the zip itself
            result.changed.append(f"{name} (unreadable: {exc})")
            continue
        if actual != digest:
            result.changed.append(name)
    result.added += sorted(present - set(expected) - {SUMS})
    return result


def bundle_note(run_dir: Path) -> str | None:
    """For a report written from an extracted bundle: which bundle, and whether it still matches."""
    if not (run_dir / SUMS).is_file():
        return None
    result = verify_extracted(run_dir)
    note = f"written from an evidence bundle: its {SUMS} has sha256 {result.sums_sha256}"
    if result.ok:
        return f"{note}; all {result.checked} files match it"
    return f"{note}; files that do NOT match it: {'; '.join(result.lines())}"


def _parse_sums(data: bytes, result: Verification) -> dict[str, str]:
    expected: dict[str, str] = {}
    for line_no, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not name:
            result.changed.append(f"{SUMS} (line {line_no} is not '<sha256>  <file>')")
            continue
        expected[name] = digest
    return expected


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
