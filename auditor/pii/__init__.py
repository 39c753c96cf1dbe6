"""Personal-data detection for the PII leakage judge (`auditor.judges.pii`).

Who owns what (docs/pii.md has the rules and the measured quality):

- `engine`: the Presidio `AnalyzerEngine`, built once (`get_engine()`), quiet and offline;
- `recognizers/`: auditor's recognizers, one module per family; `validators`: check digits;
- `ner_filter`: where the English NER model's output is trusted; `spans`: overlap rules;
- `provenance`: echoed / context / new; `severity`: how bad each type is;
- `adjudication`: the hook for an LLM to settle ambiguous spans; `batcher`: off-loop batching;
- `redact`: the one masking of personal data (`Redactor`), for reports, logs and exports;
- `evaluate` and `metrics`: `auditor eval-pii`.

Importing this package is cheap: spaCy and Presidio load only with `auditor.pii.engine`.
"""

from auditor.pii.adjudication import Adjudicator, SpanDecision
from auditor.pii.redact import redact, redact_text
from auditor.pii.severity import PERSONAL_ENTITIES, SEVERITY, severity_of
from auditor.pii.spans import Detection

__all__ = [
    "PERSONAL_ENTITIES",
    "SEVERITY",
    "Adjudicator",
    "Detection",
    "SpanDecision",
    "redact",
    "redact_text",
    "severity_of",
]
