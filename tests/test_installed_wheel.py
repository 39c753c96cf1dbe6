"""`pip install .` (not editable) runs the demo from any directory, reading nothing in the checkout.

The wheel goes into a fresh venv; its dependencies come from the shared venv's site-packages,
added as a plain path (so the editable install's finder there is never run). An audit hook
in the child reports every file opened under the checkout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPS = Path(sysconfig.get_paths()["purelib"]).resolve()
FORBIDDEN = (f"{ROOT}/", f"{DEPS.parents[3]}/auditor/")  # this checkout, and the editable one
# The dependencies' venv may itself sit inside the checkout (`.venv`): reading it is allowed.
DEPS_VENV = f"{DEPS.parents[2]}/"

CHILD = """
import sys
forbidden = tuple(sys.argv.pop(1).split("|"))
allowed = sys.argv.pop(1)
def hook(event, args):
    path = args[0] if event == "open" else None
    if isinstance(path, str) and path.startswith(forbidden) and not path.startswith(allowed):
        print("READ FROM CHECKOUT:", args[0], file=sys.stderr)
sys.addaudithook(hook)
import auditor
print("AUDITOR FROM:", auditor.__file__, file=sys.stderr)
from auditor.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd or ROOT)}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def _install(tmp: Path) -> Path:
    """A fresh venv holding the built wheel; its python."""
    src = tmp / "src"
    shutil.copytree(ROOT / "auditor", src / "auditor", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check", "-q")
    built = _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", src, "-w", tmp / "wheels")
    assert built.returncode == 0, built.stderr
    assert _run(sys.executable, "-m", "venv", "--without-pip", tmp / "venv").returncode == 0
    python = tmp / "venv" / "bin" / "python"
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    )
    (wheel,) = (tmp / "wheels").glob("auditor-*.whl")
    installed = _run(*pip, "install", "--no-deps", "--no-index", "--target", site, wheel)
    assert installed.returncode == 0, installed.stderr
    (site / "shared_deps.pth").write_text(f"{DEPS}\n", encoding="utf-8")
    return python


@pytest.mark.slow
def test_the_installed_wheel_runs_the_demo_from_elsewhere(tmp_path: Path) -> None:
    python = _install(tmp_path)
    project = tmp_path / "project"  # a copy of the demo: config and data, nothing else
    shutil.copytree(ROOT / "configs", project / "configs")
    shutil.copytree(ROOT / "examples" / "seller_support", project / "examples" / "seller_support")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    args = ("run", project / "configs" / "demo.yaml", "--out", out, "--no-progress")
    result = _run(python, "-c", CHILD, "|".join(FORBIDDEN), DEPS_VENV, *args, cwd=elsewhere)

    assert result.returncode == 0, result.stderr
    assert "READ FROM CHECKOUT" not in result.stderr, result.stderr
    assert f"AUDITOR FROM: {tmp_path / 'venv'}" in result.stderr
    items = (project / "examples" / "seller_support" / "items.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(items)


@pytest.mark.slow
def test_the_installed_wheel_ships_the_prompts_and_rubrics(tmp_path: Path) -> None:
    python = _install(tmp_path)
    code = (
        "from auditor.config import load_config\n"
        "from auditor.report.llm_summarizer import DEFAULT_PROMPT\n"
        "from auditor.templates import load_prompt, load_rubric\n"
        "print(load_prompt(DEFAULT_PROMPT).name)\n"
        "for j in load_config(sys.argv[1]).judges:\n"
        "    print(load_rubric(j.rubric).full_version, load_prompt(j.prompt).full_version, j.prompt)\n"
    )
    config = tmp_path / "openai.yaml"  # names rubrics/... and prompts/... it does not have beside it
    shutil.copy(ROOT / "configs" / "openai.yaml", config)
    result = _run(
        python,
        "-c",
        CHILD.replace("from auditor.cli import main\nsys.exit(main(sys.argv[1:]))", code),
        "|".join(FORBIDDEN),
        DEPS_VENV,
        config,
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert "READ FROM CHECKOUT" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "summarize_finding"
    assert len(lines) == 4 and all(str(tmp_path / "venv") in line for line in lines[1:])
