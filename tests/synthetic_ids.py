"""National ids made up for tests: valid check digits computed here, never taken from a dataset."""

from __future__ import annotations

from stdnum.br import cpf
from stdnum.cn import ric


def cn_resident_id(region: str = "310104", birth: str = "19880315", sequence: str = "123") -> str:
    """A Chinese resident id with a valid ISO 7064 mod 11-2 check digit."""
    body = region + birth + sequence
    number = body + ric.calc_check_digit(body + "0")  # stdnum skips the last character
    assert ric.is_valid(number)
    return number


def br_cpf(base: str = "529982247") -> str:
    """A Brazilian CPF (###.###.###-##) with its two mod-11 check digits."""

    def check(digits: str) -> str:
        total = sum(int(d) * w for d, w in zip(digits, range(len(digits) + 1, 1, -1), strict=True)) % 11
        return "0" if total < 2 else str(11 - total)

    number = base + check(base)
    number += check(number)
    assert cpf.is_valid(number)
    return f"{number[:3]}.{number[3:6]}.{number[6:9]}-{number[9:]}"
