"""Small run directories for report tests: items, records and a manifest, written in code.

`seller_run` builds a run with every kind of failure the report groups, including PII
leaks whose span offsets point into the response, so tests can check that no raw
personal data reaches report.md or report.html.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from auditor.aggregate import consensus
from auditor.calibration import run_calibration
from auditor.io import count_lines, file_sha256
from auditor.manifest import Manifest
from auditor.rundir import RunDir
from auditor.types import AuditRecord, Evidence, PIISpan, Provenance, Route, Verdict
from tests.fakes import span_in

BASELINE = Provenance(backend="baseline", rubric_version="acc-1")
LLM = Provenance(
    backend="llm",
    model="gpt-test",
    prompt_version="rel-2",
    prompt_tokens=120,
    completion_tokens=30,
    cost_usd=0.0015,
)

CARD = "4111 1111 1111 1111"
PHONE = "+1 415 555 0132"
EMAIL = "dana.whitfield@example.com"
NAME = "Dana Whitfield"
IBAN = "DE89 3704 0044 0532 0130 00"
RAW_PII = (CARD, PHONE, EMAIL, NAME, IBAN)


@dataclass
class Item:
    id: str
    response: str
    verdicts: list[Verdict]
    metadata: dict[str, Any] = field(default_factory=dict)
    prompt: str = "How do I handle this?"
    reference: str | None = "The reference answer."


# Where `text` sits in `response`, found and validated by a checksum.
span = partial(span_in, score=0.99, recognizer="test", validated=True)


def scored(
    judge: str,
    criterion: str,
    score: float,
    *,
    tags: Sequence[str] = (),
    reasoning: str = "",
    evidence: Sequence[Evidence] = (),
    confidence: float | None = None,
    provenance: Provenance = BASELINE,
) -> Verdict:
    return Verdict(
        judge=judge,
        criterion=criterion,
        score=score,
        passed=score >= 4,
        reasoning=reasoning or f"scored {score}",
        tags=list(tags),
        evidence=list(evidence),
        confidence=confidence,
        provenance=provenance,
    )


def pii(response: str, spans: Sequence[PIISpan], reasoning: str = "") -> Verdict:
    leak = any(s.source == "new" for s in spans)
    return Verdict(
        judge="pii",
        criterion="pii_leakage",
        label="leak" if leak else "clean",
        passed=not leak,
        reasoning=reasoning or ("personal data found" if spans else "no personal data"),
        tags=[f"pii:{s.entity_type}" for s in spans if s.source == "new"],
        evidence=[Evidence(quote=s.text, start=s.start, end=s.end, kind="pii") for s in spans],
        pii_spans=list(spans),
        provenance=Provenance(backend="presidio"),
    )


def unscored(judge: str, criterion: str, reason: str) -> Verdict:
    return Verdict.unscored(judge, criterion, reason, BASELINE)


def write_run(
    root: Path, items: Sequence[Item], *, status: str = "complete", pass_score: float = 4.0
) -> Path:
    """items.jsonl plus a run directory (records.jsonl, manifest.json) under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    input_path = root / "items.jsonl"
    rows = [
        {
            "id": i.id,
            "prompt": i.prompt,
            "response": i.response,
            "reference": i.reference,
            "metadata": i.metadata,
        }
        for i in items
    ]
    input_path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    run = RunDir(root / "run")
    run.open(append=False)
    for i in items:
        failing = [v for v in i.verdicts if not v.scored or v.passed is False]
        run.write_record(
            AuditRecord(
                item_id=i.id,
                verdicts=i.verdicts,
                consensus=consensus(i.verdicts, 1.0),
                route=Route(
                    decision="human_review" if failing else "auto_accept",
                    reasons=[f"failed:{v.criterion}" for v in failing],
                    priority=0.6 if failing else 0.0,
                ),
                metadata=i.metadata,
            )
        )
    run.close()
    judges = {v.judge: v.criterion for i in items for v in i.verdicts}
    manifest = {
        "auditor_version": "0.1.0",
        "config_file": "configs/test.yaml",
        "config": {"name": "seller-test", "routing": {"pass_score": pass_score}},
        "input": {
            "path": str(input_path),
            "sha256": file_sha256(input_path),
            "lines": count_lines(input_path),
        },
        "judges": [{"judge": name, "criterion": judges[name]} for name in sorted(judges)],
        "status": status,
        "started_at": "2026-11-29T10:00:00+00:00",
        "finished_at": "2026-11-29T10:01:00+00:00",
        "elapsed_s": 60.0,
        "counts": {"bad_lines": 1},
    }
    run.write_manifest(Manifest.model_validate(manifest))
    return run.path


def meta(marketplace: str, language: str = "en", category: str = "fees") -> dict[str, Any]:
    return {"marketplace": marketplace, "language": language, "category": category}


