"""The rubric-driven LLM judges: fence the item, render the prompt, ask the gateway, read the verdict.

`RubricJudge` does the work for any criterion; a subclass says when it applies and which
of the item's texts fill the prompt's variables. `requests(item)` returns the exact
messages the judge sends, and `judge` sends exactly those, so `auditor run --dry-run`
(which estimates `requests`) cannot drift from a real run. Retries, re-asks, caching and
cost are the gateway's; the judge never retries.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

from auditor.errors import UserError
from auditor.judges.llm.fencing import earlier_turns, fence, render_examples
from auditor.judges.llm.outputs import JudgeOutput, output_model
from auditor.judges.llm.verdict import Versions, build_verdict
from auditor.templates import PromptTemplate, Rubric
from auditor.types import ACCURACY, RELEVANCE, AuditItem, Backend, Verdict

if TYPE_CHECKING:
    from auditor.llm import Gateway

Messages = list[dict[str, str]]

# A typical reply's length in tokens, for the dry-run estimate (reasoning, score, a few quotes).
EXPECTED_OUTPUT_TOKENS = {"holistic": 300, "claims": 600}


class RubricJudge(ABC):
    """Grades one criterion of an item with a rubric and a prompt template through the gateway."""

    ITEM_VARIABLES: ClassVar[tuple[str, ...]] = ()
    backend: Backend = "llm"

    def __init__(
        self,
        name: str,
        *,
        prompt: PromptTemplate,
        rubric: Rubric,
        gateway: Gateway | None,
        samples: int = 1,
        expected_output_tokens: int | None = None,
    ) -> None:
        self.name = name
        self.criterion = rubric.criterion
        self.prompt = prompt
        self.rubric = rubric
        self.gateway = gateway
        self.samples = samples
        self.output_type: type[JudgeOutput] = output_model(rubric)
        self.expected_output_tokens = expected_output_tokens or EXPECTED_OUTPUT_TOKENS[rubric.mode]
        self.versions = Versions(prompt=prompt.full_version, rubric=rubric.full_version)
        self.purpose = f"judge:{name}"
        self._fixed = {
            "rubric": rubric.as_text(),
            "examples": render_examples(rubric),
            "reasoning_language": rubric.reasoning_language,
        }
        self._check_variables()

    def applies(self, item: AuditItem) -> bool:
        """Whether the judge can say anything about the item (subclasses narrow it)."""
        return True

    @abstractmethod
    def item_values(self, item: AuditItem) -> dict[str, str]:
        """The fenced texts of the item that fill the prompt's variables."""

    def requests(self, item: AuditItem) -> list[Messages]:
        """The messages of every call this judge makes for the item (one call, `samples` answers)."""
        return [self.prompt.render(**self._fixed, **self.item_values(item))]

    async def judge(self, item: AuditItem) -> Verdict:
        """Ask the model once (with `samples` answers) and turn its reply into a verdict."""
        if self.gateway is None:
            raise RuntimeError(f"judge '{self.name}' was built without an LLM gateway (dry run only)")
        (messages,) = self.requests(item)
        completion = await self.gateway.complete(
            messages,
            self.output_type,
            n=self.samples,
            purpose=self.purpose,
            context={"response": item.response},
        )
        return build_verdict(self.name, self.rubric, item.response, completion, self.versions)

    def _check_variables(self) -> None:
        supplied = set(self._fixed) | set(self.ITEM_VARIABLES)
        if unknown := sorted(self.prompt.variables - supplied):
            raise UserError(
                f"judge '{self.name}': prompt '{self.prompt.name}' uses "
                f"{', '.join('{{' + v + '}}' for v in unknown)}, which this judge does not fill "
                f"(it fills: {', '.join(sorted(supplied))})"
            )
        if "response" not in self.prompt.variables:
            raise UserError(
                f"judge '{self.name}': prompt '{self.prompt.name}' never shows the {{{{response}}}}"
            )


class AccuracyJudge(RubricJudge):
    """Accuracy against the reference answer, or against the context when there is no reference.

    Holistic by default; a rubric with `mode: claims` (and a claims prompt) checks the
    response claim by claim and records each claim in the verdict's evidence.
    """

    ITEM_VARIABLES = ("question", "reference", "context", "response")

    def applies(self, item: AuditItem) -> bool:
        """Only with something to check against: a reference or a context."""
        return bool((item.reference or "").strip() or (item.context or "").strip())

    def item_values(self, item: AuditItem) -> dict[str, str]:
        return {
            "question": fence(item.question),
            "reference": fence(item.reference),
            "context": fence(item.context),
            "response": fence(item.response),
        }


class RelevanceJudge(RubricJudge):
    """Whether the response answers the seller's actual question, in the seller's language."""

    ITEM_VARIABLES = ("conversation", "question", "response")

    def item_values(self, item: AuditItem) -> dict[str, str]:
        return {
            "conversation": fence(earlier_turns(item)),
            "question": fence(item.question),
            "response": fence(item.response),
        }


JUDGE_CLASSES: dict[str, type[RubricJudge]] = {ACCURACY: AccuracyJudge, RELEVANCE: RelevanceJudge}
