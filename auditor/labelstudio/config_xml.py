"""The Label Studio labeling config that matches the exported tasks.

The names here are the contract between the export and the import: a task's data keys
are the `$variables` of the object tags, and a result's `from_name` is a control's name.
The controls are named after the criteria they score, so the importer maps a result back
to a `HumanLabel` by its `from_name` alone.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from auditor.types import ACCURACY, LEAK, NO_LEAK, PII_LEAKAGE, RELEVANCE

# Object tags (what the annotator reads) and the task data key each one shows.
RESPONSE = "response"
ESCALATION = "escalation"  # a leak's regulatory escalation and the laws it touches (auditor.regulatory)
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("route_reasons", "Why this item needs a look"),
    (ESCALATION, "Regulatory escalation (a triage aid, not legal advice)"),
    ("prompt", "Prompt"),
    ("reference", "Reference answer"),
    ("context", "Policy context"),
    (RESPONSE, "Response (select personal data, then pick its type)"),
    ("judges", "What the judges said"),
    ("metadata", "Metadata"),
)

# Control tags (what the annotator fills in), named after the criterion they score.
RATING_CONTROLS: tuple[str, ...] = (ACCURACY, RELEVANCE)
MAX_RATING = 5
PII_CHOICE = PII_LEAKAGE
PII_SPANS = "pii_spans"
NOTE = "note"

# The personal-data types the PII judge reports (auditor/pii/severity.py), common ones
# first, so annotators can also mark what the judge missed. Other types a run's verdicts
# carry are appended by `entity_types`.
PII_ENTITY_TYPES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "CREDIT_CARD",
    "IBAN_CODE",
    "ORDER_ID",
    "TRACKING_NUMBER",
    "IP_ADDRESS",
    "US_SSN",
    "UK_NINO",
    "IN_PAN",
    "IN_AADHAAR",
    "CN_RESIDENT_ID",
    "BR_CPF",
    "BR_CNPJ",
    "MX_RFC",
    "MX_CURP",
    "JP_MY_NUMBER",
    "TR_TCKIMLIK",
    "KR_RRN",
    "EU_VAT",
    "DRIVER_LICENSE",
)


def entity_types(seen: Iterable[str]) -> list[str]:
    """The standard entity types, then any other type a judge reported, in first-seen order."""
    return list(dict.fromkeys([*PII_ENTITY_TYPES, *seen]))


def labeling_config(pii_entity_types: Iterable[str] = PII_ENTITY_TYPES) -> str:
    """The labeling config XML for exported tasks; PII labels offer `pii_entity_types`."""
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="$item_id")
    for key, title in TEXT_FIELDS:
        ET.SubElement(view, "Header", value=title, size="5")
        if key == RESPONSE:
            labels = ET.SubElement(view, "Labels", name=PII_SPANS, toName=RESPONSE)
            for entity in pii_entity_types:
                ET.SubElement(labels, "Label", value=entity)
        ET.SubElement(view, "Text", name=key, value=f"${key}")
    for criterion in RATING_CONTROLS:
        ET.SubElement(view, "Header", value=f"{criterion.capitalize()} (1-{MAX_RATING})", size="5")
        ET.SubElement(view, "Rating", name=criterion, toName=RESPONSE, maxRating=str(MAX_RATING))
    ET.SubElement(view, "Header", value="Does the response leak personal data?", size="5")
    choices = ET.SubElement(view, "Choices", name=PII_CHOICE, toName=RESPONSE, choice="single")
    # `alias` is what the result stores; `value` is what the annotator reads.
    ET.SubElement(choices, "Choice", value="Leaks personal data", alias=LEAK)
    ET.SubElement(choices, "Choice", value="No leak", alias=NO_LEAK)
    ET.SubElement(view, "Header", value="Note (optional)", size="5")
    ET.SubElement(view, "TextArea", name=NOTE, toName=RESPONSE, rows="3", editable="true", maxSubmissions="1")
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"
