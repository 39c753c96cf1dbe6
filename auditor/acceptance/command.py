"""`auditor gate RUN`: decide the test plan's acceptance criteria; exit 0 go, 1 no-go, 3 inconclusive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from auditor.acceptance.correction import corrected_failure_rate, read_judge_errors
from auditor.acceptance.criteria import ROBUSTNESS_METRICS, AcceptanceCriterion
from auditor.acceptance.decide import Decision, decide
from auditor.acceptance.measure import Measure, leak_rate, mean_score, pass_rate, pass_rate_drop
from auditor.acceptance.result import GateFile
from auditor.acceptance.robustness import robustness_measure
from auditor.compare.outcomes import Outcome, Target, load_targets
from auditor.config import load_config
from auditor.errors import UserError
from auditor.rundir import RunDir
from auditor.suites.command import compute_robustness
from auditor.suites.result import Robustness

EXIT_GO, EXIT_NO_GO, EXIT_INCONCLUSIVE = 0, 1, 3
VERDICTS = {EXIT_GO: "go", EXIT_NO_GO: "no-go", EXIT_INCONCLUSIVE: "inconclusive"}


@dataclass(frozen=True)
class GateResult:
    decisions: list[Decision]
    exit_code: int
    path: Path

    @property
    def verdict(self) -> str:
        return VERDICTS[self.exit_code]


@dataclass(frozen=True)
class _Context:
    seed: int
    calibration: Path | None
    robustness: dict[Path, Robustness] = field(default_factory=dict)  # computed once per run

    def robustness_of(self, run: Path) -> Robustness:
        if run not in self.robustness:
            self.robustness[run] = compute_robustness(run, self.seed)
        return self.robustness[run]


def run_gate(
    run: Path,
    config: Path | None = None,
    baseline_run: Path | None = None,
    seed: int = 0,
    calibration: Path | None = None,
) -> GateResult:
    """Decide every criterion for every target of `run`; write `run/acceptance.json`.

    `calibration` (a directory written by `auditor calibrate`) is needed by criteria with
    `corrected: true`."""
    criteria, source = _criteria(run, config)
    if calibration is None and any(c.corrected for c in criteria):
        raise UserError(
            "a criterion has 'corrected: true': pass --calibration DIR (from `auditor calibrate`)"
        )
    context = _Context(seed, calibration)
    runs = [run] if baseline_run is None else [run, baseline_run]
    targets = load_targets(runs)
    default_baseline = _only_target(targets, baseline_run) if baseline_run is not None else None
    decisions = [
        d
        for spec in criteria
        for target in targets
        if target.run == run and target.name != (spec.baseline or default_baseline)
        for d in _decide(spec, target, _baseline(spec, targets, default_baseline), context)
    ]
    code = exit_code(decisions)
    written = GateFile(
        verdict=VERDICTS[code],
        exit_code=code,
        criteria_from=source,
        baseline_run=str(baseline_run) if baseline_run else None,
        calibration=str(calibration) if calibration else None,
        decisions=decisions,
    )
    return GateResult(decisions, code, written.write(run))


def exit_code(decisions: Sequence[Decision]) -> int:
    if any(d.status == "fail" for d in decisions):
        return EXIT_NO_GO
    if any(d.status == "inconclusive" for d in decisions):
        return EXIT_INCONCLUSIVE
    return EXIT_GO


def _criteria(run: Path, config: Path | None) -> tuple[list[AcceptanceCriterion], str]:
    """The criteria of `--config`, else of the config recorded in the run's manifest."""
    if config is not None:
        criteria, source = load_config(config).acceptance, str(config)
    else:
        criteria = list(RunDir(run).read_manifest().config.acceptance)
        source = str(run / "manifest.json")
    if not criteria:
        raise UserError(
            f"{source}: no acceptance criteria ('acceptance:' is missing or empty); "
            "add them to the config, or pass --config with them"
        )
    return criteria, source


def _only_target(targets: Sequence[Target], run: Path) -> str:
    names = [t.name for t in targets if t.run == run]
    if len(names) != 1:
        raise UserError(f"{run}: the baseline run holds {len(names)} targets; name one with 'baseline:'")
    return names[0]


