"""`auditor run --dry-run`: what a run would send to the model and what it would cost.

For every item and every LLM judge that applies, the judge renders the messages it
would send (`requests(item)`, the same method its real calls use, so the two cannot
drift); the gateway's `estimate` counts their tokens and prices them. Each target that
asks a model adds one generation request per item (`targets.systems.prompt_messages`, as
the run sends it), its reply counted at the target's max_tokens. Nothing is called:
judges are built without a gateway. Re-asks are not counted (they happen only on invalid
replies), and PII adjudication is not estimated: its calls depend on the spans the
detector finds, which only a run knows.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from auditor.config import AuditConfig, JudgeConfig, LLMJudgeConfig
from auditor.errors import UserError
from auditor.io import BadLine, read_items, require_input
from auditor.judges.base import EstimableJudge
from auditor.judges.registry import build_judges
from auditor.llm import Estimate, Price, estimate
from auditor.suites.options import calls_model as suites_call_model
from auditor.suites.registry import derive_items, run_suites
from auditor.targets.config import TargetConfig
from auditor.targets.systems import prompt_messages
from auditor.types import AuditItem


@dataclass(frozen=True)
class JudgeEstimate:
    judge: str
    items: int  # items the judge applies to
    estimate: Estimate


@dataclass(frozen=True)
class TargetEstimate:
    target: str
    model: str
    items: int
    estimate: Estimate


@dataclass
class DryRunReport:
    """Calls, tokens and cost per LLM judge, and what was left out."""

    config: str
    input: Path
    model: str | None
    items: int = 0
    bad_lines: int = 0
    derived: int = 0  # items the suites (and `samples`) derive from them, asked and judged too
    judges: list[JudgeEstimate] = field(default_factory=list)
    targets: list[TargetEstimate] = field(default_factory=list)  # generation requests per asked target
    not_estimated: list[str] = field(default_factory=list)  # judges that call no model, or not predictably
    max_cost_usd: float | None = None

    @property
    def not_estimated_targets(self) -> bool:
        return any(why.startswith("target ") for why in self.not_estimated)

    @property
    def estimates(self) -> list[Estimate]:
        """The judges' estimates, then the targets'."""
        return [j.estimate for j in self.judges] + [t.estimate for t in self.targets]

    @property
    def calls(self) -> int:
        return sum(e.calls for e in self.estimates)

    @property
    def total_tokens(self) -> int:
        return sum(e.total_tokens for e in self.estimates)

    @property
    def cost_usd(self) -> float | None:
        return _total([e.cost_usd for e in self.estimates])

    @property
    def batch_cost_usd(self) -> float | None:
        """The same calls at the batch rate (`auditor run --batch`)."""
        return _total([e.batch_cost_usd for e in self.estimates])

    @property
    def approximate(self) -> bool:
        return any(e.approximate for e in self.estimates)


def estimate_run(config: AuditConfig, input_path: Path) -> DryRunReport:
    """Render every LLM request the run would make and estimate it; call nothing."""
    require_input(input_path)
    llm_judges = [jc for jc in config.judges if isinstance(jc, LLMJudgeConfig)]
    report = DryRunReport(
        config=config.name,
        input=input_path,
        model=config.llm.model if config.llm else None,
        max_cost_usd=config.max_cost_usd,
        not_estimated=[_why_not(jc) for jc in config.judges if jc not in llm_judges]
        + [
            f"target {t.name}: answers from {t.responses}, no model asked"
            for t in config.targets
            if t.responses
        ],
    )
    items, report.items, report.bad_lines = asyncio.run(_requested_items(config, input_path))
    report.derived = len(items) - report.items
    if suites_call_model(config.suites):
        report.not_estimated.append("suites: the model's paraphrases and translations (one call per variant)")
    report.targets = [_target_estimate(t, items) for t in config.targets if t.asks_model]
    if llm_judges:
        report.judges = _judge_estimates(config, llm_judges, items)
    return report


async def _requested_items(config: AuditConfig, input_path: Path) -> tuple[list[AuditItem], int, int]:
    """The input's items and, with suites or samples, the items derived from them (no model
    asked); then how many items and how many bad lines the input holds."""
    suites = run_suites(config.suites, config.samples)
    items: list[AuditItem] = []
    read = bad = 0
    for entry in read_items(input_path, needs_response=not config.targets):
        if isinstance(entry, BadLine):
            bad += 1
            continue
        read += 1
        items += [entry, *await derive_items(entry, suites, None)]
    return items, read, bad


def _target_estimate(target: TargetConfig, items: list[AuditItem]) -> TargetEstimate:
    """One generation request per item, its reply counted at the target's max_tokens (an upper bound)."""
    settings = target.settings()
    if target.local is not None:  # named by its file here (hashing it is the run's job); it costs nothing
        name = Path(target.local.model_path).name
        settings = settings.model_copy(
            update={"model": name, "prices": {name: Price(input_per_mtok=0, output_per_mtok=0)}}
        )
    requests = [prompt_messages(item, target.system_prompt) for item in items]
    return TargetEstimate(
        target.name, settings.model, len(items), estimate(requests, settings, settings.max_tokens)
    )


