"""The data model: what goes into an audit and what comes out of it.

One sample's path: a JSONL line -> `AuditItem` -> judges -> `Verdict`s -> `AuditRecord`.
Human annotations are `HumanLabel`s. Unknown keys are rejected everywhere, so a typo in
an input file is an error rather than a silently ignored field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ACCURACY = "accuracy"
RELEVANCE = "relevance"
PII_LEAKAGE = "pii_leakage"
LEAK, NO_LEAK = "leak", "no_leak"  # the two labels of a pii_leakage verdict


class StrictModel(BaseModel):
    """Base for every record: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class ChatTurn(StrictModel):
    role: Literal["system", "user", "assistant"]
    content: str


class SuiteMark(StrictModel):
    """How a derived item was made from its parent: the suite, its variant and the cues it set.

    `cues` are what the variant changed that the metrics group by: a counterfactual's
    `group` and `gender`, a code switch's `language`, an injection's `canary`.
    """

    name: str
    variant: str | None = None
    cues: dict[str, str] = Field(default_factory=dict)


class AuditItem(StrictModel):
    """One sample to audit: the seller's question and the assistant's answer.

    A derived item (a suite's perturbation of another item, `auditor.suites`) names its
    `parent_id` and the `suite` that made it.
    """

    id: str = Field(min_length=1)
    prompt: str | list[ChatTurn]
    response: str
    reference: str | None = None
    context: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    parent_id: str | None = None
    suite: SuiteMark | None = None

    @field_validator("id")
    @classmethod
    def _strip_id(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("prompt")
    @classmethod
    def _non_empty_prompt(cls, value: str | list[ChatTurn]) -> str | list[ChatTurn]:
        if isinstance(value, list) and not any(t.role == "user" for t in value):
            raise ValueError("a chat prompt needs at least one user turn")
        return value

    @property
    def question(self) -> str:
        """The seller's question: the prompt, or the last user turn of a chat."""
        if isinstance(self.prompt, str):
            return self.prompt
        return next(t.content for t in reversed(self.prompt) if t.role == "user")

    @property
    def user_text(self) -> str:
        """Everything the user supplied (all user turns), for echo detection."""
        if isinstance(self.prompt, str):
            return self.prompt
        return "\n".join(t.content for t in self.prompt if t.role == "user")

    @property
    def prompt_text(self) -> str:
        """The whole prompt as plain text, turns labelled with their role."""
        if isinstance(self.prompt, str):
            return self.prompt
        return "\n".join(f"{t.role}: {t.content}" for t in self.prompt)


class Evidence(StrictModel):
    """A quoted span that supports a verdict; offsets are into the response when known."""

    quote: str
    start: int | None = None
    end: int | None = None
    kind: str | None = None  # e.g. "match", "conflict", "pii"
    note: str | None = None


class PIISpan(StrictModel):
    """One detected piece of personal data in the response."""

    entity_type: str
    start: int
    end: int
    text: str
    source: Literal["new", "echoed", "context", "business"]
    severity: Literal["critical", "high", "medium", "low"]
    score: float
    recognizer: str
    validated: bool = False  # a checksum or structural validator confirmed it


ConfidenceMethod = Literal["none", "heuristic", "logprobs", "self_consistency"]
Backend = Literal["baseline", "llm", "presidio", "ensemble"]


class Provenance(StrictModel):
    """Where a verdict came from, so a reviewer can trust or discount it."""

    backend: Backend
    model: str | None = None
    prompt_version: str | None = None
    rubric_version: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = 0.0  # None: the served model has no price, so the cost is unknown
    latency_ms: float = 0.0
    cached: bool = False
    replayed: bool = False
    reasks: int = 0
    confidence_method: ConfidenceMethod = "none"
    request_hash: str | None = None


class LawTouch(StrictModel):
    """One law a leaked kind of personal data touches (auditor.regulatory; not legal advice)."""

    law: str  # its key in the regulations file: "GDPR", "PIPL"
    entity_type: str
    basis: list[Literal["marketplace", "data_subject"]]  # the item's marketplace, the id's country
    category: str | None = None  # the law's category the kind falls in; None: ordinary personal data
    sensitive: bool = False
    citation: str | None = None  # "GDPR Art. 87"; None: the file gives no article


class Regulatory(StrictModel):
    """The laws a leak verdict touches and the escalation the run's policy gives it."""

    marketplace: str | None = None  # None: the item names none
    subject_countries: list[str] = Field(default_factory=list)  # revealed by national ids
    unmapped: list[str] = Field(default_factory=list)  # codes the regulations file does not know
    touches: list[LawTouch] = Field(default_factory=list)
    escalation: str | None = None  # "privacy-legal"; None: no rule matched
    priority: float | None = None  # the matched rule's review priority
    regulations_version: str

    @property
    def laws(self) -> list[str]:
        """Every law touched, in first-touched order."""
        return list(dict.fromkeys(t.law for t in self.touches))


class JudgeIdentity(StrictModel):
    """Which judge, and what it runs on: the one description of a judge that verdicts,
    thresholds and the manifest share.

    Routing applies a calibrated threshold only to verdicts of the identity it was measured
    on (`thresholds.json`); the manifest records each configured judge's identity, so a
    `--resume` can refuse a changed judge (`manifest.JudgeEntry` adds its criterion and kind).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    judge: str
    backend: str | None = None  # None: verdicts from another tool, which carry no provenance
    model: str | None = None
    prompt_version: str | None = None
    rubric_version: str | None = None

    @classmethod
    def of(cls, judge: str, provenance: Provenance) -> JudgeIdentity:
        """The identity a verdict's provenance records."""
        return cls(
            judge=judge,
            backend=provenance.backend,
            model=provenance.model,
            prompt_version=provenance.prompt_version,
            rubric_version=provenance.rubric_version,
        )

    def describe(self) -> str:
        parts = [self.backend, self.model, self.prompt_version, self.rubric_version]
        return f"{self.judge} ({', '.join(p or '-' for p in parts)})"


class Verdict(StrictModel):
    """A judge's decision on one criterion for one item, or why there is none."""

    judge: str
    criterion: str
    label: str | None = None
    score: float | None = None
    weighted_score: float | None = None  # G-Eval: the probability-weighted score, from logprobs
    passed: bool | None = None
    reasoning: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    tags: list[str] = Field(default_factory=list)
    pii_spans: list[PIISpan] = Field(default_factory=list)
    regulatory: Regulatory | None = None  # leak verdicts: the laws touched, the escalation
    unscored_reason: str | None = None
    error_type: str | None = None  # the exception class of a crashed judge: "KeyError"
    raw: str | None = None  # the model's raw reply when it could not be used
    provenance: Provenance

    @property
    def scored(self) -> bool:
        return self.unscored_reason is None

    @classmethod
    def unscored(
        cls,
        judge: str,
        criterion: str,
        reason: str,
        provenance: Provenance,
        raw: str | None = None,
        error_type: str | None = None,
    ) -> Verdict:
        """A verdict that could not be produced: counted, never a fake pass or fail."""
        return cls(
            judge=judge,
            criterion=criterion,
            unscored_reason=reason,
            error_type=error_type,
            raw=raw,
            provenance=provenance,
        )


class Route(StrictModel):
    decision: Literal["auto_accept", "human_review"]
    reasons: list[str] = Field(default_factory=list)
    priority: float = 0.0  # higher = more worth a human look
    escalation: str | None = None  # a leak's regulatory escalation ("privacy-legal"), from its verdict


class Consensus(StrictModel):
    """The judges' combined outcome on one criterion for one item."""

    criterion: str
    score: float | None = None  # mean of the scored judges' scores
    label: str | None = None  # the most common label
    passed: bool | None = None  # False when any scored judge fails the item
    judges: list[str] = Field(default_factory=list)
    disagreement: bool = False


AnswerTag = Literal["empty", "truncated"]


class Answer(StrictModel):
    """What a system under test (a config's target) answered to an item's prompt.

    An empty answer or one cut off at the length limit is judged as it is and tagged;
    `error` says why there is no answer at all (the target refused this request, or its
    responses file has none for the item), and then every verdict is unscored.
    """

    text: str = ""
    finish_reason: str | None = None  # "length": cut off at the target's max_tokens
    tags: list[AnswerTag] = Field(default_factory=list)
    error: str | None = None
    provenance: Provenance | None = None  # None: read from a responses file, not generated


class AuditRecord(StrictModel):
    """Everything auditor concluded about one item (for one target, when the config has targets)."""

    item_id: str
    target: str | None = None  # the system under test that answered; None: the run's only answer
    answer: Answer | None = None  # the target's answer that was judged; None: the input's `response`
    parent_id: str | None = None  # a derived item's parent (`auditor.suites`); None: an item of the input
    suite: SuiteMark | None = None
    verdicts: list[Verdict]
    consensus: list[Consensus] = Field(default_factory=list)
    route: Route
    metadata: dict[str, Any] = Field(default_factory=dict)
    duration_ms: float = 0.0

    @property
    def key(self) -> tuple[str, str | None]:
        """What a run judges once: an item, for each target."""
        return self.item_id, self.target

    @property
    def pii_spans(self) -> list[PIISpan]:
        """Every PII span any judge found in this record's response."""
        return [s for v in self.verdicts for s in v.pii_spans]


class Span(StrictModel):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    label: str
    text: str | None = None


class HumanLabel(StrictModel):
    """One annotator's label for one item and criterion."""

    item_id: str = Field(min_length=1)
    annotator: str = Field(min_length=1)
    criterion: str = Field(min_length=1)
    score: float | None = None
    label: str | None = None
    spans: list[Span] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _has_a_value(self) -> HumanLabel:
        if self.score is None and self.label is None:
            raise ValueError("needs a 'score' or a 'label'")
        return self