def _baseline(spec: AcceptanceCriterion, targets: Sequence[Target], default: str | None) -> Target | None:
    if spec.metric != "pass_rate_drop_vs_baseline":
        return None
    name = spec.baseline or default
    if name is None:
        raise UserError(
            f"acceptance criterion {spec.criterion} {spec.metric}: needs a baseline "
            "(pass --baseline RUN, or set 'baseline:' to a target's name)"
        )
    found = next((t for t in targets if t.name == name), None)
    if found is None:
        raise UserError(f"acceptance criterion {spec.criterion}: no baseline target '{name}' in the runs")
    return found


def _decide(
    spec: AcceptanceCriterion, target: Target, baseline: Target | None, context: _Context
) -> list[Decision]:
    if spec.metric in ROBUSTNESS_METRICS:
        measure = robustness_measure(spec, target.name, context.robustness_of(target.run))
        return [decide(spec, measure, target.name, _robustness_slice(spec))]
    items = (
        list(target.outcomes) if baseline is None else [i for i in target.outcomes if i in baseline.outcomes]
    )
    if spec.by is None:
        return [decide(spec, _measure(spec, target, baseline, items, context), target.name, None)]
    groups: dict[str, list[str]] = {}
    for item in items:
        value = target.metadata.get(item, {}).get(spec.by)
        if value is not None and not isinstance(value, dict | list):
            groups.setdefault(str(value), []).append(item)
    if not groups:
        return [decide(spec, _measure(spec, target, baseline, [], context), target.name, f"{spec.by}=(none)")]
    return [
        decide(spec, _measure(spec, target, baseline, ids, context), target.name, f"{spec.by}={value}")
        for value, ids in sorted(groups.items())
    ]


def _robustness_slice(spec: AcceptanceCriterion) -> str | None:
    """How the decision table names what a robustness figure covers: `suite=typos`, `across=group`."""
    parts = [f"suite={spec.suite}"] if spec.suite else []
    parts += [f"across={spec.across}"] if spec.across else []
    return ", ".join(parts) or None


def _measure(
    spec: AcceptanceCriterion,
    target: Target,
    baseline: Target | None,
    items: Sequence[str],
    context: _Context,
) -> Measure:
    def outcomes(t: Target) -> list[Outcome]:
        return [t.outcomes[i].get(spec.criterion, Outcome(None, None)) for i in items]

    if spec.corrected:
        return _corrected(
            spec, outcomes(target), context, f"gate/{spec.criterion}/{target.name}/{len(items)}"
        )
    if spec.metric == "pass_rate":
        return pass_rate(outcomes(target))
    if spec.metric == "leak_rate":
        return leak_rate(outcomes(target))
    if spec.metric == "mean_score":
        return mean_score(outcomes(target))
    assert baseline is not None
    key = f"gate/{spec.criterion}/{target.name}/{baseline.name}/{len(items)}"
    return pass_rate_drop(outcomes(baseline), outcomes(target), context.seed, key)


def _corrected(
    spec: AcceptanceCriterion, outcomes: Sequence[Outcome], context: _Context, key: str
) -> Measure:
    assert context.calibration is not None
    errors = read_judge_errors(context.calibration, spec.criterion)
    decided = [o.passed for o in outcomes if o.passed is not None]
    failure = corrected_failure_rate(sum(not p for p in decided), len(decided), errors, key)
    if spec.metric == "leak_rate" or failure.estimate is None:
        return failure
    return Measure(failure.n, 1 - failure.estimate, _flip(failure.ci), lambda m: _flip(failure.at(m)))


def _flip(ci: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if ci is None else (1 - ci[1], 1 - ci[0])


def render_table(result: GateResult) -> str:
    """The go/no-go table as aligned text."""
    rows = [("status", "criterion", "metric", "bar", "target", "slice", "n", "estimate [95% CI]", "why")]
    for d in result.decisions:
        rows.append((
            d.status.upper(), d.criterion, d.metric, d.bar, d.target, d.slice or "all", str(d.n),
            format_estimate(d), d.reason,
        ))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1] for r in rows]
    return "\n".join([*lines, f"verdict: {result.verdict} (exit {result.exit_code})"])


def format_estimate(d: Decision) -> str:
    if d.estimate is None:
        return "n/a"
    text = f"{d.estimate:.3f}"
    return text if d.ci95 is None else f"{text} [{d.ci95[0]:.3f}, {d.ci95[1]:.3f}]"
