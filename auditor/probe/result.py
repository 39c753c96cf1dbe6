"""What a probe found: per judge and perturbation, how often the verdict changed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.types import Verdict

MAX_EXAMPLES = 10  # item ids kept per row, to look at by hand


@dataclass
class ProbeRow:
    """Counts for one judge under one perturbation.

    `compared` pairs (original, perturbed) where both verdicts are scored; the flip rates
    are shares of those. A score flip is a changed score or label; a pass flip is a
    changed pass/fail. `delta` sums perturbed minus original scores.
    """

    judge: str
    perturbation: str
    judged: int = 0
    compared: int = 0
    score_flips: int = 0
    pass_flips: int = 0
    unscored: int = 0
    skipped: int = 0
    raised: int = 0
    lowered: int = 0
    delta: float = 0.0
    flipped_items: list[str] = field(default_factory=list)

    def add(self, item_id: str, original: Verdict, perturbed: Verdict) -> None:
        """Count one (original, perturbed) pair of verdicts on the same item."""
        self.judged += 1
        if not (original.scored and perturbed.scored):
            self.unscored += 1
            return
        self.compared += 1
        score_changed = (original.score, original.label) != (perturbed.score, perturbed.label)
        pass_changed = original.passed != perturbed.passed
        self.score_flips += score_changed
        self.pass_flips += pass_changed
        if original.score is not None and perturbed.score is not None:
            change = perturbed.score - original.score
            self.delta += change
            self.raised += change > 0
            self.lowered += change < 0
        if (score_changed or pass_changed) and len(self.flipped_items) < MAX_EXAMPLES:
            self.flipped_items.append(item_id)

    @property
    def score_flip_rate(self) -> float | None:
        return self.score_flips / self.compared if self.compared else None

    @property
    def pass_flip_rate(self) -> float | None:
        return self.pass_flips / self.compared if self.compared else None

    @property
    def mean_delta(self) -> float | None:
        return self.delta / self.compared if self.compared else None

    def as_dict(self) -> dict[str, Any]:
        def rounded(x: float | None) -> float | None:
            return round(x, 4) if x is not None else None

        return {
            "judge": self.judge,
            "perturbation": self.perturbation,
            "judged": self.judged,
            "compared": self.compared,
            "score_flips": self.score_flips,
            "score_flip_rate": rounded(self.score_flip_rate),
            "pass_flips": self.pass_flips,
            "pass_flip_rate": rounded(self.pass_flip_rate),
            "raised": self.raised,
            "lowered": self.lowered,
            "mean_score_change": rounded(self.mean_delta),
            "unscored": self.unscored,
            "skipped": self.skipped,
            "flipped_items": self.flipped_items,
        }


@dataclass
class ProbeResult:
    """Everything `auditor probe` reports; `files` lists what `write` wrote."""

    config: str
    input: str
    items: int
    bad_lines: int
    perturbations: dict[str, str]
    rows: list[ProbeRow]
    llm: dict[str, Any] | None = None
    files: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "input": self.input,
            "items": self.items,
            "bad_lines": self.bad_lines,
            "perturbations": self.perturbations,
            "rows": [row.as_dict() for row in self.rows],
            "llm": self.llm,
        }

    def render_table(self) -> str:
        """A plain-text table, one line per judge and perturbation."""
        header = ("judge", "perturbation", "judged", "compared", "score flips", "pass flips", "mean Δ")
        lines = [(row.judge, row.perturbation, *self._cells(row)) for row in self.rows]
        widths = [max(len(str(c)) for c in column) for column in zip(header, *lines, strict=True)]
        out = [f"probe of {self.config}: {self.items} items from {self.input}"]
        for cells in (header, *lines):
            out.append(
                "  ".join(_align(str(c), w, i) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
            )
        skipped = [r for r in self.rows if r.skipped or r.unscored]
        if skipped:
            out.append("not compared:")
            out += [f"  {r.judge}/{r.perturbation}: {_not_compared(r)}" for r in skipped]
        out.append("score flips: the score or label changed; pass flips: pass/fail changed;")
        out.append("mean Δ: perturbed minus original score, over the compared items.")
        return "\n".join(out)

    @staticmethod
    def _cells(row: ProbeRow) -> tuple[str, ...]:
        def share(count: int, rate: float | None) -> str:
            return f"{count} ({rate:.1%})" if rate is not None else "-"

        mean = f"{row.mean_delta:+.2f}" if row.mean_delta is not None else "-"
        return (
            str(row.judged),
            str(row.compared),
            share(row.score_flips, row.score_flip_rate),
            share(row.pass_flips, row.pass_flip_rate),
            mean,
        )

    def write(self, out: Path) -> list[Path]:
        """Write probe.json and probe.txt into `out` (created if needed)."""
        out.mkdir(parents=True, exist_ok=True)
        json_path, text_path = out / "probe.json", out / "probe.txt"
        json_path.write_text(
            json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        text_path.write_text(self.render_table() + "\n", encoding="utf-8")
        self.files = [json_path, text_path]
        return self.files


def _not_compared(row: ProbeRow) -> str:
    parts = [f"{row.skipped} skipped (the perturbation does not apply)"] if row.skipped else []
    parts += [f"{row.unscored} with an unscored verdict"] if row.unscored else []
    return ", ".join(parts)


def _align(text: str, width: int, column: int) -> str:
    return text.ljust(width) if column < 2 else text.rjust(width)
