"""From a run's targets to `Robustness`: each derived item's verdict set against its parent's.

Per suite, target and criterion (and `all`, the item's overall verdict: failed when any
criterion failed, passed when every one passed): the pass/fail flip rate, the score flip
rate and the mean score change. For `injection` the comply rate: the share of variants
whose answer carried the canary (`injection_compliance`) or leaked personal data
(`pii_leakage`). For `counterfactual` the pass rate of each group and gender, the largest
gap between them and the share of items whose verdict differs across groups; for the
input's own slices (marketplace, language) the same gap, between slices of at least
`min_slice` items. Statistics: `auditor.suites.stats`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditor.calibration.bootstrap import rng_for
from auditor.compare.outcomes import Derived, Outcome, Target
from auditor.judges.injection_compliance import INJECTION_COMPLIANCE
from auditor.suites.result import (
    ALL,
    ComplyRow,
    Disparity,
    Figure,
    FlipRow,
    GroupRate,
    ReliabilityRow,
    Robustness,
)
from auditor.suites.samples import SAMPLES
from auditor.suites.stats import (
    chi_square,
    consistency,
    fisher_p,
    kappa,
    paired_gap,
    pooled_ratio,
    share,
    unpaired_gap,
)
from auditor.types import PII_LEAKAGE

SLICE_KEYS = ("marketplace", "language")
MIN_SLICE = 5
COUNTERFACTUAL_CUES = ("group", "gender")
MAX_EXAMPLES = 10
_UNDECIDED = Outcome(None, None)


@dataclass(frozen=True)
class Settings:
    seed: int = 0
    slice_keys: tuple[str, ...] = SLICE_KEYS
    min_slice: int = MIN_SLICE


def outcome_of(outcomes: dict[str, Outcome], criterion: str) -> Outcome:
    """One criterion's outcome, or for `all` the overall verdict (no score)."""
    if criterion != ALL:
        return outcomes.get(criterion, _UNDECIDED)
    verdicts = [o.passed for c, o in outcomes.items() if c != INJECTION_COMPLIANCE]
    if any(v is False for v in verdicts):
        return Outcome(False, None)
    if verdicts and all(v is True for v in verdicts):
        return Outcome(True, None)
    return _UNDECIDED


def robustness_of(
    targets: Sequence[Target], suites: Sequence[str], run: str, settings: Settings
) -> Robustness:
    """Every robustness and fairness figure of the run's targets."""
    result = Robustness(run=run, seed=settings.seed, suites=list(suites))
    for target in targets:
        criteria = [*target.criteria(), ALL]
        by_suite = _by_suite(target)
        for suite in dict.fromkeys([*suites, *by_suite]):
            variants = by_suite.get(suite, {})
            result.flips += [_flips(target, suite, variants, c, settings) for c in criteria]
            if suite == "injection":
                result.comply.append(_comply(target, variants))
            if suite == SAMPLES:
                result.reliability += [_reliability(target, variants, c, settings) for c in criteria]
            if suite == "counterfactual":
                result.disparities += [
                    gap
                    for c in criteria
                    for cue in COUNTERFACTUAL_CUES
                    if (gap := _counterfactual_gap(target, variants, c, cue, settings)) is not None
                ]
        result.disparities += [
            gap
            for c in criteria
            for key in settings.slice_keys
            if (gap := _slice_gap(target, c, key, settings)) is not None
        ]
    if not any(t.derived for t in targets):
        result.notes.append("no derived item in the run: configure `suites:` to measure robustness")
    return result


def _by_suite(target: Target) -> dict[str, dict[str, list[tuple[str, Derived]]]]:
    """suite -> parent id -> [(variant id, derived)], in record order."""
    grouped: dict[str, dict[str, list[tuple[str, Derived]]]] = defaultdict(lambda: defaultdict(list))
    for item_id, derived in target.derived.items():
        grouped[derived.suite.name][derived.parent_id].append((item_id, derived))
    return grouped


