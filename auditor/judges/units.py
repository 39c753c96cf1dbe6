"""Vocabulary of facts in six languages: units of time, currencies, percent signs, dates.

All patterns run on normalised text (lower case, full-width folded). Durations map to a
canonical unit (minute, hour, day, business_day, week, month, year); currencies map to the
ISO codes they may stand for ("$" is ambiguous between dollars and pesos, "¥" between yen
and yuan, so those map to several).
"""

from __future__ import annotations

import re

_L = r"(?![a-zà-ÿ])"  # end of a Latin word

# --- numbers written as words (only ever read before a unit) ----------------------------

NUMBER_WORDS: dict[str, float] = {
    # en
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "sixty": 60, "ninety": 90,
    # es
    "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "doce": 12, "catorce": 14, "quince": 15,
    "veinte": 20, "treinta": 30, "cuarenta": 40, "sesenta": 60, "noventa": 90,
    # pt
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4, "sete": 7,
    "oito": 8, "nove": 9, "dez": 10, "doze": 12, "catorze": 14, "quinze": 15, "vinte": 20,
    "trinta": 30, "quarenta": 40, "sessenta": 60,
    # de
    "ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4,
    "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "zwölf": 12,
    "vierzehn": 14, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30, "vierzig": 40,
    "sechzig": 60, "neunzig": 90,
    # fr
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "vingt": 20, "trente": 30, "soixante": 60, "quatre-vingt-dix": 90,
    # it
    "due": 2, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "dieci": 10,
    "dodici": 12, "quattordici": 14, "quindici": 15, "venti": 20, "trenta": 30, "sessanta": 60,
    "novanta": 90,
    # nl
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vijf": 5, "zes": 6, "zeven": 7, "negen": 9,
    "tien": 10, "twaalf": 12, "veertien": 14, "vijftien": 15, "twintig": 20, "dertig": 30,
    "zestig": 60, "negentig": 90,
}  # fmt: skip
# English articles count one of a unit of time ("a week", "an hour"), and only that: in the
# other languages "a" is a preposition.
ARTICLE_BEFORE_UNIT_RE = re.compile(r"\b(?:a|an)(?= (?:fortnight|day|week|month|year|hour|minute)\b)")

_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CJK_DIGITS.update({"七": 7, "八": 8, "九": 9})
_CJK_POWERS = {"十": 10, "百": 100, "千": 1000}


def parse_cjk_numeral(raw: str) -> float:
    """Value of a Chinese/Japanese numeral below ten thousand ("三十" -> 30, "十五" -> 15)."""
    total, digit = 0, 0
    for ch in raw:
        if ch in _CJK_DIGITS:
            digit = _CJK_DIGITS[ch]
        else:
            total += (digit or 1) * _CJK_POWERS[ch]
            digit = 0
    return float(total + digit)


# --- durations ------------------------------------------------------------------------------

_DURATION_UNITS: dict[str, str] = {
    "business_day": (
        r"business[ -]days?|working[ -]days?|d[ií]as? h[aá]biles|d[ií]as? [uú]te(?:is|l)"
        r"|d[ií]as? laborables|werktag(?:e|en)?|arbeitstag(?:e|en)?|werktägig\w*"
        r"|jours? ouvr[ée]s|jours? ouvrables"
        r"|个?工作日|営業日"
    ),
    "minute": r"minutes?|mins?|minutos?|minuten?|minuti|minuto|分钟|分間|분",
    "hour": r"hours?|hrs?|h|horas?|stunden?|std|heures?|ore|ora|uur|个?小时|時間|시간",
    "day": (
        r"days?|d[ií]as?|tagen?|tage|tag|tägig\w*|jours?|d|giorni|giorno|dagen|dag"
        r"|天|日間|日(?![元本])|일"
    ),
    "fortnight": r"fortnights?|quincenas?|quinzenas?|quinzaines?",
    "week": r"weeks?|semanas?|wochen?|woche|semaines?|settimane|settimana|weken|个?星期|周|週間|週|주일?",
    "month": (
        r"months?|mes(?:es)?|mês|monate?n?|monat|mois|mesi|mese|maanden|maand"
        r"|个月|[ヶかカヵケ]月間?|개월"
    ),
    "year": r"years?|años?|anos?|jahren?|jahre|jahr|ans?|années?|anni|anno|jaren|jaar|年間|年(?!\d)|년",
}
DURATION_AFTER_RE = re.compile(
    r"[ -]?(?:" + "|".join(f"(?P<{unit}>(?:{alts}){_L})" for unit, alts in _DURATION_UNITS.items()) + ")"
)
UNIT_IN_DAYS = {
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1,
    "business_day": 1,
    "week": 7,
    "fortnight": 14,
    "month": 30,
    "year": 365,
}

