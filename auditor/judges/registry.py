"""From a config's `judges:` list to judge objects.

Imports are lazy, so a run that does not use a heavy judge (Presidio's) never loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from auditor.config import AuditConfig, JudgeConfig
from auditor.errors import UserError
from auditor.judges.base import Judge
from auditor.types import ACCURACY, RELEVANCE

if TYPE_CHECKING:
    from auditor.llm import Gateway

Factory = Callable[[JudgeConfig, AuditConfig, "Gateway | None"], Judge]

LLM_KINDS_PREFIX = "llm."


def _baseline_accuracy(jc: JudgeConfig, config: AuditConfig, gateway: Gateway | None) -> Judge:
    from auditor.judges.baseline_accuracy import BaselineAccuracyJudge

    return BaselineAccuracyJudge(name=jc.name, pass_score=config.routing.pass_score, **jc.options)


def _baseline_relevance(jc: JudgeConfig, config: AuditConfig, gateway: Gateway | None) -> Judge:
    from auditor.judges.baseline_relevance import BaselineRelevanceJudge

    return BaselineRelevanceJudge(name=jc.name, pass_score=config.routing.pass_score, **jc.options)


def _llm_accuracy(jc: JudgeConfig, config: AuditConfig, gateway: Gateway | None) -> Judge:
    from auditor.judges.llm import build_rubric_judge

    return build_rubric_judge(jc, gateway, ACCURACY)


def _llm_relevance(jc: JudgeConfig, config: AuditConfig, gateway: Gateway | None) -> Judge:
    from auditor.judges.llm import build_rubric_judge

    return build_rubric_judge(jc, gateway, RELEVANCE)


def _pii(jc: JudgeConfig, config: AuditConfig, gateway: Gateway | None) -> Judge:
    from auditor.judges.pii import PIIJudge

    options = dict(jc.options)
    if _adjudicates(jc):
        from auditor.judges.llm import build_pii_adjudicator

        options["adjudicate"] = build_pii_adjudicator(jc, gateway)
    else:
        options.pop("adjudicate", None)
    return PIIJudge(name=jc.name, **options)


def _adjudicates(jc: JudgeConfig) -> bool:
    """Whether a PII judge asks a model about ambiguous spans (`options: {adjudicate: true}`)."""
    value = jc.options.get("adjudicate", False)
    if not isinstance(value, bool):
        raise UserError(f"judge '{jc.name}': option 'adjudicate' must be true or false, not {value!r}")
    return jc.kind == "pii" and value


FACTORIES: dict[str, Factory] = {
    "baseline.accuracy": _baseline_accuracy,
    "baseline.relevance": _baseline_relevance,
    "llm.accuracy": _llm_accuracy,
    "llm.relevance": _llm_relevance,
    "pii": _pii,
}


def calls_model(jc: JudgeConfig) -> bool:
    """Whether this judge calls a model: an `llm.*` judge, or a PII judge that adjudicates."""
    return jc.kind.startswith(LLM_KINDS_PREFIX) or _adjudicates(jc)


def needs_llm(config: AuditConfig) -> bool:
    """Whether any configured judge calls a model (so the run needs a gateway)."""
    return any(calls_model(jc) for jc in config.judges)


def build_judges(config: AuditConfig, gateway: Gateway | None = None) -> list[Judge]:
    """Instantiate every configured judge; an unknown kind or option is a UserError."""
    judges = []
    for jc in config.judges:
        factory = FACTORIES.get(jc.kind)
        if factory is None:
            known = ", ".join(sorted(FACTORIES))
            raise UserError(f"judge '{jc.name}': unknown kind '{jc.kind}' (known: {known})")
        try:
            judges.append(factory(jc, config, gateway))
        except TypeError as exc:
            raise UserError(f"judge '{jc.name}': bad options {sorted(jc.options)}: {exc}") from None
    names = [j.name for j in judges]
    if dup := {n for n in names if names.count(n) > 1}:
        raise UserError(f"judge names must be unique; repeated: {sorted(dup)}")
    return judges
