"""Email addresses and phone numbers, in the formats of the marketplaces auditor serves."""

from __future__ import annotations

import functools

import regex  # type: ignore[import-untyped]  # no stubs; see docs/pii.md
import tldextract
from presidio_analyzer import LocalRecognizer, RecognizerResult

from auditor.pii.context import SPELLED_AT, SPELLED_DOT, context_regex, has_context, spelled_out_email
from auditor.pii.recognizers.base import Rule, RuleRecognizer, result
from auditor.pii.recognizers.commerce import ORDER_CONTEXT, SHIPPING_CONTEXT
from auditor.pii.recognizers.phone_windows import find_numbers
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


_PART = r"[A-Za-z0-9][A-Za-z0-9_\-]*"
_SPELLED_EMAIL = (
    rf"(?i)(?<![\w@.]){_PART}(?:{SPELLED_DOT}{_PART}){{0,3}}{SPELLED_AT}{_PART}(?:{SPELLED_DOT}{_PART}){{1,3}}"
    rf"(?![\w@]|\.\w|{SPELLED_AT})"  # "write to him at john dot smith at ..." starts at john
)


def _spelled_email(text: str) -> Check:
    """Spelled out (a word, not the sign, for "." or "@"), with a real public suffix."""
    address = spelled_out_email(text)
    if address == text.casefold() or address.count("@") != 1:
        return Check.INVALID  # an ordinary address: the plain rule has it
    return _email_domain(address)


def email_recognizer() -> RuleRecognizer:
    """Email addresses whose domain has a known public suffix, written or spelled out."""
    return RuleRecognizer(
        "EmailRecognizer",
        [
            Rule("email", EMAIL_ADDRESS, _EMAIL, 0.85, validator=_email_domain),
            Rule("email_spelled", EMAIL_ADDRESS, _SPELLED_EMAIL, 0.8, validator=_spelled_email),
        ],
    )


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

# Numbers of a purchase, parcel or case: digits after these words are a reference shaped
# like a phone ("AWB 020 4567 8912", "Başvuru no: 0212 555 0147"), unless a phone word is
# nearer. Each language's ordinary words for them.
REFERENCE_CONTEXT = (
    *ORDER_CONTEXT, *SHIPPING_CONTEXT, "reference", "ref", "ref.", "application", "application number",
    "case", "case number", "ticket", "invoice", "claim", "return number", "rma",
    "referenz", "aktenzeichen", "rechnungsnummer", "vorgangsnummer", "auftragsnummer", "antrag",
    "referencia", "solicitud", "factura", "expediente", "número de pedido",
    "référence", "dossier", "facture", "demande", "numéro de commande",
    "riferimento", "pratica", "fattura", "richiesta", "numero d'ordine",
    "referência", "protocolo", "fatura", "solicitação", "bestelling", "bestelnummer", "referentie",
    "zending", "factuur", "aanvraag", "zamówienie", "numer zamówienia", "przesyłka", "faktura", "wniosek",
    "sipariş", "sipariş numarası", "takip", "kargo", "başvuru", "referans",
    "申請番号", "受付番号", "問い合わせ番号", "申请号", "参考号", "주문번호", "송장번호", "운송장",
    "신청번호", "접수번호", "주문",
)  # fmt: skip
REFERENCE_WINDOW = 32

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
        self._reference = context_regex(REFERENCE_CONTEXT)
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
            for match in find_numbers(text, region):
                if self._is_reference(text, match.start):
                    continue
                context = has_context(self._context, text, match.start)
                score = 0.95 if context else (0.75 if match.raw_string.startswith("+") else 0.6)
                key = (match.start, match.end)
                spans[key] = max(score, spans.get(key, 0.0))
        out = [result(PHONE_NUMBER, s, e, sc, "PhoneRecognizer:libphonenumber", Check.STRUCTURE)
               for (s, e), sc in spans.items()]  # fmt: skip
        for match in self._loose.finditer(text):
            digit_count = sum(c.isdigit() for c in match.group())
            labelled = _PHONE_LABEL_AFTER.match(text, match.end()) is not None
            if self._is_reference(text, match.start()):
                continue
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

    def _is_reference(self, text: str, start: int) -> bool:
        """An order, parcel or case word just before the digits, and no phone word."""
        return has_context(self._reference, text, start, REFERENCE_WINDOW) and not has_context(
            self._context, text, start, REFERENCE_WINDOW
        )
