"""`thresholds.json`: written by `auditor calibrate`, read by routing, with this one model.

    {"version": 1,
     "criteria": {
        "<criterion>": {"judge": "<judge>", "target": {"metric": "agreement" | "precision", "value": 0.9},
                        "n": 70, "min_confidence": 0.7 | null, "achieved": 0.93 | null,
                        "n_accepted": 42, "auto_accept_share": 0.6 | null, "reason": null | "<why none>",
                        "identity": {"judge", "backend", "model", "prompt_version", "rubric_version"}}},
     "judges": {"<criterion>": {"<judge>": {the same fields}}}}

`criteria` holds, per criterion, the judge whose threshold auto-accepts the most items
(or, if none reaches the target, the first judge, with a null threshold: route everything
to a human); `judges` holds every judge. `identity` is the judge the threshold was
measured on: a threshold applies only to verdicts of that same judge, backend, model,
prompt and rubric (`routing` sends the others to a person). Kept free of numpy and of
the calibration package, so that `auditor run` loads neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from auditor.errors import UserError
from auditor.io import read_json_model, write_json_model
from auditor.types import JudgeIdentity, StrictModel

VERSION: Literal[1] = 1
Metric = Literal["agreement", "precision"]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


@dataclass(frozen=True)
class Target:
    """What auto-accepted verdicts must reach."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    metric: Metric = "agreement"
    value: Annotated[float, Field(gt=0.0, le=1.0)] = 0.9

    @classmethod
    def parse(cls, text: str) -> Target:
        """'agreement=0.9' or 'precision=0.95' (the CLI's --target)."""
        metric, _, value = text.partition("=")
        if metric not in ("agreement", "precision"):
            raise UserError(f"--target: unknown metric '{metric}' (use agreement=0.9 or precision=0.95)")
        try:
            number = float(value)
        except ValueError:
            raise UserError(f"--target: '{value}' is not a number (e.g. agreement=0.9)") from None
        if not 0.0 < number <= 1.0:
            raise UserError(f"--target: {number} is outside (0, 1]")
        return cls("agreement" if metric == "agreement" else "precision", number)


DEFAULT_TARGET = Target()


@dataclass(frozen=True)
class Threshold:
    """One judge's pre-labelling threshold on one criterion (None: no confidence is enough)."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    judge: str
    target: Target
    n: int
    min_confidence: Share | None
    achieved: float | None
    n_accepted: int
    auto_accept_share: Share | None
    reason: str | None = None
    identity: JudgeIdentity | None = None  # None: not known (only the judge's name)


class Thresholds(StrictModel):
    """The whole `thresholds.json`."""

    version: Literal[1] = VERSION
    criteria: dict[str, Threshold]
    judges: dict[str, dict[str, Threshold]] = Field(default_factory=dict)

    @classmethod
    def of(cls, by_criterion: Mapping[str, list[Threshold]]) -> Thresholds:
        """Every judge's thresholds, and per criterion the one that auto-accepts the most."""
        criteria, judges = {}, {}
        for criterion, found in by_criterion.items():
            if not found:
                continue
            judges[criterion] = {t.judge: t for t in found}
            reached = [t for t in found if t.min_confidence is not None]
            best = max(reached, key=lambda t: (t.n_accepted, t.achieved or 0.0)) if reached else found[0]
            criteria[criterion] = best
        return cls(criteria=criteria, judges=judges)

    @classmethod
    def read(cls, path: Path) -> Thresholds:
        """The file as `auditor calibrate` wrote it; anything else is a `UserError`."""
        missing = "thresholds file not found (write one with `auditor calibrate`)"
        return read_json_model(path, cls, what="thresholds file", missing=missing)

    def write(self, path: Path) -> Path:
        return write_json_model(path, self)
