"""Auditor's recognizers, one module per family of identifiers."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import DateRecognizer, IpRecognizer, UrlRecognizer

from auditor.pii.recognizers.address import AddressRecognizer
from auditor.pii.recognizers.commerce import commerce_recognizer
from auditor.pii.recognizers.contact import PhoneRecognizer, email_recognizer
from auditor.pii.recognizers.finance import finance_recognizer
from auditor.pii.recognizers.ids import id_recognizer
from auditor.pii.recognizers.names import cjk_name_recognizer, latin_name_recognizer
from auditor.pii.recognizers.org import org_recognizer


def all_recognizers() -> list[EntityRecognizer]:
    """Fresh instances of every recognizer the engine runs besides spaCy's NER."""
    return [
        email_recognizer(),
        AddressRecognizer(),
        PhoneRecognizer(),
        finance_recognizer(),
        id_recognizer(),
        commerce_recognizer(),
        latin_name_recognizer(),
        cjk_name_recognizer(),
        org_recognizer(),
        IpRecognizer(),
        UrlRecognizer(),
        DateRecognizer(),
    ]
