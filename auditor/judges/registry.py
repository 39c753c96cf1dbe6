"""From a config's `judges:` list to judge objects.

The config has already checked each judge's options against the model for its kind
(`auditor.config`). Imports are lazy, so a run that does not use a heavy judge
(Presidio's) never loads it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from auditor.config import AuditConfig, BaselineJudgeConfig, JudgeConfig, LLMJudgeConfig, PIIJudgeConfig
from auditor.errors import UserError
from auditor.judges.base import Judge, close_judges

if TYPE_CHECKING:
    from auditor.llm import Gateway


def _baseline(jc: BaselineJudgeConfig, config: AuditConfig) -> Judge:
    pass_score = config.routing.pass_score
    if jc.kind == "baseline.accuracy":
        from auditor.judges.baseline_accuracy import BaselineAccuracyJudge

        return BaselineAccuracyJudge(name=jc.name, pass_score=pass_score)
    from auditor.judges.baseline_relevance import BaselineRelevanceJudge

    return BaselineRelevanceJudge(name=jc.name, pass_score=pass_score)


def _pii(jc: PIIJudgeConfig, config: AuditConfig, gateway: Gateway | None) -> Judge:
    from auditor.judges.pii import PIIJudge
    from auditor.regulatory.assess import Assessor

    adjudicate = None
    if jc.options.adjudicate:
        from auditor.judges.llm import build_pii_adjudicator

        adjudicate = build_pii_adjudicator(jc, gateway)
    settings = jc.options.model_dump(exclude={"adjudicate"}, exclude_none=True)
    regulatory = Assessor.from_config(config.regulatory) if config.regulatory.enabled else None
    return PIIJudge(name=jc.name, adjudicate=adjudicate, regulatory=regulatory, **settings)


def build_judge(jc: JudgeConfig, config: AuditConfig, gateway: Gateway | None = None) -> Judge:
    """One configured judge; `gateway` is None only where no model is called (or a dry run)."""
    if isinstance(jc, BaselineJudgeConfig):
        return _baseline(jc, config)
    if isinstance(jc, LLMJudgeConfig):
        from auditor.judges.llm import build_rubric_judge

        return build_rubric_judge(jc, gateway)
    return _pii(jc, config, gateway)


def needs_llm(config: AuditConfig) -> bool:
    """Whether any configured judge calls a model (so the run needs a gateway)."""
    return any(jc.calls_model for jc in config.judges)


def build_judges(config: AuditConfig, gateway: Gateway | None = None) -> list[Judge]:
    """Instantiate every configured judge; repeated names are a UserError.

    A run with the `injection` suite also gets the judge of its canary
    (`judges.injection_compliance`), which applies to that suite's items only.
    """
    judges = [build_judge(jc, config, gateway) for jc in config.judges]
    if any(s.name == "injection" for s in config.suites):
        from auditor.judges.injection_compliance import InjectionComplianceJudge

        judges.append(InjectionComplianceJudge())
    names = [j.name for j in judges]
    if dup := {n for n in names if names.count(n) > 1}:
        raise UserError(f"judge names must be unique; repeated: {sorted(dup)}")
    return judges


@contextlib.asynccontextmanager
async def judges_for(config: AuditConfig, gateway: Gateway | None = None) -> AsyncIterator[list[Judge]]:
    """The configured judges for one run; what they hold (the PII judge's worker processes)
    is released when the run ends, also on an error or a cancel."""
    judges = build_judges(config, gateway)
    try:
        yield judges
    finally:
        await close_judges(judges)
