"""Checksum and structure validators: real values pass, near misses fail."""

from __future__ import annotations

import pytest

from auditor.pii import validators as v
from auditor.pii.validators import Check

CASES = [
    # validator, valid value, expected strength, near misses (bad check digit, wrong length, bad part)
    (v.payment_card, "4111 1111 1111 1111", Check.CHECKSUM, ["4111 1111 1111 1112", "4111 1111 111"]),
    (v.payment_card, "3782-822463-10005", Check.CHECKSUM, ["3782-822463-10006", "0000 0000 0000 0000"]),
    (
        v.iban_code,
        "DE89 3704 0044 0532 0130 00",
        Check.CHECKSUM,
        ["DE89 3704 0044 0532 0130 01", "DE89370400440532013"],
    ),
    (v.iban_code, "gb82west12345698765432", Check.CHECKSUM, ["GB82WEST1234569876543X"]),
    (v.us_ssn, "512-38-4907", Check.STRUCTURE, ["666-38-4907", "900-38-4907", "512-00-4907", "512-38-0000"]),
    (
        v.uk_nino,
        "AB 12 34 56 C",
        Check.STRUCTURE,
        ["AB 12 34 56 E", "QQ 12 34 56 C", "GB 12 34 56 A", "AB 12 34 5 C"],
    ),
    (v.in_pan, "ABCPR4821K", Check.STRUCTURE, ["ABCPR0000K", "ABCXR4821K", "ABCPR4821"]),
    (v.in_aadhaar, "2341 2341 2346", Check.CHECKSUM, ["2341 2341 2347", "1341 2341 2346", "2341 2341 234"]),
    (v.cn_ric, "11010519491231002X", Check.CHECKSUM, ["110105194912310021", "11010519491331002X"]),
    (v.br_cpf, "390.533.447-05", Check.CHECKSUM, ["231.002.999-00", "390.533.447-0"]),
    (v.br_cnpj, "16.727.230/0001-97", Check.CHECKSUM, ["16.727.230/0001-98", "16.727.230/0001-9"]),
    (v.mx_rfc, "GODE561231GR8", Check.CHECKSUM, ["GODE561331GR8", "GODE5612"]),
    (v.mx_rfc, "VACE460910SX6", Check.STRUCTURE, []),  # issued with a wrong check digit (stdnum)
    (v.mx_curp, "BOXW310820HNERXN09", Check.CHECKSUM, ["BOXW310820HNERXN08", "BOXW310820HNERXN0"]),
    (v.jp_my_number, "6214 9832 0257", Check.CHECKSUM, ["6214 9832 0258", "6214 9832 025"]),
    (v.eu_vat, "DE136695976", Check.CHECKSUM, ["DE136695977", "DE13669597"]),
    (v.eu_vat, "FR40303265045", Check.CHECKSUM, ["FR41303265045"]),
    (v.ups_tracking, "1Z999AA10123456784", Check.CHECKSUM, ["1Z999AA10123456785", "1Z999AA1012345678"]),
    (v.upu_s10, "RR123456785DE", Check.CHECKSUM, ["RR123456786DE", "RR12345678DE"]),
]


@pytest.mark.parametrize(("validator", "valid", "strength", "near_misses"), CASES)
def test_valid_values_pass_and_near_misses_fail(validator, valid, strength, near_misses):
    assert validator(valid) is strength
    for miss in near_misses:
        assert validator(miss) is Check.INVALID, miss


def test_check_strengths_are_ordered():
    assert Check.CHECKSUM > Check.STRUCTURE > Check.INVALID