CJK_NUMERAL_FOLLOW_RE = r"天|日|小时|時間|周|週|星期|月|ヶ月|か月|カ月|年|工作日|営業日|元|块|円"


# Units whose length in days varies: a month is 28 to 31 days, a year 365 or 366, so a
# duration in one of them equals one in another unit only approximately.
UNIT_DAYS_RANGE = {"month": (28.0, 31.0), "year": (365.0, 366.0)}


def duration_unit(match: re.Match[str]) -> str:
    """The canonical unit a `DURATION_AFTER_RE` match names."""
    return next(unit for unit, text in match.groupdict().items() if text)


# --- percentages and currencies --------------------------------------------------------------

PERCENT_AFTER_RE = re.compile(
    r" ?(?:%|percent" + _L + r"|per cent" + _L + r"|por ?ciento" + _L + r"|por ?cento" + _L
    + r"|prozent" + _L + r"|pour ?cent" + _L + r"|パーセント)"
)  # fmt: skip

_CURRENCIES: dict[str, frozenset[str]] = {}
for _codes, _names in (
    ("USD", "us$ usd dollar dollars dólar dólares dolar dolares 美元 美金 ドル"),
    ("USD MXN", "$"),
    ("MXN", "mx$ mxn peso pesos"),
    ("EUR", "€ eur euro euros 欧元 ユーロ"),
    ("GBP", "£ gbp pound pounds 英镑 ポンド"),
    ("JPY CNY", "¥"),
    ("JPY", "jpy yen 円 日元"),
    ("CNY", "cny rmb yuan 元 块 人民币"),
    ("BRL", "r$ brl real reais レアル"),
    ("INR", "₹ inr rs. rupees 卢比 ルピー"),
    ("AED", "aed dirham dirhams 迪拉姆"),
    ("SAR", "sar riyal riyals"),
    ("CAD", "c$ ca$ cad"),
    ("AUD", "a$ au$ aud"),
    ("SGD", "s$ sgd"),
    ("CHF", "chf"),
    ("PLN", "pln zł złoty"),
    ("SEK", "sek"),
    ("KRW", "₩ krw"),
):
    for _name in _names.split():
        _CURRENCIES[_name] = frozenset(_codes.split())

_SYMBOLS = ("us$", "r$", "mx$", "c$", "ca$", "a$", "au$", "s$", "$", "€", "£", "¥", "₹", "₩", "zł", "rs.")
_SYMBOL_RE = "|".join(re.escape(s) for s in _SYMBOLS)
_WORD_NAMES = sorted((n for n in _CURRENCIES if n not in _SYMBOLS), key=len, reverse=True)
_LATIN_NAMES = "|".join(re.escape(n) for n in _WORD_NAMES if re.fullmatch("[a-zà-ÿ]+", n))
_CJK_NAMES = "|".join(re.escape(n) for n in _WORD_NAMES if not re.fullmatch("[a-zà-ÿ]+", n))

_CODES = "usd|eur|gbp|jpy|cny|rmb|brl|mxn|inr|aed|sar|cad|aud|sgd|chf|pln|sek|krw"
CURRENCY_BEFORE_RE = re.compile(r"(?:" + _SYMBOL_RE + r"|\b(?:" + _CODES + r"))\s?$")
CURRENCY_AFTER_RE = re.compile(
    r" ?(?:" + _SYMBOL_RE + r"|(?:" + _LATIN_NAMES + r")" + _L + r"|" + _CJK_NAMES + r")"
)