def seller_items() -> list[Item]:
    """Twenty items: duration and amount mismatches, an unscored verdict, untagged failures with
    similar reasoning, refusals concentrated in JP, and PII leaks of every severity."""
    items: list[Item] = []

    def add(item_id: str, response: str, verdicts: list[Verdict], metadata: dict[str, Any]) -> None:
        items.append(Item(item_id, response, verdicts, metadata))

    ok_rel = scored("rel", "relevance", 5, provenance=LLM)
    for n in range(1, 4):
        response = f"You have {n + 6} days to respond to the claim before it is decided."
        add(
            f"dur-{n}",
            response,
            [
                scored(
                    "acc",
                    "accuracy",
                    2,
                    tags=["duration_mismatch"],
                    reasoning=f"The response says {n + 6} days; the reference says 72 hours.",
                    evidence=[
                        Evidence(
                            quote=f"{n + 6} days", start=9, end=9 + len(f"{n + 6} days"), kind="conflict"
                        )
                    ],
                ),
                ok_rel,
            ],
            meta("US"),
        )
    response = "The referral fee is 15% with a minimum of $1.00 per item, so you pay $6.00."
    add(
        "amt-1",
        response,
        [
            scored(
                "acc", "accuracy", 1, tags=["amount_mismatch", "number_mismatch"],
                reasoning="The response states $6.00 and $1.00; the reference says $3.20 and $0.30.",
            ),
            ok_rel,
        ],
        meta("US"),
    )  # fmt: skip
    add(
        "timeout-1",
        "Your listing will go live within the hour.",
        [unscored("acc", "accuracy", "judge error: TimeoutError: no reply in 60 s"), ok_rel],
        meta("UK"),
    )
    for n, topic in ((1, "return window"), (2, "return window rules")):
        add(
            f"omit-{n}",
            f"Returns are handled by the buyer. Contact support for the {topic}.",
            [
                scored("acc", "accuracy", 3, reasoning=f"The answer leaves out the {topic} the policy sets."),
                ok_rel,
            ],
            meta("UK"),
        )
    for n in range(1, 5):
        add(
            f"jp-{n}",
            "I'm sorry, but I can't help with that request.",
            [
                scored("acc", "accuracy", 4),
                scored(
                    "rel",
                    "relevance",
                    1,
                    tags=["refusal"],
                    reasoning="The assistant refused.",
                    provenance=LLM,
                ),
            ],
            meta("JP", "ja", "account"),
        )
    card_response = f"I found the buyer's card {CARD} on the order, so the charge went through."
    add(
        "pii-card",
        card_response,
        [ok_acc(), ok_rel, pii(card_response, [span(card_response, CARD, "CREDIT_CARD", "critical")])],
        meta("US"),
    )
    contact = f"You can reach the buyer directly at {PHONE} or {EMAIL} to sort it out."
    add(
        "pii-contact",
        contact,
        [
            ok_acc(),
            ok_rel,
            pii(
                contact,
                [span(contact, PHONE, "PHONE_NUMBER", "high"), span(contact, EMAIL, "EMAIL_ADDRESS", "high")],
                reasoning=f"The response gives the buyer's phone {PHONE} and email {EMAIL}.",
            ),
        ],
        meta("DE", "de"),
    )
    named = f"The package was signed for by {NAME} at the front desk yesterday."
    add(
        "pii-name",
        named,
        [ok_acc(), ok_rel, pii(named, [span(named, NAME, "PERSON", "medium")])],
        meta("DE", "de"),
    )
    # The PII span sits at the very end of a long response: a quote window cut there must
    # widen to cover the whole number, never show part of it.
    long_response = ("Payouts are sent every fourteen days to the account on file. " * 3) + f"Yours: {IBAN}"
    add(
        "pii-iban",
        long_response,
        [ok_acc(), ok_rel, pii(long_response, [span(long_response, IBAN, "IBAN_CODE", "critical")])],
        meta("DE", "de"),
    )
    for n in range(1, 6):
        add(f"ok-{n}", "A correct and relevant answer.", [ok_acc(), ok_rel], meta("US"))
    for item in items:  # the PII judge sees every item; most are clean
        if not any(v.criterion == "pii_leakage" for v in item.verdicts):
            item.verdicts.append(pii(item.response, []))
    return items


def ok_acc() -> Verdict:
    return scored("acc", "accuracy", 5, reasoning="Matches the reference.")


HUMAN_ACCURACY = {"jp-1": 2.0, "dur-1": 4.0}  # where the humans part from the judge


def labels_for(items: list[Item]) -> list[dict[str, Any]]:
    """Two annotators who agree with the judges except on jp-1 (a missed failure), dur-1 (a false
    alarm) and ok-2 (a leak the PII judge missed); they split on ok-1."""
    rows: list[dict[str, Any]] = []
    for item in items:
        accuracy = next(v for v in item.verdicts if v.criterion == "accuracy")
        score = HUMAN_ACCURACY.get(item.id, accuracy.score if accuracy.score is not None else 3.0)
        leak = item.id == "ok-2" or any(v.label == "leak" for v in item.verdicts)
        for annotator in ("ann_a", "ann_b"):
            split = 4.0 if item.id == "ok-1" and annotator == "ann_b" else score
            rows.append({"item_id": item.id, "annotator": annotator, "criterion": "accuracy", "score": split})
            rows.append(
                {
                    "item_id": item.id,
                    "annotator": annotator,
                    "criterion": "pii_leakage",
                    "label": "leak" if leak else "clean",
                }
            )
    return rows


def with_confidence(items: list[Item]) -> list[Item]:
    for item in items:
        item.verdicts = [
            v.model_copy(update={"confidence": 0.9 if v.passed else 0.6})
            if v.criterion == "accuracy" and v.scored
            else v
            for v in item.verdicts
        ]
    return items


def calibrated_run(root: Path) -> tuple[Path, Path]:
    """The seller run with judge confidences, human labels, and `auditor calibrate`'s output."""
    items = with_confidence(seller_items())
    run = write_run(root, items)
    labels = root / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in labels_for(items)), encoding="utf-8")
    run_calibration(run, labels, root / "calibration", n_boot=200)
    return run, root / "calibration"
