"""`auditor probe`: run judges on perturbed copies of items and count changed verdicts.

A sound judge gives the same verdict to a response padded with filler, with its
sentences reordered, or with an instruction or a fake verdict for the judge appended.
The probe judges each item as it is and under each perturbation, and reports per judge
and perturbation how often the score and the pass/fail changed. It works with every
judge kind: offline baseline judges need no model; LLM judges go through one gateway
(cache, budget and all) as in a run.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Sequence
from pathlib import Path

from auditor.config import AuditConfig, load_config
from auditor.errors import UserError
from auditor.io import BadLine, read_items, require_input
from auditor.judges.base import Judge, verdict_or_unscored
from auditor.judges.registry import judges_for
from auditor.probe.perturb import PERTURBATIONS, Perturbation
from auditor.probe.result import ProbeResult, ProbeRow
from auditor.run import gateway_for
from auditor.types import AuditItem

log = logging.getLogger(__name__)


def run_probe(
    config_path: Path | str,
    input: Path | str | None = None,
    judge: str | None = None,
    limit: int | None = None,
    out: Path | str | None = None,
) -> ProbeResult:
    """Probe the config's judges (or the one named `judge`) on the first `limit` items.

    `input` overrides the config's input; with `out`, probe.json and probe.txt are written
    there. The entry point of `auditor probe`.
    """
    config = load_config(config_path)
    path = Path(input or config.input or "")
    if not (input or config.input):
        raise UserError(f"{config_path}: no input given (set 'input:' in the config or pass --input)")
    require_input(path)
    if limit is not None and limit < 1:
        raise UserError(f"--limit must be at least 1, not {limit}")
    config = _only_judge(config, judge, config_path)
    items, bad_lines = _read(path, limit)
    result = asyncio.run(probe(config, items, PERTURBATIONS))
    result.config, result.input, result.bad_lines = str(config_path), str(path), bad_lines
    if out is not None:
        result.write(Path(out))
    return result


async def probe(
    config: AuditConfig, items: Sequence[AuditItem], perturbations: Sequence[Perturbation]
) -> ProbeResult:
    """Judge `items` and their perturbed copies with the config's judges."""
    async with gateway_for(config) as gateway, judges_for(config, gateway) as judges:
        result = await probe_judges(judges, items, perturbations, concurrency=config.concurrency)
        if gateway is not None:
            result.llm = {"model": gateway.settings.model, "total": gateway.total_usage().model_dump()}
    result.config = config.name
    return result


async def probe_judges(
    judges: Sequence[Judge],
    items: Sequence[AuditItem],
    perturbations: Sequence[Perturbation],
    *,
    concurrency: int = 8,
) -> ProbeResult:
    """The probe itself, for any judges: `concurrency` items at a time."""
    rows = {(j.name, p.name): ProbeRow(j.name, p.name) for j, p in itertools.product(judges, perturbations)}
    slots = asyncio.Semaphore(concurrency)

    async def one(item: AuditItem) -> None:
        async with slots:
            for judge in (j for j in judges if j.applies(item)):
                variants = [(p, p.apply(item)) for p in perturbations]
                copies = [
                    item.model_copy(update={"response": text}) for _, text in variants if text is not None
                ]
                verdicts = (verdict_or_unscored(judge, x) for x in [item, *copies])
                original, *perturbed = await asyncio.gather(*verdicts)
                answers = iter(perturbed)
                for p, text in variants:
                    row = rows[(judge.name, p.name)]
                    if text is None:
                        row.skipped += 1
                    else:
                        row.add(item.id, original, next(answers))

    await asyncio.gather(*(one(item) for item in items))
    return ProbeResult(
        config="",
        input="",
        items=len(items),
        bad_lines=0,
        perturbations={p.name: p.description for p in perturbations},
        rows=list(rows.values()),
    )


def _only_judge(config: AuditConfig, name: str | None, config_path: Path | str) -> AuditConfig:
    if name is None:
        return config
    chosen = [jc for jc in config.judges if jc.name == name]
    if not chosen:
        known = ", ".join(jc.name for jc in config.judges)
        raise UserError(f"{config_path}: no judge named '{name}' (configured: {known})")
    return config.model_copy(update={"judges": chosen})


def _read(path: Path, limit: int | None) -> tuple[list[AuditItem], int]:
    items: list[AuditItem] = []
    bad = 0
    for entry in read_items(path):
        if isinstance(entry, BadLine):
            bad += 1
            continue
        items.append(entry)
        if limit is not None and len(items) >= limit:
            break
    return items, bad