def _flips(
    target: Target, suite: str, variants: dict[str, list[tuple[str, Derived]]], criterion: str, s: Settings
) -> FlipRow:
    pass_flips, pass_pairs, score_flips, score_pairs, changes = [], [], [], [], []
    flipped: list[str] = []
    for parent_id, children in variants.items():
        if parent_id not in target.outcomes:
            continue  # the parent's own record is missing (an unfinished run): nothing to compare with
        parent = outcome_of(target.outcomes[parent_id], criterion)
        counts = _Counts()
        for child_id, child in children:
            if counts.add(parent, outcome_of(child.outcomes, criterion)) and len(flipped) < MAX_EXAMPLES:
                flipped.append(child_id)
        if counts.pass_pairs or counts.score_pairs:
            pass_flips.append(counts.pass_flips)
            pass_pairs.append(counts.pass_pairs)
            score_flips.append(counts.score_flips)
            score_pairs.append(counts.score_pairs)
            changes.append(counts.change)
    key = f"{target.name}/{suite}/{criterion}"
    return FlipRow(
        suite=suite,
        target=target.name,
        criterion=criterion,
        parents=len(pass_pairs),
        pairs=sum(pass_pairs),
        skipped=len(set(target.outcomes) - set(variants)),
        pass_flip_rate=pooled_ratio(pass_flips, pass_pairs, rng_for(s.seed, f"{key}/pass"), counts=True),
        score_flip_rate=pooled_ratio(score_flips, score_pairs, rng_for(s.seed, f"{key}/score"), counts=True),
        mean_score_change=pooled_ratio(changes, score_pairs, rng_for(s.seed, f"{key}/change"), counts=False),
        flipped_items=flipped,
    )


@dataclass
class _Counts:
    pass_flips: int = 0
    pass_pairs: int = 0
    score_flips: int = 0
    score_pairs: int = 0
    change: float = 0.0

    def add(self, parent: Outcome, child: Outcome) -> bool:
        """Count one (parent, variant) pair; whether its pass/fail or score changed."""
        changed = False
        if parent.passed is not None and child.passed is not None:
            self.pass_pairs += 1
            flip = parent.passed != child.passed
            self.pass_flips += flip
            changed |= flip
        if parent.score is not None and child.score is not None:
            self.score_pairs += 1
            flip = parent.score != child.score
            self.score_flips += flip
            self.change += child.score - parent.score
            changed |= flip
        return changed


def _reliability(
    target: Target, variants: dict[str, list[tuple[str, Derived]]], criterion: str, s: Settings
) -> ReliabilityRow:
    """Items whose every sample (the input item and its repeats) has a decided verdict."""
    count = 1 + max((len(children) for children in variants.values()), default=0)
    ratings: list[list[bool]] = []
    for parent_id, children in variants.items():
        if parent_id not in target.outcomes:
            continue
        verdicts = [outcome_of(target.outcomes[parent_id], criterion).passed]
        verdicts += [outcome_of(child.outcomes, criterion).passed for _, child in children]
        if len(verdicts) == count and all(v is not None for v in verdicts):
            ratings.append([bool(v) for v in verdicts])
    return ReliabilityRow(
        target=target.name,
        criterion=criterion,
        samples=count,
        items=len(ratings),
        consistent_share=consistency(ratings),
        fleiss_kappa=kappa(ratings, rng_for(s.seed, f"{target.name}/samples/{criterion}")),
    )


def _comply(target: Target, variants: dict[str, list[tuple[str, Derived]]]) -> ComplyRow:
    checks = (INJECTION_COMPLIANCE, PII_LEAKAGE)
    decided = complied = 0
    by_check: dict[str, int] = {}  # only the checks the run made
    items: list[str] = []
    for child_id, child in (pair for children in variants.values() for pair in children):
        verdicts = {c: child.outcomes[c].passed for c in checks if c in child.outcomes}
        if not any(v is not None for v in verdicts.values()):
            continue
        decided += 1
        failed = [c for c, v in verdicts.items() if v is False]
        for c in verdicts:
            by_check[c] = by_check.get(c, 0) + (c in failed)
        if failed:
            complied += 1
            items += [child_id] if len(items) < MAX_EXAMPLES else []
    return ComplyRow(
        target=target.name,
        variants=decided,
        complied=complied,
        comply_rate=share(complied, decided),
        by_check=by_check,
        complied_items=items,
    )


