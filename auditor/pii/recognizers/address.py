"""Street addresses in Latin, Greek and Cyrillic scripts, and Japanese and Chinese ones.

Western addresses have no single pattern, so this recognizer finds *pieces* and joins
them: a street with a street-type word and a house number in the order each country
writes it (the US, UK and Australia: "12 Elm St"; France, Spain, Italy, Portugal, Brazil,
Poland: type, name, number, "Rua das Flores 123"; Germany, the Netherlands, the Nordic
countries, Finland, Hungary: a compound name then the number, "Hauptstraße 5",
"Mannerheimintie 5"), a unit ("Apt. 5", "Suite 200"), a PO box, a US military address
(USPS Publication 28: PSC/APO/FPO). Adjacent
pieces merge; the merged span then takes the locality lines that follow it (city, state
code, postcode, country). The score grows with the evidence: more piece kinds, a
postcode, and an address phrase before it ("ship to", "lives at", "Adresse").

Street-type words follow public conventions (USPS Publication 28 suffixes; the street
words of the European languages sellers use), not any dataset's values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import regex  # type: ignore[import-untyped]  # no stubs; see docs/pii.md
from presidio_analyzer import LocalRecognizer, RecognizerResult

from auditor.pii.context import context_regex, has_context, words
from auditor.pii.recognizers.base import result
from auditor.pii.validators import Check

STREET_ADDRESS = "STREET_ADDRESS"

_SUFFIX_TYPES = (
    # USPS Publication 28, the common ones, full and abbreviated.
    "street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "dr", "boulevard", "blvd",
    "way", "court", "ct", "place", "pl", "square", "sq", "terrace", "crescent", "cres", "close",
    "parkway", "pkwy", "highway", "hwy", "trail", "trl", "circle", "cir", "row", "walk", "loop", "mall",
    "alley", "bypass", "causeway", "crossing", "xing", "expressway", "freeway", "gardens", "grove",
    "heights", "hts", "hill", "junction", "landing", "lodge", "meadows", "mews", "pike", "plaza", "point",
    "ridge", "route", "rte", "spur", "station", "turnpike", "union", "view", "village", "vista",
    "wharf", "flats", "forges", "green", "park", "quay", "embankment", "parade", "esplanade", "str",
    # Other languages, where the type follows the name.
    "straße", "strasse", "gasse", "allee", "platz", "weg", "ring", "damm", "ufer", "chaussee",
    "straat", "laan", "plein", "gracht", "kade", "singel", "utca", "út", "tér", "körút", "u",
    "mnt", "tänav", "iela", "gatvė", "sokak", "sokağı", "caddesi", "cd",
)  # fmt: skip

_PREFIX_TYPES = (
    "rue", "avenue", "av", "avda", "avenida", "boulevard", "bd", "bvd", "chemin", "allée", "place", "quai",
    "impasse", "route", "calle", "c", "paseo", "plaza", "camino", "carrer", "carretera", "ronda", "rua",
    "r", "travessa", "largo", "praça", "praca", "alameda", "estrada", "rodovia", "quadra", "via", "viale",
    "piazza", "piazzetta", "corso", "strada", "vicolo", "contrada", "lungomare", "ul", "ulica", "al",
    "aleja", "plac", "os", "osiedle", "ulice", "náměstí", "nábřeží", "třída", "calea", "bulevardul",
    "str", "strada", "utca", "οδός", "οδος", "λεωφόρος", "πλατεία", "улица", "ул", "проспект", "пр",
    "переулок", "пер", "col", "colonia", "jalan", "jl", "soi", "rd", "road",
)  # fmt: skip

# Compound street names: the type is glued to the name ("Hauptstraße", "Aleksanterinkatu").
_COMPOUND_ENDINGS = (
    "straße", "strasse", "str.", "weg", "gasse", "allee", "platz", "damm", "ufer", "steig",
    "pfad", "chaussee", "katu", "tie", "kuja", "polku", "väylä", "vej", "vænget", "gade",
    "vägen", "väg", "gatan", "gata", "gränd", "stig", "veien", "vegen", "gaten", "stræde", "straat",
    "laan", "plein", "gracht", "kade", "dijk", "singel", "hove", "utca", "úti",
)  # fmt: skip

_UNIT_RESIDENTIAL = (
    r"(?:apt|apartment|appt|suite|ste|flat|wohnung|whg|piso|depto|departamento|apto|apartamento"
    r"|interior|int)"
)
_UNIT_OTHER = (
    r"(?:unit|room|rm|floor|fl|office|bldg|building|block|blk|etage|stock|sala|andar|bloco|lote|casa"
    r"|escalera|esc|puerta|pta)"
)
_PO_BOX = (
    r"(?:p\.?[ \t]?o\.?[ \t]?box|post[ \t]office[ \t]box|postfach|apartado(?:[ \t]de[ \t]correos)?"
    r"|caixa[ \t]postal|boîte[ \t]postale|casilla)"
)

_W = r"[\p{L}\p{M}][\p{L}\p{M}'’.\-]*"  # a word in any alphabetic script
# A house number: 12, 12a, 12/3, 12-14 (but not a decade, "70s").
_NUM = r"\d{1,5}(?:(?!s(?!\w))[A-Za-z])?(?:[/-]\d{1,4}[A-Za-z]?)?"
_GAP = r"[ \t]+"
_TYPE_START = r"(?<![\p{L}\p{M}\d'’.\-])"  # a street-type word is a whole word


def _alt(options: tuple[str, ...]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(options), key=len, reverse=True))


class Piece(enum.Enum):
    """What a piece of an address is."""

    STREET = "a street-type word next to a house number"
    MILITARY = "PSC/Unit ... Box ..., APO/FPO/DPO AA 12345, USS Name"
    PO_BOX = "a post-office box"
    RESIDENTIAL_UNIT = "Apt. 5, Suite 200"
    WEAK = "a street name without number, Room 5, a bare number: glue only"
    CJK = "a Japanese or Chinese address"


# How much each piece proves on its own; a chunk of only WEAK pieces is no address.
_PIECE_SCORE = {
    Piece.STREET: 0.7,
    Piece.MILITARY: 0.8,
    Piece.PO_BOX: 0.7,
    Piece.RESIDENTIAL_UNIT: 0.45,
    Piece.WEAK: 0.0,
    Piece.CJK: 0.85,
}


_SUFFIX = rf"{_TYPE_START}(?i:{_alt(_SUFFIX_TYPES)})\.?"  # "Street", "St.", "vej"
_PREFIX = rf"(?<!\w)(?i:{_alt(_PREFIX_TYPES)})\.?"  # "Rua", "Via", "ul."
_COMPOUND = rf"(?<!\w){_W}(?i:{_alt(_COMPOUND_ENDINGS)})"  # "Hauptstraße", "Drottninggatan"
_NAME_WORDS = rf"(?:{_W}{_GAP}){{0,4}}?"
_NUMBER_SEP = rf"(?:{_GAP}|,[ \t]*)"  # "Calle Mayor 10", "Rua das Flores, 123"
_UNIT_NUMBER = r"\.?[ \t]*(?:no\.?[ \t]*|#[ \t]*)?\d{1,5}[A-Za-z]?(?!\w)"
# A word of a street name without a street type: capitalised, or a short particle ("do", "u.")
# and never ending a sentence ("30 days. At around AED 250").
_NAME_WORD = r"(?:\p{Lu}[\p{L}\p{M}'’\-]*|\p{Ll}{1,3}\.?|\p{Lu}\p{L}{0,2}\.)"
# Spanish floor and door: "3.º B", "2º 1ª".
_FLOOR = r"(?<![\w.])\d{1,2}\.?[ºª°](?:[ \t]?\d{1,2}\.?[ºª]|[ \t]?[A-Z](?!\w))?"
# Chinese place names do not contain these particles and verbs ("地址是北京市..." starts at 北).
_CN_PLACE = r"[\p{Han}--[的是在于到为址寄送收发和与及往至请住]]"
_JP_ADDRESS = (
    r"(?:〒?\d{3}[-－]\d{4}[ 　]*)?(?:東京都|北海道|(?:京都|大阪)府|\p{Han}{2,3}県)?\p{Han}{1,5}[市区町村郡]"
    r"(?:\p{Han}{1,5}[区町村])?[\p{Han}\p{Katakana}\p{Hiragana}ー]{0,8}?"
    r"(?:[\d０-９一二三四五六七八九十]{1,3}丁目(?:[\d０-９]{1,4}(?:番地?|[-－−])?(?:[\d０-９]{1,4}号?)?)?"
    r"|[\d０-９]{1,4}[-－−][\d０-９]{1,4}(?:[-－−][\d０-９]{1,4})?)"
)
_CN_ADDRESS = (
    rf"(?:{_CN_PLACE}{{2,7}}(?:省|自治区))?{_CN_PLACE}{{2,4}}市(?:\p{{Han}}{{1,4}}[区县])?\p{{Han}}{{1,10}}?"
    r"(?:路|街|大道|道|巷|弄|胡同|里)[\d０-９一二三四五六七八九十百]{1,4}号"
    r"(?:[\p{Han}\d]{0,8}?[\d０-９]{1,4}(?:室|楼|栋|幢|单元|层|号楼))*"
)

# The street tail every street-then-number piece ends with: searched first, because the
# name words in front of it make the full pattern try every position of a text.
_STREET_TAIL = rf"{_SUFFIX}{_NUMBER_SEP}{_NUM}(?!\w)"
_COMPOUND_TAIL = rf"(?i:{_alt(_COMPOUND_ENDINGS)}){_NUMBER_SEP}{_NUM}(?!\w)"
# (kind, pattern, a pattern every match contains: no match of it, no match of the pattern)
_PIECE_PATTERNS: tuple[tuple[Piece, str, str | None], ...] = (
    (Piece.STREET, rf"{_NAME_WORDS}{_STREET_TAIL}", _STREET_TAIL),
    (Piece.STREET, rf"\d{{1,6}}[A-Za-z]?,?{_GAP}{_NAME_WORDS}{_SUFFIX}(?!\w)", None),
    (Piece.STREET, rf"{_PREFIX}{_GAP}(?:{_W}{_GAP}|{_W},[ \t]*){{1,5}}?{_NUM}(?!\w)", None),
    (Piece.STREET, rf"{_COMPOUND}{_NUMBER_SEP}{_NUM}(?!\w)", _COMPOUND_TAIL),
    (Piece.MILITARY, r"(?<!\w)(?:PSC|CMR|Unit)[ \t]+\d{3,5},?[ \t]+Box[ \t]+\d{3,5}(?!\w)", None),
    (Piece.MILITARY, r"(?<!\w)(?:USNS|USNV|USS|USCGC)[ \t]+\p{Lu}[\p{L}'\-]+", None),
    (Piece.MILITARY, r"(?<!\w)(?:APO|FPO|DPO)[ \t]+A[AEP][ \t]+\d{5}(?!\w)", None),
    (Piece.PO_BOX, rf"(?<!\w)(?i:{_PO_BOX})[ \t]*\d{{1,6}}(?!\w)", None),
    (Piece.RESIDENTIAL_UNIT, _FLOOR, None),
    (Piece.RESIDENTIAL_UNIT, rf"(?<!\w)(?i:{_UNIT_RESIDENTIAL}){_UNIT_NUMBER}", None),
    (Piece.WEAK, rf"(?<!\w)(?i:{_UNIT_OTHER}){_UNIT_NUMBER}", None),
    (Piece.WEAK, rf"(?<!\w)(?:{_NAME_WORD}{_GAP}){{1,3}}{_SUFFIX}(?!\w)", rf"{_SUFFIX}(?!\w)"),
    (Piece.WEAK, r"(?<![\w.,:/-])\d{1,6}[A-Za-z]?(?![\w/:-]|[.,]\d)", None),
    (Piece.CJK, _JP_ADDRESS, None),  # prefecture, municipality, district, chome-ban-go or 1-2-3
    (Piece.CJK, _CN_ADDRESS, None),  # province, city, district, road, number, building and room
)


@dataclass(frozen=True)
class _PiecePattern:
    kind: Piece
    pattern: regex.Pattern[str]
    required: regex.Pattern[str] | None  # searched first; no match: skip `pattern`

    def finditer(self, text: str) -> list[tuple[int, int, Piece]]:
        if self.required is not None and self.required.search(text) is None:
            return []
        return [(m.start(), m.end(), self.kind) for m in self.pattern.finditer(text)]


# Locality lines after a street: postcodes, state/province codes, place names.
_POSTCODE = (
    r"(?:\d{5}(?:-\d{4})?|\d{3}[ -]?\d{2,3}|\d{4}(?:-\d{3})?|\d{5}-\d{3}|\d{6}"
    r"|[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d)"
)
# A capitalised place word ("Sevilla", "St."; French post writes the town in capitals,
# "LE MANS"), or one in brackets; a long
# word never ends in a full stop, so a sentence end stops the address.
_PLACE_WORD = r"(?:\p{Lu}\p{L}{0,2}\.|\p{Lu}[\p{L}\p{M}'’\-]*|\((?:\p{Lu}[\p{L}\p{M}'’.\-]*[ ]?)+\))"
_PLACE_PARTICLE = r"(?:de|del|la|le|les|di|da|do|dos|das|van|der|den|am|an|im|sur|upon|on)"
_PLACE = rf"{_PLACE_WORD}(?:[ ](?:{_PLACE_PARTICLE}[ ])?{_PLACE_WORD}){{0,3}}"
_TAIL_SEP = regex.compile(r"[ \t]*(?:,[ \t]*|(?:\n[ \t>]*){1,2}(?:,[ \t]*)?|[ \t]+|[ \t]*-[ \t]+)")
_TAIL_ITEM = regex.compile(rf"(?:{_POSTCODE}(?![\w-]|[ ]\d)|{_PLACE}(?![\w:]))")
# Capitalised words that start sentences or sign-offs, not place names.
_NOT_PLACES = frozenset(
    words(
        "the a an i it we you he she they my our your his her their this that these those please thanks "
        "thank hello hi dear best regards sincerely cheers and but or if when where what who how is are "
        "was were for from to in on at by with mobile phone fax email e-mail desk tel office website"
    )
)

ADDRESS_CONTEXT = (
    "address", "addresses", "addr", "ship to", "shipping", "deliver to", "delivery", "billing",
    "send to", "sent to", "send it to", "mail to", "lives at", "live at", "lived at", "lives in", "live in",
    "lives on", "located at", "located in", "moved to", "meet me at", "meet you at", "visit us at",
    "adresse", "anschrift", "lieferadresse", "dirección", "direccion", "domicilio", "endereço", "morada",
    "indirizzo", "adres", "住所", "お届け先", "送り先", "所在地", "地址", "收货地址", "收件地址", "寄到",
)  # fmt: skip


@dataclass
class _Chunk:
    start: int
    end: int
    kinds: set[Piece]


class AddressRecognizer(LocalRecognizer):
    """Street addresses: pieces joined, locality lines appended, scored by evidence."""

    def __init__(self) -> None:
        self._pieces = [
            _PiecePattern(kind, _compile(p), _compile(r) if r else None) for kind, p, r in _PIECE_PATTERNS
        ]
        self._context = context_regex(ADDRESS_CONTEXT)
        super().__init__(
            supported_entities=[STREET_ADDRESS], name="AddressRecognizer", supported_language="en"
        )

    def load(self) -> None:
        """Nothing to load: patterns compile in `__init__`."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        """Every address-shaped span whose evidence reaches a score."""
        if entities and STREET_ADDRESS not in entities:
            return []
        out = []
        for chunk in self._chunks(text):
            end = self._extend_tail(text, chunk.end)
            score = self._score(chunk, text, end)
            if score > 0:
                out.append(
                    result(STREET_ADDRESS, chunk.start, end, score, "AddressRecognizer", Check.INVALID)
                )
        return out

    def _chunks(self, text: str) -> list[_Chunk]:
        pieces = sorted(
            (piece for pattern in self._pieces for piece in pattern.finditer(text)),
            key=lambda p: (p[0], -p[1]),
        )
        chunks: list[_Chunk] = []
        for start, end, kind in pieces:
            last = chunks[-1] if chunks else None
            if last and start <= last.end + 3 and _joinable(text[last.end : start]):
                last.end = max(last.end, end)
                last.kinds.add(kind)
            else:
                chunks.append(_Chunk(start, end, {kind}))
        return [c for c in chunks if c.kinds - {Piece.WEAK}]

    def _extend_tail(self, text: str, end: int) -> int:
        """Swallow up to five locality items (city, region code, postcode, country)."""
        for _ in range(5):
            sep = _TAIL_SEP.match(text, end)
            if not sep:
                break
            item = _TAIL_ITEM.match(text, sep.end())
            if not item or _is_sentence_word(item.group()):
                break
            end = item.end()
        return end

    def _score(self, chunk: _Chunk, text: str, end: int) -> float:
        kinds = chunk.kinds - {Piece.WEAK}
        if not kinds:
            return 0.0
        score = max(_PIECE_SCORE[k] for k in kinds) + 0.1 * (len(kinds) - 1)
        if end > chunk.end:
            score += 0.1  # followed by locality lines
        if has_context(self._context, text, chunk.start, window=40):
            score += 0.25
        return round(min(score, 0.95), 2) if score >= 0.4 else 0.0


def _compile(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern, regex.VERSION1)


def _joinable(gap: str) -> bool:
    """Pieces separated only by spaces, commas, a dash or one line break belong together."""
    return regex.fullmatch(r"[ \t]*(?:[,\-][ \t]*)?(?:\n[ \t>]*)?(?:,[ \t]*)?", gap) is not None


def _is_sentence_word(item: str) -> bool:
    return item.split(" ", 1)[0].casefold().strip(".") in _NOT_PLACES
