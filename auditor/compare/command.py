"""`auditor compare RUN [RUN ...]`: targets side by side over the items they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.compare.analysis import compare_targets
from auditor.compare.outcomes import common_items, load_targets
from auditor.compare.plots import comparison_plots
from auditor.compare.render import render_markdown
from auditor.compare.result import Comparison
from auditor.compare.stats import CORRECTIONS
from auditor.errors import UserError

JSON, MARKDOWN, PLOTS_DIR = "comparison.json", "comparison.md", "comparison_plots"


@dataclass(frozen=True)
class CompareResult:
    comparison: Comparison
    files: list[Path]


def run_compare(
    runs: Sequence[Path],
    out: Path | None = None,
    *,
    baseline: str | None = None,
    by: Sequence[str] = (),
    correction: str = "holm",
    seed: int = 0,
) -> CompareResult:
    """Compare every target in `runs` against `baseline` (default: the first) and write the files
    to `out` (default: `comparison/` in the run of the first other target, where `auditor report`
    of that run finds it)."""
    if correction not in CORRECTIONS:
        raise UserError(f"--correction: expected one of {', '.join(CORRECTIONS)}, got '{correction}'")
    targets = load_targets(runs)
    names = [t.name for t in targets]
    if len(targets) < 2:
        raise UserError(f"compare needs two or more targets; the runs hold only {', '.join(names)}")
    baseline = baseline or names[0]
    if baseline not in names:
        raise UserError(f"--baseline: no target '{baseline}' in the runs (targets: {', '.join(names)})")
    shared, lacking = common_items(targets)
    if not shared:
        raise UserError(f"the runs share no item: nothing to compare ({', '.join(names)})")
    comparison = compare_targets(targets, baseline, shared, lacking, by=by, correction=correction, seed=seed)
    if out is None:
        out = next(t.run for t in targets if t.name != baseline) / "comparison"
    return CompareResult(comparison, _write(comparison, out))


def _write(comparison: Comparison, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    plots_dir = out / PLOTS_DIR
    plots_dir.mkdir(exist_ok=True)
    files = [out / JSON, out / MARKDOWN]
    comparison.write(files[0])
    files[1].write_text(render_markdown(comparison), "utf-8")
    for plot in comparison_plots(comparison):
        path = plots_dir / f"{plot.name}.png"
        path.write_bytes(plot.png)
        files.append(path)
    return files
