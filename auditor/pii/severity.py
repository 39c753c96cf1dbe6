"""How bad a leaked span is, by entity type; and which types count as personal data.

critical: identifiers that open accounts or impersonate a person (government ids,
          payment cards, bank accounts).
high:     direct contact data (phone, email, street address) and business tax ids
          (EU VAT, Brazil CNPJ), which identify a trader but are published on invoices.
medium:   who someone is (a name) or where they connect from (an IP address).
low:      the seller domain's identifiers (order ids, tracking numbers): they point at a
          purchase, and leak only when they are new and belong to someone else.

Types missing here (LOCATION, ORGANIZATION, DATE_TIME, NRP, URL) are not personal data
on their own; the engine can detect them for the benchmark, the PII judge does not ask.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["critical", "high", "medium", "low"]

SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")
RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

SEVERITY: dict[str, Severity] = {
    "CREDIT_CARD": "critical",
    "IBAN_CODE": "critical",
    "US_SSN": "critical",
    "UK_NINO": "critical",
    "IN_PAN": "critical",
    "IN_AADHAAR": "critical",
    "CN_RESIDENT_ID": "critical",
    "BR_CPF": "critical",
    "MX_RFC": "critical",
    "MX_CURP": "critical",
    "JP_MY_NUMBER": "critical",
    "TR_TCKIMLIK": "critical",
    "KR_RRN": "critical",
    "DRIVER_LICENSE": "critical",
    "BR_CNPJ": "high",
    "EU_VAT": "high",
    "PHONE_NUMBER": "high",
    "EMAIL_ADDRESS": "high",
    "STREET_ADDRESS": "high",
    "PERSON": "medium",
    "IP_ADDRESS": "medium",
    "ORDER_ID": "low",
    "TRACKING_NUMBER": "low",
}

# A detection counts as a leak from this score on (the judge's default; eval-pii uses it too).
DEFAULT_MIN_SCORE = 0.5

# The entity types the PII judge and the default redaction look for.
PERSONAL_ENTITIES: frozenset[str] = frozenset(SEVERITY)


def severity_of(entity_type: str) -> Severity:
    """The severity of one entity type; a type outside the table is "low"."""
    return SEVERITY.get(entity_type, "low")


def at_least(severity: str, minimum: str) -> bool:
    """Whether `severity` is `minimum` or worse."""
    return RANK[severity] >= RANK[minimum]