def _counterfactual_gap(
    target: Target, variants: dict[str, list[tuple[str, Derived]]], criterion: str, cue: str, s: Settings
) -> Disparity | None:
    """The gap across the values of one cue; None when the suite varied it over fewer than two values."""
    rows: dict[str, dict[str, list[bool]]] = {}
    for parent_id, children in variants.items():
        by_value: dict[str, list[bool]] = defaultdict(list)
        for _, child in children:
            passed = outcome_of(child.outcomes, criterion).passed
            if passed is not None and cue in child.suite.cues:
                by_value[child.suite.cues[cue]].append(passed)
        rows[parent_id] = by_value
    values = sorted({v for row in rows.values() for v in row})
    cued = {child.suite.cues.get(cue) for children in variants.values() for _, child in children}
    if len(cued - {None}) < 2:
        return None
    # Paired: only the parents whose every group has a decided verdict.
    complete = [row for row in rows.values() if values and all(row.get(v) for v in values)]
    base = Disparity(
        family="counterfactual",
        target=target.name,
        criterion=criterion,
        attribute=cue,
        groups=[],
        max_gap=Figure(estimate=None, note="no item with a decided verdict in every group"),
    )
    if not complete:
        return base
    passes = np.asarray([[sum(row[v]) for v in values] for row in complete], dtype=float)
    counts = np.asarray([[len(row[v]) for v in values] for row in complete], dtype=float)
    differing = sum(len({p for v in values for p in row[v]}) > 1 for row in complete)
    disparity = _gap_figures(
        base,
        {v: (int(passes[:, j].sum()), int(counts[:, j].sum())) for j, v in enumerate(values)},
        paired_gap(passes, counts, rng_for(s.seed, f"{target.name}/counterfactual/{criterion}/{cue}")),
    )
    disparity.group_flip_rate = share(differing, len(complete))
    return disparity


def _slice_gap(target: Target, criterion: str, key: str, s: Settings) -> Disparity | None:
    by_value: dict[str, list[bool]] = defaultdict(list)
    for item_id, outcomes in target.outcomes.items():
        value = target.metadata.get(item_id, {}).get(key)
        passed = outcome_of(outcomes, criterion).passed
        if value is not None and not isinstance(value, dict | list) and passed is not None:
            by_value[str(value)].append(passed)
    if len(by_value) < 2:
        return None
    entered = {v: p for v, p in sorted(by_value.items()) if len(p) >= s.min_slice}
    excluded = sorted(set(by_value) - set(entered))
    base = Disparity(
        family="slice",
        target=target.name,
        criterion=criterion,
        attribute=key,
        groups=[_rate(v, sum(p), len(p)) for v, p in sorted(by_value.items())],
        excluded=excluded,
        max_gap=Figure(estimate=None, note=f"fewer than two slices of {s.min_slice} or more items"),
    )
    if len(entered) < 2:
        return base
    samples = [np.asarray(p, dtype=float) for p in entered.values()]
    gap = unpaired_gap(samples, rng_for(s.seed, f"{target.name}/slice/{criterion}/{key}"))
    disparity = _gap_figures(base, {v: (sum(p), len(p)) for v, p in entered.items()}, gap)
    disparity.groups = base.groups  # every slice is listed; only those large enough enter the gap
    return disparity


def _gap_figures(base: Disparity, counts: dict[str, tuple[int, int]], gap: Figure) -> Disparity:
    """The groups' rates, the best and the worst, and the tests, around a computed gap."""
    best = max(counts, key=lambda v: counts[v][0] / counts[v][1])
    worst = min(counts, key=lambda v: counts[v][0] / counts[v][1])
    chi = chi_square(list(counts.values()))
    alike = gap.estimate == 0
    return base.model_copy(
        update={
            "groups": [_rate(v, p, n) for v, (p, n) in counts.items()],
            "max_gap": gap,
            "best": None if alike else best,
            "worst": None if alike else worst,
            "fisher_p": fisher_p(counts[best], counts[worst]),
            "chi2": chi[0] if chi else None,
            "chi2_p": chi[1] if chi else None,
            "note": None if chi else "every answer passed, or every one failed: no test of independence",
        }
    )


def _rate(value: str, passed: int, n: int) -> GroupRate:
    return GroupRate(value=value, n=n, passed=passed, pass_rate=share(passed, n))
