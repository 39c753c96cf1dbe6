"""Groups -> findings: count, share, severity, evidence, slices, and the template cause text.

A `Finding` holds only masked text, so it can be printed, rendered, or sent to a model
that drafts a better cause (`auditor.report.drafting`) without exposing personal data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import ConfigDict, Field

from auditor.pii.redact import Redactor
from auditor.pii.severity import RANK as PII_RANK
from auditor.pii.severity import SEVERITY as PII_SEVERITY
from auditor.report.causes import PII_PREFIX, Causes, CauseText
from auditor.report.evidence import EvidenceRow, clip, evidence_row, representatives
from auditor.report.failures import PII_SEVERITY_TAG, RANK, SEVERITIES, Group, Kind, Severity, Theme, worst
from auditor.report.similarity import medoid
from auditor.report.slices import SliceIndex, skews
from auditor.report.view import RunData
from auditor.types import StrictModel

MAX_EVIDENCE = 8  # quoted items per finding; every item id is still listed
MAX_TAGS = 6


class Finding(StrictModel):
    """One root-cause theme: what failed, how often, how badly, where, why, and what to do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    criterion: str
    target: str | None = None  # the system under test whose answers failed, in a run with targets
    kind: Kind
    theme: Theme
    tag: str | None
    title: str
    count: int  # distinct items
    denominator: int
    denominator_label: str  # what the share is a share of
    severity: Severity
    severity_counts: dict[str, int]  # items per severity (each item's worst)
    tags: dict[str, int]  # every tag the group's verdicts carry, most common first
    judges: list[str]
    pattern: str  # the group's most typical judge reasoning, masked
    item_ids: list[str]
    evidence: list[EvidenceRow]
    slices: list[str]
    cause: str
    recommendation: str
    source: Literal["template", "model"] = "template"
    drafted_by: str | None = None  # the model that drafted cause and recommendation
    notes: list[str] = Field(default_factory=list)

    @property
    def share(self) -> float:
        return self.count / self.denominator if self.denominator else 0.0


@dataclass(frozen=True)
class FindingContext:
    """What building a finding needs besides its group."""

    run: RunData
    redactor: Redactor
    causes: Causes
    index: SliceIndex
    judged: dict[str, int]  # criterion label (see `criterion_label`) -> items with a verdict on it
    labelled: dict[str, int]  # criterion label -> items with a human reference (calibration)


def build_findings(groups: Sequence[Group], ctx: FindingContext) -> list[Finding]:
    """One finding per group, most severe and most common first, numbered F1, F2, ..."""
    found = [_finding(g, ctx) for g in groups]
    found.sort(key=lambda f: (RANK[f.severity], -f.count, f.criterion, f.title))
    return [f.model_copy(update={"id": f"F{i}"}) for i, f in enumerate(found, start=1)]


def _finding(group: Group, ctx: FindingContext) -> Finding:
    item_ids = group.item_ids
    per_item: dict[str, list[Severity]] = {}
    for f in group.failures:
        per_item.setdefault(f.item_id, []).append(f.rating.severity)
    item_severity = {item: worst(sev) for item, sev in per_item.items()}
    counts = Counter(item_severity.values())
    tags = Counter(tag for f in group.failures for tag in dict.fromkeys(f.verdict.tags))
    judges = sorted({f.verdict.judge for f in group.failures})
    disagreement = group.kind in ("missed", "false_alarm")
    denominator = (ctx.labelled if disagreement else ctx.judged).get(group.label, 0)
    text = _template(group, ctx.causes).fill(
        count=str(len(item_ids)),
        items="item" if len(item_ids) == 1 else "items",
        criterion=group.criterion,
        tag=group.tag or "",
        entity=_entities(tags, worst_only=True) if _is_pii(group.tag) else "",
        entities=_entities(tags) if _is_pii(group.tag) else "",
        severity=(group.tag or "").removeprefix(PII_SEVERITY_TAG),
        judges=", ".join(judges),
    )
    texts = [f.text for f in group.failures]
    return Finding(
        id="",
        criterion=group.criterion,
        target=group.target,
        kind=group.kind,
        theme=group.theme,
        tag=group.tag,
        title=_title(text.title, group),
        count=len(item_ids),
        denominator=denominator,
        denominator_label=_denominator_label(group.label, disagreement),
        severity=worst(list(item_severity.values())),
        severity_counts={s: counts[s] for s in SEVERITIES if counts[s]},
        tags=dict(tags.most_common(MAX_TAGS)),
        judges=judges,
        pattern=clip(ctx.redactor.text(texts[medoid(texts)])),
        item_ids=item_ids,
        evidence=[
            evidence_row(f, ctx.run, ctx.redactor) for f in representatives(group.failures, MAX_EVIDENCE)
        ],
        slices=[s.text for s in skews(item_ids, ctx.index)],
        cause=text.cause,
        recommendation=text.recommendation,
    )


def _template(group: Group, causes: Causes) -> CauseText:
    # A disagreement or a missing verdict is about the judge, whatever the verdict's tags say.
    if group.kind != "failed":
        return causes.for_kind(group.kind)
    if group.tag is not None:
        return causes.for_tag(group.tag)
    return causes.for_criterion(group.criterion)


def _title(title: str, group: Group) -> str:
    if group.target is not None:
        title = f"{group.target}: {title}"
    if group.kind != "failed" and group.tag is not None:
        return f"{title} (tag {group.tag})"
    if group.theme == "similar":
        return f"{title} (similar reasoning)"
    if group.theme == "other" and len(group.item_ids) > 1:
        return f"{title} (varied reasoning)"
    return title


@dataclass(frozen=True)
class Recommendation:
    text: str
    severity: Severity  # the worst of the findings it answers
    finding_ids: list[str]


def recommendations(findings: Sequence[Finding]) -> list[Recommendation]:
    """Each distinct recommendation once, with the findings it answers, most severe first."""
    by_text: dict[str, list[Finding]] = {}
    for f in findings:
        by_text.setdefault(f.recommendation, []).append(f)
    out = [
        Recommendation(text, worst([f.severity for f in group]), [f.id for f in group])
        for text, group in by_text.items()
    ]
    # Findings are already ordered by severity and size, so a stable sort keeps that order.
    return sorted(out, key=lambda r: RANK[r.severity])


def _denominator_label(criterion: str, disagreement: bool) -> str:
    return f"items with a human reference on {criterion}" if disagreement else f"items judged on {criterion}"


def _is_pii(tag: str | None) -> bool:
    return tag is not None and tag.startswith(PII_SEVERITY_TAG)


def _entities(tags: Counter[str], worst_only: bool = False, most: int = 4) -> str:
    """The PII types a group's verdicts flagged, most severe first, then most frequent;
    with `worst_only`, only those of the worst severity, at most `most` of them named."""
    kinds = [t.removeprefix(PII_PREFIX) for t in tags if t.startswith(PII_PREFIX)]
    rank = {k: PII_RANK.get(PII_SEVERITY.get(k, "low"), 0) for k in kinds}
    kinds.sort(key=lambda k: (-rank[k], -tags[PII_PREFIX + k], k))
    if not worst_only:
        return ", ".join(kinds)
    worst = [k for k in kinds if rank[k] == rank[kinds[0]]] if kinds else []
    more = f" and {len(worst) - most} more" if len(worst) > most else ""
    return ", ".join(worst[:most]) + more
