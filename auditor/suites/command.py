"""`auditor robustness RUN`: robustness.json from a run's records (also written by a run with suites)."""

from __future__ import annotations

from pathlib import Path

from auditor.compare.outcomes import load_targets
from auditor.rundir import RunDir
from auditor.suites.metrics import Settings, robustness_of
from auditor.suites.result import ALL, Robustness, format_figure
from auditor.suites.samples import SAMPLES


def compute_robustness(run_dir: Path, seed: int = 0) -> Robustness:
    """Every robustness and fairness figure of the run in `run_dir` (nothing written)."""
    manifest = RunDir(run_dir).read_manifest()
    suites = [s.name for s in manifest.config.suites] + ([SAMPLES] if manifest.config.samples > 1 else [])
    return robustness_of(load_targets([run_dir]), suites, str(run_dir), Settings(seed=seed))


def write_robustness(run_dir: Path, seed: int = 0) -> Path:
    """Compute and write `run_dir/robustness.json`; its path."""
    return compute_robustness(run_dir, seed).write(run_dir)


def render_table(result: Robustness) -> str:
    """The headline figures as aligned text: flips on the overall verdict, comply rates, largest gaps."""
    rows = [("suite", "target", "figure", "estimate [95% CI]", "n")]
    for f in result.flips:
        if f.criterion == ALL:
            rows.append(
                (f.suite, f.target, "pass flip rate (all)", format_figure(f.pass_flip_rate), str(f.parents))
            )
    for c in result.comply:
        rows.append(("injection", c.target, "comply rate", format_figure(c.comply_rate), str(c.variants)))
    for d in result.disparities:
        if d.criterion == ALL:
            name = "counterfactual" if d.family == "counterfactual" else f"slice:{d.attribute}"
            what = f"max gap by {d.attribute}" + (f" ({d.best} vs {d.worst})" if d.best else "")
            rows.append((name, d.target, what, format_figure(d.max_gap), str(d.max_gap.n)))
    for r in result.reliability:
        if r.criterion == ALL:
            rows.append(
                (
                    f"samples={r.samples}",
                    r.target,
                    "consistent share",
                    format_figure(r.consistent_share),
                    str(r.items),
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join([f"robustness of {result.run}", *lines, *(f"note: {n}" for n in result.notes)])
