"""libphonenumber's matcher, run only on the parts of a text that can hold a valid number.

`PhoneNumberMatcher` scans the whole text for candidates (digits with phone punctuation)
and parses every one for its region: "$40.00", "2023" or "8%" is parsed 15 times for 15
regions, which made phone recognition a quarter of all PII detection. `find_numbers`
gives exactly the matcher's matches (same start, end and raw string) for less:

1. Every candidate the matcher considers is a run of the characters its pattern allows:
   digits, its punctuation, plus signs and brackets, and in a text with an extension
   ("ext. 12") the extension's characters (`tests/pii/test_pii_phone_windows.py` checks
   these classes against libphonenumber's own pattern). So the text is cut into runs.
2. A valid number has at least `min_digits(region)` digits (derived from libphonenumber's
   metadata below), and a match lies inside one run, so a run with fewer (`_digits`)
   cannot hold one: "$40.00" or "250,000" is skipped by every region, and the matcher
   never runs on a text without a run of four digits.
3. The matcher runs on each remaining run with the characters it looks at around a
   candidate: one before (a letter or currency sign there rejects it) and three after
   (":30" makes "2012-01-02 08" a time). Runs closer than that share one window, so a
   window never holds part of another run that could be valid.

The matcher stops after 65,535 failed candidates in a text; a text long enough that it
might reach that (`_MAX_EXACT_CHARS`) is searched whole, as before, so the limit bites
the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberMatch
from phonenumbers import phonenumbermatcher as matcher
from phonenumbers import phonenumberutil as util

# The characters of the matcher's candidate pattern (`phonenumbermatcher._PATTERN`). A
# candidate is a number (its punctuation, plus signs, brackets and digits) and perhaps an
# extension; a text where the extension pattern matches nowhere has none, and its runs
# can be cut at every other character. Otherwise the extension's characters join them
# (decided for each run of the wider class, where an extension would have to be):
# ";ext=", "ext", "extensión" in both Unicode forms, "ｅｘｔｎ", "доб", "anexo", "int",
# "ｉｎｔ", "x", "#", "~" and their separators. Compiled with the pattern's own flags
# (case-insensitive), so "EXT" and "Ｘ" are in them as they are in the pattern.
NUMBER_CLASS = util._VALID_PUNCTUATION + util._PLUS_CHARS + matcher._OPENING_PARENS + r"\d"
EXTENSION_CLASS = re.escape(";=:.．,\t \u00a0-#＃~～extnsioó\u0301ｅｘｔｎｉдобa")
_EXTENSION = re.compile(util._EXTN_PATTERNS_FOR_MATCHING, util._REGEX_FLAGS)


def _digit_runs(chars: str) -> re.Pattern[str]:
    # Maximal runs with a digit; the look-behind makes a run without one cost one pass.
    return re.compile(f"(?<![{chars}])[{chars}]*\\d[{chars}]*", util._REGEX_FLAGS)


_NUMBER_RUN = _digit_runs(NUMBER_CLASS)
_EXTENDED_RUN = _digit_runs(NUMBER_CLASS + EXTENSION_CLASS)
_BEFORE = 1  # the matcher checks the character before a candidate
_AFTER = 3  # ... the one after it, and whether ":ss" follows (a time, not a number)
# Failed tries in a text are at most (1 + 2 x inner patterns) per character (each
# candidate: one try, then for each inner pattern one per group found in it).
_MAX_EXACT_CHARS = 65535 // (1 + 2 * len(matcher._INNER_MATCHES))
_TRANSFORM_GROUP = re.compile(r"[\\$]\d")


@dataclass(frozen=True)
class _Run:
    start: int
    end: int
    digits: int  # the most digits a number parsed from it can have (`_digits`)


def find_numbers(text: str, region: str) -> Iterator[PhoneNumberMatch]:
    """The matches of `PhoneNumberMatcher(text, region, leniency=VALID)`, in order."""
    if len(text) > _MAX_EXACT_CHARS or min_digits(region) < _AFTER:
        # Too long to be sure of the tries limit, or so few digits that part of a run in
        # a window's surroundings could be a number: the matcher on the whole text.
        yield from phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
        return
    yield from _in_windows(text, _runs(text), region)


@functools.lru_cache(maxsize=8)
def _runs(text: str) -> tuple[_Run, ...]:
    # Cached: the recognizer asks once per region, for the same text.
    runs: list[_Run] = []
    for wide in _EXTENDED_RUN.finditer(text):
        if _EXTENSION.search(wide.group()):
            runs.append(_Run(wide.start(), wide.end(), _digits(wide.group(), extended=True)))
        else:  # no candidate here has an extension: its number characters alone
            numbers = _NUMBER_RUN.finditer(text, wide.start(), wide.end())
            runs.extend(_Run(m.start(), m.end(), _digits(m.group(), extended=False)) for m in numbers)
    return tuple(runs)


def _digits(run: str, extended: bool) -> int:
    """The most digits a number parsed from part of this run can have.

    Its digits, and its letters: `parse` reads a number with three or more Latin
    letters as a vanity number ("1-800-FLOWERS") and turns them into digits. The only
    letters the matcher's pattern takes are "x" (punctuation) and those of an extension
    ("ext. 12", "anexo 3"), so a run without an extension counts its "x"s only.
    """
    letters = sum(c.isalpha() for c in run) if extended else run.count("x") + run.count("X")
    return sum(map(str.isdecimal, run)) + letters


def _in_windows(text: str, runs: tuple[_Run, ...], region: str) -> Iterator[PhoneNumberMatch]:
    fewest = min_digits(region)
    for start, end in _windows([r for r in runs if r.digits >= fewest], len(text)):
        found = phonenumbers.PhoneNumberMatcher(text[start:end], region, leniency=phonenumbers.Leniency.VALID)
        for match in found:
            yield PhoneNumberMatch(start + match.start, match.raw_string, match.number)


def _windows(runs: list[_Run], length: int) -> Iterator[tuple[int, int]]:
    """Each run with its surroundings; runs nearer than those surroundings go together."""
    i = 0
    while i < len(runs):
        start, end = runs[i].start, runs[i].end
        i += 1
        while i < len(runs) and runs[i].start < end + _AFTER:
            end = runs[i].end
            i += 1
        yield max(0, start - _BEFORE), min(length, end + _AFTER)


@functools.cache
def min_digits(region: str) -> int:
    """Fewest digits a number valid for the matcher of `region` can be written with.

    A valid number's national significant number has one of its region's possible
    lengths (`is_valid_number` checks them first), and its digits come from the
    written ones, except that a national-prefix transform rule can add some while
    parsing (Guernsey's "1481\\1" turns six written digits into ten). `parse` applies
    the rule of the matcher's region or of the main region of the number's country
    code, nothing else. So: written nationally, at least the shortest length among
    the regions sharing the country code, less what those two rules add (both, when
    the region's own code is written without a plus and its rule strips it); written
    internationally, at least some country code's digits plus its shortest length,
    less what its main region's rule adds.
    """
    code = phonenumbers.country_code_for_region(region)
    own = PhoneMetadata.metadata_for_region(region)
    national = _shortest(code) - _added(own) - _added(_main(code))
    codes = util.COUNTRY_CODE_TO_REGION_CODE
    international = min(len(str(c)) + _shortest(c) - _added(_main(c)) for c in codes)
    return max(1, min(national, international))


def _main(code: int) -> PhoneMetadata | None:
    # The metadata `parse` takes for a country code (`region_code_for_country_code`).
    return PhoneMetadata.metadata_for_region_or_calling_code(code, util.region_code_for_country_code(code))


def _shortest(code: int) -> int:
    # A description without lengths takes any length its pattern allows: assume the
    # shortest national number libphonenumber parses at all.
    regions = util.COUNTRY_CODE_TO_REGION_CODE[code]
    found = (PhoneMetadata.metadata_for_region_or_calling_code(code, r) for r in regions)
    descriptions = (m.general_desc for m in found if m is not None)
    return min(min(d.possible_length or (util._MIN_LENGTH_FOR_NSN,)) if d else util._MIN_LENGTH_FOR_NSN
               for d in descriptions)  # fmt: skip


def _added(metadata: PhoneMetadata | None) -> int:
    rule = (metadata.national_prefix_transform_rule if metadata else None) or ""
    return sum(c.isdigit() for c in _TRANSFORM_GROUP.sub("", rule))
