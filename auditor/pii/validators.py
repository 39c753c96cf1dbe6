"""Validators for structured identifiers: is this match really a card, an IBAN, a CPF?

Each validator takes the matched text and returns a `Check`: `CHECKSUM` when a check
digit was verified (a random string passes with probability 1/10 to 1/97, so a match is
near-certain), `STRUCTURE` when only format rules hold (SSN area ranges, a birth date
inside an RFC, NINO prefixes: there is no check digit to verify), `INVALID` otherwise.
Checksums come from python-stdnum, never from hand-written copies; the two carrier
formats stdnum does not cover (UPS 1Z, UPU S10) are implemented here from their specs.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable

from stdnum import iban, luhn
from stdnum.br import cnpj, cpf
from stdnum.cn import ric
from stdnum.eu import vat
from stdnum.in_ import aadhaar, pan
from stdnum.jp import in_ as my_number
from stdnum.kr import rrn
from stdnum.mx import curp, rfc
from stdnum.tr import tckimlik
from stdnum.us import ssn


class Check(enum.IntEnum):
    """How strongly a validator confirmed a match; ordered, so `>=` compares strength."""

    INVALID = 0
    STRUCTURE = 1
    CHECKSUM = 2


Validator = Callable[[str], Check]

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


def digits(text: str) -> str:
    """Only the ASCII digits of `text`."""
    return "".join(c for c in text if "0" <= c <= "9")


def alnum_upper(text: str) -> str:
    """`text` without separators, upper-cased."""
    return _NON_ALNUM.sub("", text).upper()


def _checksum(ok: bool) -> Check:
    return Check.CHECKSUM if ok else Check.INVALID


def payment_card(text: str) -> Check:
    """Luhn over 12-19 digits, with an issuer prefix that card networks use (1-6, 8)."""
    number = digits(text)
    if not 12 <= len(number) <= 19 or number[0] in "079":
        return Check.INVALID
    return _checksum(luhn.is_valid(number))


def iban_code(text: str) -> Check:
    """ISO 13616: mod-97 check digits and the country's BBAN layout."""
    return _checksum(iban.is_valid(alnum_upper(text)))


def us_ssn(text: str) -> Check:
    """SSA rules: no area 000/666/9xx, no group 00, no serial 0000 (SSNs have no check digit)."""
    return Check.STRUCTURE if ssn.is_valid(digits(text)) else Check.INVALID


# HMRC: the first letter is never D, F, I, Q, U or V; the second never D, F, I, O, Q, U or V;
# some prefixes are never issued; the suffix is A-D. A NINO has no check digit.
_NINO = re.compile(r"^(?![DFIQUV])[A-Z](?![DFIOQUV])[A-Z]\d{6}[A-D]$")
_NINO_UNUSED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def uk_nino(text: str) -> Check:
    """UK National Insurance number: HMRC's prefix and suffix rules."""
    value = alnum_upper(text)
    if _NINO.match(value) and value[:2] not in _NINO_UNUSED_PREFIXES:
        return Check.STRUCTURE
    return Check.INVALID


def in_pan(text: str) -> Check:
    """India PAN: five letters (the fourth names the holder type), four digits, a letter."""
    return Check.STRUCTURE if pan.is_valid(alnum_upper(text)) else Check.INVALID


def in_aadhaar(text: str) -> Check:
    """India Aadhaar: 12 digits, Verhoeff check digit."""
    return _checksum(aadhaar.is_valid(digits(text)))


def cn_ric(text: str) -> Check:
    """China resident identity number: region code, birth date, ISO 7064 mod 11-2."""
    return _checksum(ric.is_valid(alnum_upper(text)))


def br_cpf(text: str) -> Check:
    """Brazil CPF: 11 digits, two mod-11 check digits."""
    return _checksum(cpf.is_valid(digits(text)))


def br_cnpj(text: str) -> Check:
    """Brazil CNPJ: 14 characters, two mod-11 check digits."""
    return _checksum(cnpj.is_valid(alnum_upper(text)))


def mx_rfc(text: str) -> Check:
    """Mexico RFC: name letters, a real date, a homoclave; the check digit when it holds.

    About 1.5% of issued RFCs carry a wrong check digit (stdnum's note), so a failed
    check digit lowers the match to a structural one rather than rejecting it.
    """
    value = alnum_upper(text)
    if rfc.is_valid(value, validate_check_digits=True):
        return Check.CHECKSUM
    # 10-character RFCs (no homoclave) are too easily confused with other codes.
    return Check.STRUCTURE if len(value) >= 12 and rfc.is_valid(value) else Check.INVALID


def mx_curp(text: str) -> Check:
    """Mexico CURP: name letters, birth date, sex, state, check digit."""
    return _checksum(curp.is_valid(alnum_upper(text)))


def jp_my_number(text: str) -> Check:
    """Japan My Number (individual number): 12 digits, mod-11 check digit."""
    return _checksum(my_number.is_valid(digits(text)))


def tr_tckimlik(text: str) -> Check:
    """Turkey T.C. Kimlik No.: 11 digits, not starting with 0, two check digits."""
    return _checksum(tckimlik.is_valid(digits(text)))


def kr_rrn(text: str) -> Check:
    """South Korea resident registration number: birth date, sex/century digit, check digit."""
    return _checksum(rrn.is_valid(digits(text)))


def eu_vat(text: str) -> Check:
    """EU VAT number: the member state's own format and check digits."""
    return _checksum(vat.is_valid(alnum_upper(text)))


_UPS = re.compile(r"^1Z[0-9A-Z]{16}$")


def ups_tracking(text: str) -> Check:
    """UPS 1Z number: mod-10 check over the 15 characters after '1Z' (letters map to digits)."""
    value = alnum_upper(text)
    if not _UPS.match(value):
        return Check.INVALID
    body, check = value[2:-1], value[-1]
    total = 0
    for position, char in enumerate(body):
        # UPS maps letters to (ord - 63) % 10 and weights every second position by 2.
        number = int(char) if char.isdigit() else (ord(char) - 63) % 10
        total += number * 2 if position % 2 else number
    return _checksum(str((10 - total % 10) % 10) == check)


_S10 = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def upu_s10(text: str) -> Check:
    """UPU S10 postal item id (e.g. RR123456785DE): mod-11 check digit on the serial."""
    value = alnum_upper(text)
    if not _S10.match(value):
        return Check.INVALID
    serial, check = value[2:10], int(value[10])
    remainder = 11 - sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    expected = {10: 0, 11: 5}.get(remainder, remainder)
    return _checksum(expected == check)
