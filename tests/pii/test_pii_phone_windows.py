"""Phone numbers found in a text's digit windows are exactly libphonenumber's on the whole text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _parser as sre_parse  # type: ignore[attr-defined]  # the parser `re` compiles with
from typing import Any

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import phonenumbermatcher, phonenumberutil

from auditor.pii.recognizers import phone_windows
from auditor.pii.recognizers.contact import PHONE_REGIONS
from auditor.pii.recognizers.phone_windows import EXTENSION_CLASS, NUMBER_CLASS, find_numbers, min_digits

FLAGS = phonenumberutil._REGEX_FLAGS


def whole_text(text: str, region: str) -> list[tuple[int, int, str]]:
    found = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    return [(m.start, m.end, m.raw_string) for m in found]


def windowed(text: str, region: str) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.raw_string) for m in find_numbers(text, region)]


def _items(tree: Any) -> Iterator[tuple[Any, Any]]:
    """Every (opcode, argument) of a parsed pattern, sub-patterns included."""
    for op, arg in tree:
        yield op, arg
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            yield from _items(arg[2])
        elif name == "SUBPATTERN":
            yield from _items(arg[3])
        elif name == "BRANCH":
            for branch in arg[1]:
                yield from _items(branch)
        elif name == "IN":
            yield from arg


def _pattern_chars(pattern: str) -> tuple[set[str], bool]:
    """The characters a pattern's literals, sets and ranges name; whether it uses \\d."""
    chars: set[str] = set()
    digits = False
    for op, arg in _items(sre_parse.parse(pattern, FLAGS)):
        name = str(op)
        assert name not in ("ASSERT", "ASSERT_NOT", "AT", "ANY", "NEGATE", "NOT_LITERAL", "GROUPREF"), (
            f"libphonenumber's pattern now uses {name}: the windows' proof assumes it does not"
        )
        if name == "LITERAL":
            chars.add(chr(arg))
        elif name == "RANGE":
            chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY":
            assert str(arg) == "CATEGORY_UNI_DIGIT" or str(arg) == "CATEGORY_DIGIT", arg
            digits = True
    return chars, digits


def _case_variants(char: str) -> set[str]:
    return {char, char.upper(), char.lower(), char.casefold(), char.swapcase(), "ı", "İ", "ſ", "K"}


def _assert_covers(char_class: str, pattern: str) -> None:
    covering = re.compile(f"[{char_class}]", FLAGS)
    chars, digits = _pattern_chars(pattern)
    for char in chars:
        for variant in _case_variants(char):
            if re.fullmatch(re.escape(char), variant, FLAGS):
                assert covering.fullmatch(variant), f"{variant!r} (from {char!r}) is not in the run class"
    if digits:
        assert all(covering.fullmatch(d) for d in "09٣９०")


def test_the_run_classes_hold_every_character_of_the_matchers_pattern() -> None:
    # A candidate is the number part, then perhaps an extension: the number part's
    # characters are in NUMBER_CLASS, the extension's in it or EXTENSION_CLASS.
    whole = phonenumbermatcher._PATTERN.pattern
    extension = phonenumberutil._EXTN_PATTERNS_FOR_MATCHING
    suffix = f"(?:{extension})?"
    assert whole.endswith(suffix)
    _assert_covers(NUMBER_CLASS, whole[: -len(suffix)])
    _assert_covers(NUMBER_CLASS + EXTENSION_CLASS, extension)


def test_fewest_digits_per_region_come_from_the_metadata() -> None:
    # Germany has four-digit numbers; written internationally the shortest is six
    # digits ("+49" and four); Australia and the Netherlands have five-digit numbers.
    assert {r: min_digits(r) for r in ("DE", "US", "GB", "AU", "NL", "FR")} == {
        "DE": 4, "US": 6, "GB": 6, "AU": 5, "NL": 5, "FR": 6,
    }  # fmt: skip


class CountingMatcher:
    """Wraps libphonenumber's matcher, counting how often it runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = phonenumbers.PhoneNumberMatcher

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(phonenumbers, "PhoneNumberMatcher", counted)


@pytest.mark.parametrize(
    ("region", "at_threshold", "under_it"),
    [
        ("DE", "Ruf 1640 an", "Ruf 164 an"),  # a four-digit German number, nationally
        ("US", "call +49 1640 now", "call +49 164 now"),  # the shortest international one
    ],
)
def test_a_number_at_the_digit_threshold_is_found_and_one_under_it_is_not_searched(
    region: str, at_threshold: str, under_it: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sum(c.isdigit() for c in at_threshold) == min_digits(region)
    expected = whole_text(at_threshold, region)
    assert expected, "the threshold example must be a valid number"
    matcher = CountingMatcher(monkeypatch)
    assert windowed(at_threshold, region) == expected
    assert matcher.calls == 1
    assert windowed(under_it, region) == [] == whole_text(under_it, region)
    assert matcher.calls == 1 + 1  # the whole-text check above; the windows ran none


EDGE_CASES = [
    "",
    "+1 650-253-0000",  # the whole text
    "Call +44 20 7946 0958 or 030 1234 5678 (office).",
    "555-1234 ext. 12 and (650) 253-0000 x 123, 650 253 0000 #45",
    "tel:+1-650-253-0000;ext=123 and +1 650 253 0000 extensión 7, anexo 3",
    "Teléfono: +34 612 34 56 78; móvil 612345678.",
    "on 2012-01-02 08:00:30 we called 030 1234567",  # a time stamp, then a number
    "abc8005001234 8005001234def $6502530000 6502530000% x6502530000",  # letters and signs around
    "1-800-FLOWERS and 1 800 356 9377",  # a vanity number
    "numbers 6502530000,6502530001 6502530002:6502530003",  # runs two or three apart
    "+４９ ３０ １２３４５６７８ and ٠٣٠١٢٣٤٥٦٧٨",  # full-width and Arabic-Indic digits
    "お問い合わせは03-1234-5678まで、携帯は090-1234-5678です。",
    "电话：010-12345678，手机：13812345678",
    "fax 0049 30 12345678 (Berlin), ring 0033 1 42 68 53 00",
    "x" + " 6502530000" * 3 + " int 12 doб 4 ｅｘｔ５",
    "Order 114-3941689-8772232 shipped; card 4111 1111 1111 1111; 2024-05-14.",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_windows_find_what_the_whole_text_does(text: str) -> None:
    for region in PHONE_REGIONS:
        assert windowed(text, region) == whole_text(text, region), region


def test_a_text_too_long_for_the_proof_is_searched_whole() -> None:
    text = "call 030 1234 5678 " * (phone_windows._MAX_EXACT_CHARS // 19 + 1)
    assert len(text) > phone_windows._MAX_EXACT_CHARS
    assert windowed(text, "DE") == whole_text(text, "DE")


NUMBERS = ["+1 650-253-0000", "030 1234 5678", "(650) 253-0000", "07946 095 812", "1640", "+49 1640"]
ALPHABET = "0123456789٣９ +-().,/:;#~xXextnoaé$%\u00a0ー　a\n"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(NUMBERS), st.text(ALPHABET, max_size=8)), max_size=8).map("".join))
def test_windows_agree_with_the_whole_text_on_fuzzed_texts(text: str) -> None:
    for region in ("US", "DE", "GB", "JP"):
        assert windowed(text, region) == whole_text(text, region), region
