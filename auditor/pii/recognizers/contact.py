"""Email addresses and phone numbers, in the formats of the marketplaces auditor serves."""

from __future__ import annotations

import functools

import phonenumbers
import regex  # type: ignore[import-untyped]  # no stubs; see docs/pii.md
import tldextract
from presidio_analyzer import LocalRecognizer, RecognizerResult

from auditor.pii.recognizers.base import Rule, RuleRecognizer, context_regex, has_context, result
from auditor.pii.validators import Check

EMAIL_ADDRESS = "EMAIL_ADDRESS"
PHONE_NUMBER = "PHONE_NUMBER"

# Presidio's email pattern, restricted to Latin letters: "\\w" also matches Han and kana,
# and Chinese or Japanese text runs straight into an address ("邮箱是li@example.cn").
_LOCAL = (
    r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~](?:[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]*[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~])?"
)
_LABEL = r"[0-9A-Za-z\u00C0-\u024F]+(?:-+[0-9A-Za-z\u00C0-\u024F]+)*"
_EMAIL = (
    rf"(?<![A-Za-z0-9.!#$%&'*+\-/=?^_`{{|}}~])({_LOCAL}@{_LABEL}(?:\.{_LABEL})+)(?![0-9A-Za-z\u00C0-\u024F])"
)


@functools.cache
def _suffixes() -> tldextract.TLDExtract:
    # The bundled public-suffix snapshot: no download, no cache directory. Presidio's
    # EmailRecognizer uses tldextract's module default, which tries the network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _email_domain(text: str) -> Check:
    """An email whose domain ends in a real public suffix (not 'user@host.localdomain')."""
    return Check.STRUCTURE if _suffixes()(text.rsplit("@", 1)[-1]).suffix else Check.INVALID


def email_recognizer() -> RuleRecognizer:
    """Email addresses whose domain has a known public suffix."""
    rule = Rule("email", EMAIL_ADDRESS, _EMAIL, 0.85, validator=_email_domain)
    return RuleRecognizer("EmailRecognizer", [rule])


# Where a national number is dialled without its country code, only the matcher for that
# region finds it; international (+CC) numbers are found by any of them.
PHONE_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "JP", "CN", "IN", "BR", "MX", "AE", "CA", "AU", "NL")

PHONE_CONTEXT = (
    "phone", "telephone", "tel", "mobile", "cell", "call", "fax", "whatsapp", "sms", "text me",
    "reach me", "reach us", "contact number", "dial", "ring",
    "telefon", "handy", "rufnummer", "mobil", "teléfono", "telefono", "móvil", "celular",
    "telefone", "téléphone", "portable", "cellulare", "電話", "携帯", "电话", "手机", "联系方式",
    "फ़ोन", "मोबाइल", "هاتف", "جوال",
)  # fmt: skip

# A grouped digit string: what a phone number looks like when libphonenumber cannot place
# it (unknown numbering plans, synthetic data). Only counted after a phone context word.
_LOOSE_PHONE = (
    r"(?<![0-9A-Za-z_+.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,5}){1,4}"
    r"(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?(?![0-9A-Za-z_-]|\.\d)"
)
# Contact blocks and signatures label a number after it: "030 1234 5678 (office)", "... fax".
_PHONE_LABEL_AFTER = regex.compile(r"[ \t]*[-(]?[ \t]*(?i:office|fax|mobile|cell|home|work|tel|phone)\b")


class PhoneRecognizer(LocalRecognizer):
    """libphonenumber's matcher (leniency VALID) for each region, plus a contextual fallback."""

    def __init__(self, regions: tuple[str, ...] = PHONE_REGIONS) -> None:
        self.regions = regions
        self._context = context_regex(PHONE_CONTEXT)
        self._loose = regex.compile(_LOOSE_PHONE)
        super().__init__(supported_entities=[PHONE_NUMBER], name="PhoneRecognizer", supported_language="en")

    def load(self) -> None:
        """Nothing to load: phonenumbers ships its metadata."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        """Valid numbers for any configured region; grouped digits after a phone word."""
        if entities and PHONE_NUMBER not in entities:
            return []
        spans: dict[tuple[int, int], float] = {}
        for region in self.regions:
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
                context = has_context(self._context, text, match.start)
                score = 0.95 if context else (0.75 if match.raw_string.startswith("+") else 0.6)
                key = (match.start, match.end)
                spans[key] = max(score, spans.get(key, 0.0))
        out = [result(PHONE_NUMBER, s, e, sc, "PhoneRecognizer:libphonenumber", Check.STRUCTURE)
               for (s, e), sc in spans.items()]  # fmt: skip
        for match in self._loose.finditer(text):
            digit_count = sum(c.isdigit() for c in match.group())
            labelled = _PHONE_LABEL_AFTER.match(text, match.end()) is not None
            if 6 <= digit_count <= 15 and (labelled or has_context(self._context, text, match.start())):
                out.append(
                    result(
                        PHONE_NUMBER,
                        match.start(),
                        match.end(),
                        0.75,
                        "PhoneRecognizer:context",
                        Check.INVALID,
                    )
                )
        return out