def currency_codes(marker: str) -> frozenset[str]:
    """The ISO codes a currency symbol or name may stand for."""
    return _CURRENCIES.get(marker, frozenset())


# --- dates ----------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan enero janeiro januar jänner janvier",
        "february feb febrero fevereiro februar février",
        "march mar marzo março märz mars",
        "april apr abril avril",
        "may mayo maio mai",
        "june jun junio junho juni juin",
        "july jul julio julho juli juillet",
        "august aug agosto août",
        "september sep sept septiembre setiembre setembro septembre",
        "october oct octubre outubro oktober octobre",
        "november nov noviembre novembro novembre",
        "december dec diciembre dezembro dezember décembre",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

# Each pattern is tried only where a run of digits starts, so a text is not scanned five times.
_DATE_AT_DIGITS = (
    # 2024-03-15, 2024/3/15
    ("ymd", re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")),
    # 15/03/2024, 03/15/2024, 15.03.2024
    ("dmy?", re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")),
    # 2024年3月15日, 3月15日, 3月15号
    ("cjk", re.compile(r"(?:(\d{4}) ?年 ?)?(\d{1,2}) ?月 ?(\d{1,2}) ?[日号]")),
    # 15 March 2024, 15 de marzo de 2024, 15. März
    (
        "d_month",
        re.compile(
            r"(\d{1,2})(?:st|nd|rd|th|\.)? (?:de )?(" + _MONTH_RE + r")\.?" + _L
            + r"(?:,? (?:de )?(\d{4}))?"
        ),
    ),
)  # fmt: skip
# March 15, 2024: the month stands before the digits.
_MONTH_BEFORE_RE = re.compile(r"\b(" + _MONTH_RE + r")\.? $")
_DAY_YEAR_RE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?(?!\d)(?:,? (\d{4}))?")
_DIGIT_RUN_RE = re.compile(r"(?<!\d)\d")


def _key(year: int, month: int, day: int) -> float | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if 0 < year < 100:
        year += 2000
    return float(year * 10000 + month * 100 + day)


def _date_keys(form: str, groups: tuple[str | None, ...]) -> tuple[float, ...]:
    a, b, c = groups
    if form == "ymd":
        keys = [_key(int(a or 0), int(b or 0), int(c or 0))]
    elif form == "dmy?":
        year = int(c or 0)
        keys = [_key(year, int(b or 0), int(a or 0)), _key(year, int(a or 0), int(b or 0))]
    elif form == "cjk":
        keys = [_key(int(a or 0), int(b or 0), int(c or 0))]
    elif form == "d_month":
        keys = [_key(int(c or 0), _MONTHS[b or ""], int(a or 0))]
    else:
        keys = [_key(int(c or 0), _MONTHS[a or ""], int(b or 0))]
    return tuple(dict.fromkeys(k for k in keys if k is not None))


def find_dates(norm: str) -> list[tuple[int, int, tuple[float, ...]]]:
    """Calendar dates in a normalised text: (start, end, keys), a key being yyyymmdd.

    The year is 0 when not written. A numeric date whose day and month could be swapped
    ("03/04/2024") gets both readings.
    """
    found: list[tuple[int, int, tuple[float, ...]]] = []
    taken_until = -1
    for digit in _DIGIT_RUN_RE.finditer(norm):
        pos = digit.start()
        if pos < taken_until or (pos > 0 and norm[pos - 1].isalpha() and norm[pos - 1] != "年"):
            continue
        match = _date_at(norm, pos)
        if match is not None:
            found.append(match)
            taken_until = match[1]
    return found


def _date_at(norm: str, pos: int) -> tuple[int, int, tuple[float, ...]] | None:
    for form, pattern in _DATE_AT_DIGITS:
        match = pattern.match(norm, pos)
        if match and (keys := _date_keys(form, match.groups())):
            return pos, match.end(), keys
    month = _MONTH_BEFORE_RE.search(norm, max(0, pos - 12), pos)
    day = _DAY_YEAR_RE.match(norm, pos) if month else None
    if month and day and (keys := _date_keys("month_d", (month.group(1), *day.groups()))):
        return month.start(), day.end(), keys
    return None
