"""A comparison of targets over the items they share: per target, against the baseline, per slice.

For each criterion: each target's pass rate and mean score with 95% CIs; for each
candidate against the baseline, on the items both decided (or both scored): the paired
difference with its bootstrap CI, McNemar's exact test, Wilcoxon's signed-rank test and
win/tie/loss counts. The same per slice value, with p-values adjusted over every slice
test of one candidate (one family per test). A regression is significant when its
adjusted p-value is below ALPHA and the candidate is worse; it lists the items that regressed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from auditor.calibration.bootstrap import rng_for
from auditor.compare.outcomes import Outcome, Target
from auditor.compare.result import ALPHA, Comparison, CriterionComparison, Paired, Regression, TargetSummary
from auditor.compare.stats import (
    adjust,
    mcnemar_exact,
    paired_bootstrap,
    t_interval,
    wilcoxon_signed_rank,
    wilson,
)


def compare_targets(
    targets: Sequence[Target],
    baseline: str,
    shared: Sequence[str],
    lacking: dict[str, int],
    *,
    by: Sequence[str] = (),
    correction: str = "holm",
    seed: int = 0,
) -> Comparison:
    """The whole comparison; `shared` are the item ids every target has."""
    base = next(t for t in targets if t.name == baseline)
    ordered = [base, *(t for t in targets if t.name != baseline)]
    criteria = list(dict.fromkeys(c for t in ordered for c in t.criteria()))
    overall = [_criterion(ordered, c, list(shared), None, None, seed) for c in criteria]
    slices = [
        _criterion(ordered, c, ids, key, value, seed)
        for key in by
        for value, ids in _slice_members(base, shared, key).items()
        for c in criteria
    ]
    overall, slices = _adjust(overall, correction), _adjust(slices, correction)
    return Comparison(
        baseline=baseline,
        targets=[t.name for t in ordered],
        shared_items=len(shared),
        lacking=lacking,
        correction=correction,
        overall=overall,
        slices=slices,
        alpha=ALPHA,
        regressions=[
            Regression.of(c, p) for c in (*overall, *slices) for p in c.paired if p.significant_regression
        ],
    )


def _slice_members(base: Target, shared: Sequence[str], key: str) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for item in shared:
        value = base.metadata.get(item, {}).get(key)
        if value is not None and not isinstance(value, dict | list):
            members.setdefault(str(value), []).append(item)
    return dict(sorted(members.items()))


def _criterion(
    ordered: Sequence[Target], criterion: str, items: list[str], key: str | None, value: str | None, seed: int
) -> CriterionComparison:
    def outcomes(t: Target) -> list[Outcome]:
        return [t.outcomes[i].get(criterion, Outcome(None, None)) for i in items]

    base = outcomes(ordered[0])
    where = f"{criterion}/{key}={value}"
    return CriterionComparison(
        criterion=criterion,
        slice_key=key,
        slice_value=value,
        items=len(items),
        targets=[summarize(t.name, outcomes(t)) for t in ordered],
        paired=[pair(t.name, items, base, outcomes(t), seed, f"{where}/{t.name}") for t in ordered[1:]],
    )


def summarize(name: str, outcomes: Sequence[Outcome]) -> TargetSummary:
    """One target's pass rate and mean score with their 95% CIs."""
    decided = [o.passed for o in outcomes if o.passed is not None]
    scores = [o.score for o in outcomes if o.score is not None]
    passed = sum(decided)
    return TargetSummary(
        target=name,
        decided=len(decided),
        passed=passed,
        pass_rate=passed / len(decided) if decided else None,
        pass_rate_ci=wilson(passed, len(decided)),
        scored=len(scores),
        mean_score=sum(scores) / len(scores) if scores else None,
        mean_score_ci=t_interval(scores),
    )


def pair(
    candidate: str,
    items: Sequence[str],
    base: Sequence[Outcome],
    cand: Sequence[Outcome],
    seed: int,
    key: str,
) -> Paired:
    """The candidate against the baseline on aligned outcomes of the same items."""
    pairs = list(zip(base, cand, strict=True))
    decided = [(b.passed, c.passed) for b, c in pairs if b.passed is not None and c.passed is not None]
    scored = [(b.score, c.score) for b, c in pairs if b.score is not None and c.score is not None]
    b_pass, c_pass = [float(b) for b, _ in decided], [float(c) for _, c in decided]
    b_score, c_score = [b for b, _ in scored], [c for _, c in scored]
    regressed, improved = sum(b and not c for b, c in decided), sum(c and not b for b, c in decided)
    wins, ties, losses, worse = _win_tie_loss(items, base, cand)
    return Paired(
        candidate=candidate,
        n_decided=len(decided),
        pass_rate_diff=_mean_diff(b_pass, c_pass),
        pass_rate_diff_ci=paired_bootstrap(b_pass, c_pass, rng_for(seed, key + "/pass")),
        regressed=regressed,
        improved=improved,
        mcnemar=mcnemar_exact(regressed, improved),
        n_scored=len(scored),
        score_diff=_mean_diff(b_score, c_score),
        score_diff_ci=paired_bootstrap(b_score, c_score, rng_for(seed, key + "/score")),
        wilcoxon=wilcoxon_signed_rank([c - b for b, c in zip(b_score, c_score, strict=True)]),
        wins=wins,
        ties=ties,
        losses=losses,
        regressed_items=worse,
    )


def _mean_diff(base: Sequence[float], cand: Sequence[float]) -> float | None:
    return (sum(cand) - sum(base)) / len(base) if base else None


def _win_tie_loss(
    items: Sequence[str], base: Sequence[Outcome], cand: Sequence[Outcome]
) -> tuple[int, int, int, list[str]]:
    """Per item: by score when both have one, else by pass/fail; the ids the candidate lost."""
    wins = ties = 0
    lost: list[str] = []
    for item, b, c in zip(items, base, cand, strict=True):
        sign = _sign(b.score, c.score) if b.score is not None and c.score is not None else None
        if (sign is None or sign == 0) and b.passed is not None and c.passed is not None:
            sign = (sign or 0) or _sign(float(b.passed), float(c.passed))
        if sign is None:
            continue
        if sign > 0:
            wins += 1
        elif sign == 0:
            ties += 1
        else:
            lost.append(item)
    return wins, ties, len(lost), lost


def _sign(base: float, cand: float) -> int:
    return (cand > base) - (cand < base)


# Each test's p-value, by the field that holds its adjusted value.
_TESTS: dict[str, Callable[[Paired], float | None]] = {
    "mcnemar_adjusted": lambda p: p.mcnemar.p_value,
    "wilcoxon_adjusted": lambda p: p.wilcoxon.p_value,
}


def _adjust(comparisons: list[CriterionComparison], correction: str) -> list[CriterionComparison]:
    """The comparisons with p-values adjusted within one family per candidate and test."""
    flat = [p for c in comparisons for p in c.paired]
    updates: list[dict[str, float]] = [{} for _ in flat]
    for candidate in dict.fromkeys(p.candidate for p in flat):
        for field, p_value in _TESTS.items():
            tested = [
                (k, v)
                for k, p in enumerate(flat)
                if p.candidate == candidate and (v := p_value(p)) is not None
            ]
            for (k, _), value in zip(tested, adjust([v for _, v in tested], correction), strict=True):
                updates[k][field] = value
    adjusted = iter([p.model_copy(update=u) for p, u in zip(flat, updates, strict=True)])
    return [c.model_copy(update={"paired": [next(adjusted) for _ in c.paired]}) for c in comparisons]