def _judge_estimates(
    config: AuditConfig, llm_judges: list[LLMJudgeConfig], items: list[AuditItem]
) -> list[JudgeEstimate]:
    if config.llm is None:
        raise UserError("an LLM judge is configured but the config has no 'llm:' section (model, endpoint)")
    judges = build_judges(config.model_copy(update={"judges": llm_judges}), gateway=None)
    requests: dict[str, list[list[dict[str, str]]]] = {j.name: [] for j in judges}
    applied = dict.fromkeys(requests, 0)
    for entry in items:
        for judge in judges:
            if not isinstance(judge, EstimableJudge):
                raise TypeError(f"judge '{judge.name}' has no requests(item) to estimate")
            if judge.applies(entry):
                applied[judge.name] += 1
                requests[judge.name].extend(judge.requests(entry))
    out = []
    for judge in judges:
        assert isinstance(judge, EstimableJudge)
        expected = min(judge.expected_output_tokens, config.llm.max_tokens)
        counted = estimate(
            requests[judge.name], config.llm, expected, output_type=judge.output_type, n=judge.samples
        )
        out.append(JudgeEstimate(judge.name, applied[judge.name], counted))
    return out


def _why_not(jc: JudgeConfig) -> str:
    if jc.calls_model:  # the PII judge's adjudicator
        return f"{jc.name}: PII adjudication calls depend on the spans found (at most one call per item)"
    return f"{jc.name}: {jc.kind} calls no model"


def render_dry_run(report: DryRunReport) -> str:
    """The plain-text report printed by `auditor run --dry-run`."""
    lines = [
        f"dry run of {report.config}: {report.items} items from {report.input}"
        + (f" ({report.bad_lines} bad lines skipped)" if report.bad_lines else "")
        + (f", and {report.derived} items derived by suites" if report.derived else ""),
        "nothing was sent to any model.",
    ]
    if not report.estimates:
        asked = " and no target asks a model" if report.not_estimated_targets else ""
        lines.append(f"no LLM judge is configured{asked}: the run would call no model.")
    else:
        if report.judges:
            lines.append(f"model: {report.model}")
        lines += [f"target {t.target} asks model: {t.model}" for t in report.targets]
        lines += _table(report)
        lines.append(_caveats(report))
    lines += [f"not estimated: {why}" for why in report.not_estimated]
    if (
        report.max_cost_usd is not None
        and report.cost_usd is not None
        and report.cost_usd > report.max_cost_usd
    ):
        lines.append(
            f"the estimate is above max_cost_usd ({report.max_cost_usd}): the run would stop at the budget"
        )
    return "\n".join(lines)


def _table(report: DryRunReport) -> list[str]:
    """One row of calls, tokens and cost per judge and asked target, then the total."""
    header = (
        "requests of",
        "items",
        "calls",
        "prompt tokens",
        "completion tokens",
        "online USD",
        "batch USD",
    )
    named = [(j.judge, j.items, j.estimate) for j in report.judges]
    named += [(f"target {t.target}", t.items, t.estimate) for t in report.targets]
    rows = [
        _cells(name, str(n), e.calls, e.prompt_tokens, e.completion_tokens, e.cost_usd, e.batch_cost_usd)
        for name, n, e in named
    ]
    prompt = sum(e.prompt_tokens for e in report.estimates)
    completion = sum(e.completion_tokens for e in report.estimates)
    total = _cells("total", "", report.calls, prompt, completion, report.cost_usd, report.batch_cost_usd)
    table = (header, *rows, total)
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    return ["  ".join(_aligned(row, widths)) for row in table]


def _aligned(row: tuple[str, ...], widths: list[int]) -> list[str]:
    """The name left-aligned, the figures right-aligned, each in its column's width."""
    return [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]


def _cells(
    name: str, items: str, calls: int, prompt: int, completion: int, cost: float | None, batch: float | None
) -> tuple[str, ...]:
    return (name, items, str(calls), f"{prompt:,}", f"{completion:,}", _usd(cost), _usd(batch))


def _caveats(report: DryRunReport) -> str:
    encoding = report.estimates[0].encoding
    counts = f"approximate token counts ({encoding} encoding)" if report.approximate else "exact token counts"
    price = (
        "" if report.cost_usd is not None else "; no price for a model in llm.prices or prices, so no cost"
    )
    replies = "completion tokens are an expected reply length"
    if report.targets:
        replies += " (a target's answer at its max_tokens, an upper bound)"
    batch = "; batch: the same requests through `--batch` at the batch rate (llm.prices batch_discount)"
    return f"{counts}; {replies}, re-asks not included{price}{batch}"


def _total(costs: list[float | None]) -> float | None:
    """The sum, or None when any part has no price."""
    return None if any(c is None for c in costs) else sum(c for c in costs if c is not None)


def _usd(value: float | None) -> str:
    return f"{value:.4f}" if value is not None else "n/a"
