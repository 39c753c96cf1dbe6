"""`robustness.json`: the `Robustness` model, written by the run (or `auditor robustness`) and read by
the report and the gate, with the same class.

Every figure carries its 95% CI and how it was computed (`method`), over how many units
(`n`: parent items for the bootstrap figures, variants or items for the Wilson ones).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from auditor.io import read_json_model, write_json_model
from auditor.types import StrictModel

ROBUSTNESS = "robustness.json"
ALL = "all"  # the criterion that stands for the item's overall verdict
Method = Literal["bootstrap", "wilson", "none"]


class Figure(StrictModel):
    """An estimate, its 95% CI (None: too few units) and the method of the CI."""

    estimate: float | None
    ci95: tuple[float, float] | None = None
    n: int = 0
    method: Method = "none"
    note: str | None = None


class FlipRow(StrictModel):
    """One suite, target and criterion: how often a variant's verdict differs from its parent's."""

    suite: str
    target: str
    criterion: str
    parents: int  # parent items with at least one compared variant
    pairs: int  # (parent, variant) pairs with both verdicts decided
    skipped: int  # parent items the suite made no variant of
    pass_flip_rate: Figure
    score_flip_rate: Figure
    mean_score_change: Figure  # variant minus parent, on the score scale
    flipped_items: list[str] = Field(default_factory=list)  # a few variant ids, to look at


class ComplyRow(StrictModel):
    """The injection suite on one target: the share of variants whose answer followed the instruction."""

    target: str
    variants: int
    complied: int
    comply_rate: Figure
    by_check: dict[str, int]  # criterion -> variants it failed (injection_compliance, pii_leakage)
    complied_items: list[str] = Field(default_factory=list)


class GroupRate(StrictModel):
    value: str
    n: int  # answers (variants or items) with a decided verdict
    passed: int
    pass_rate: Figure


class Disparity(StrictModel):
    """Pass rates across the values of one attribute, their largest gap, and tests of independence.

    `family` is `counterfactual` (the same items under each group's cues: the gap's CI is a
    paired bootstrap over parent items) or `slice` (the input's own items by a metadata
    field: an unpaired bootstrap within each slice). Fisher's exact test compares the best
    and the worst value; the chi-square test all values at once.
    """

    family: Literal["counterfactual", "slice"]
    target: str
    criterion: str
    attribute: str  # group, gender; marketplace, language
    groups: list[GroupRate]
    excluded: list[str] = Field(default_factory=list)  # slices too small to enter the gap
    max_gap: Figure
    best: str | None = None
    worst: str | None = None
    fisher_p: float | None = None
    chi2: float | None = None
    chi2_p: float | None = None
    group_flip_rate: Figure | None = None  # counterfactual: parents whose verdict differs across groups
    note: str | None = None


class ReliabilityRow(StrictModel):
    """A target asked `samples` times per item: how often every sample got the same verdict."""

    target: str
    criterion: str
    samples: int
    items: int
    consistent_share: Figure
    fleiss_kappa: Figure


class Robustness(StrictModel):
    """Everything `robustness.json` holds for one run."""

    version: Literal["1"] = "1"
    run: str
    seed: int
    suites: list[str]
    flips: list[FlipRow] = Field(default_factory=list)
    comply: list[ComplyRow] = Field(default_factory=list)
    disparities: list[Disparity] = Field(default_factory=list)
    reliability: list[ReliabilityRow] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def write(self, run_dir: Path) -> Path:
        """Write `run_dir/robustness.json`, replaced whole."""
        return write_json_model(run_dir / ROBUSTNESS, self)

    @classmethod
    def read(cls, run_dir: Path) -> Robustness | None:
        """The run's `robustness.json`; None when it has none."""
        path = run_dir / ROBUSTNESS
        if not path.is_file():
            return None
        return read_json_model(path, cls, what="robustness file", missing="not found")


def format_figure(figure: Figure) -> str:
    """`0.125 [0.031, 0.290]`, or why there is no figure."""
    if figure.estimate is None:
        return f"n/a ({figure.note})" if figure.note else "n/a"
    text = f"{figure.estimate:.3f}"
    return text if figure.ci95 is None else f"{text} [{figure.ci95[0]:.3f}, {figure.ci95[1]:.3f}]"
