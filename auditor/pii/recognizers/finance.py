"""Payment cards and bank accounts: every match must pass its check digits."""

from __future__ import annotations

import regex  # type: ignore[import-untyped]  # no stubs; see docs/pii.md

from auditor.pii.recognizers.base import END, END_NUM, START, Rule, RuleRecognizer
from auditor.pii.recognizers.commerce import SHIPPING_CONTEXT
from auditor.pii.validators import iban_code, payment_card

CREDIT_CARD = "CREDIT_CARD"
IBAN_CODE = "IBAN_CODE"

CARD_CONTEXT = (
    "card", "credit", "debit", "visa", "mastercard", "amex", "american express", "discover", "cc",
    "maestro", "jcb", "unionpay", "rupay", "karte", "kreditkarte", "tarjeta", "cartão", "cartao",
    "carte", "carta", "カード", "クレジット", "卡号", "信用卡", "银行卡",
)  # fmt: skip

IBAN_CONTEXT = ("iban", "bank", "account", "konto", "cuenta", "conta", "compte", "conto", "口座", "账户")

# 4-4-4-4(-3), Amex 4-6-5, or 12-19 digits in one block; not right after a "+" (a phone).
_CARD = (
    r"(?<![0-9A-Za-z_+.-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{4}([ -]?)\d{6}\2\d{4,5}"
    rf"|\d{{12,19}}){END_NUM}"
)
_IBAN = rf"{START}[A-Z]{{2}}\d{{2}}(?: ?[A-Z0-9]){{10,30}}{END}"


def finance_recognizer() -> RuleRecognizer:
    """Payment cards (Luhn, issuer prefix) and IBANs (mod 97, country layout)."""
    return RuleRecognizer(
        "FinanceRecognizer",
        [
            # Luhn passes one random number in ten: a card context word lifts the score, and a
            # shipping word with no card word leaves the digits to the tracking recognizer.
            Rule("card", CREDIT_CARD, _CARD, 0.8, payment_card, CARD_CONTEXT, 1.0,
                 anti_context=SHIPPING_CONTEXT),
            Rule("iban", IBAN_CODE, _IBAN, 0.95, iban_code, IBAN_CONTEXT, 1.0, shrink=True,
                 flags=regex.IGNORECASE),
        ],
    )  # fmt: skip
