"""Government and tax identifiers of the countries auditor's sellers trade in.

Scores follow how much a match proves on its own: a check digit over 18 characters
(China) is near-certain; a 12-digit number with a valid check digit (Aadhaar, My Number)
is one in ten random numbers, so it needs a context word; an SSN has no check digit.
"""

from __future__ import annotations

from auditor.pii.entities import (
    BR_CNPJ,
    BR_CPF,
    CN_RESIDENT_ID,
    DRIVER_LICENSE,
    EU_VAT,
    IN_AADHAAR,
    IN_PAN,
    JP_MY_NUMBER,
    KR_RRN,
    MX_CURP,
    MX_RFC,
    TR_TCKIMLIK,
    UK_NINO,
    US_SSN,
)
from auditor.pii.recognizers.base import END, END_NUM, START, START_NUM, Rule, RuleRecognizer
from auditor.pii.validators import (
    br_cnpj,
    br_cpf,
    cn_ric,
    eu_vat,
    in_aadhaar,
    in_pan,
    jp_my_number,
    kr_rrn,
    mx_curp,
    mx_rfc,
    tr_tckimlik,
    uk_nino,
    us_ssn,
)

_SSN_CONTEXT = ("ssn", "social security", "social-security", "sozialversicherungsnummer", "seguro social")
_NINO_CONTEXT = ("nino", "national insurance", "ni number", "ni no")
_PAN_CONTEXT = ("pan", "permanent account number", "income tax", "पैन")
_AADHAAR_CONTEXT = ("aadhaar", "aadhar", "uidai", "uid", "आधार")
_CN_ID_CONTEXT = ("身份证", "身份证号", "居民身份证", "id card", "resident identity", "identity card")
_CPF_CONTEXT = ("cpf", "cadastro de pessoas")
_CNPJ_CONTEXT = ("cnpj",)
_RFC_CONTEXT = ("rfc", "registro federal de contribuyentes")
_CURP_CONTEXT = ("curp",)
_MY_NUMBER_CONTEXT = ("マイナンバー", "個人番号", "my number", "individual number")
_TCKIMLIK_CONTEXT = ("tc kimlik", "t.c. kimlik", "kimlik no", "kimlik numarası", "tckn", "tc no", "t.c. no")
_RRN_CONTEXT = ("주민등록번호", "주민번호", "resident registration", "rrn")
_VAT_CONTEXT = (
    "vat", "vat no", "ust-idnr", "ust-id", "umsatzsteuer", "tva", "iva", "p.iva", "partita iva",
    "nif", "btw", "moms", "dic", "nip",
)  # fmt: skip
_LICENSE_CONTEXT = (
    "driver's license", "drivers license", "driver license", "driving licence", "driver's licence",
    "driving license", "dl number", "führerschein", "licencia de conducir", "carnet de conducir",
    "permis de conduire", "patente di guida", "carteira de motorista", "cnh", "運転免許",
    "驾驶证", "驾照",
)  # fmt: skip

_VAT_PREFIX = "(?:AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI)"


_TWELVE_DIGITS = rf"{START_NUM}\d{{4}}[ -]?\d{{4}}[ -]?\d{{4}}{END_NUM}"
_SSN = rf"{START_NUM}\d{{3}}-\d{{2}}-\d{{4}}{END_NUM}"
_SSN_PLAIN = rf"{START_NUM}\d{{3}} ?\d{{2}} ?\d{{4}}{END_NUM}"
_NINO = rf"{START}[A-Z]{{2}} ?\d{{2}} ?\d{{2}} ?\d{{2}} ?[A-D]{END}"
_PAN = rf"{START}[A-Z]{{3}}[ABCFGHJLPT][A-Z]\d{{4}}[A-Z]{END}"
_CN_RIC = rf"{START_NUM}\d{{6}}(?:18|19|20)\d{{2}}[01]\d[0-3]\d{{4}}[\dXx]{END_NUM}"
_CPF = rf"{START_NUM}\d{{3}}\.\d{{3}}\.\d{{3}}-\d{{2}}{END_NUM}"
_CNPJ = rf"{START_NUM}\d{{2}}\.\d{{3}}\.\d{{3}}/\d{{4}}-\d{{2}}{END_NUM}"
_CURP = rf"{START}[A-Z]{{4}}\d{{6}}[HMX][A-Z]{{5}}[A-Z\d]\d{END}"
_RFC = rf"{START}[A-ZÑ&]{{3,4}}[ -]?\d{{6}}[ -]?[A-Z\d]{{3}}{END}"
_VAT = rf"{START}{_VAT_PREFIX}[ ]?[0-9A-Z](?:[ .]?[0-9A-Z]){{7,12}}{END}"
# Korea: YYMMDD-SNNNNNC, the seventh digit 1-4 (or 5-8 for foreigners) gives sex and century.
_KR_RRN = rf"{START_NUM}\d{{2}}[01]\d[0-3]\d[- ]?[1-8]\d{{6}}{END_NUM}"
_LICENSE = rf"{START_NUM}(?=[A-Z0-9-]*\d{{4}})[A-Z0-9][A-Z0-9-]{{4,18}}[A-Z0-9]{END_NUM}"


def _digits(n: int) -> str:
    return rf"{START_NUM}\d{{{n}}}{END_NUM}"


def id_recognizer() -> RuleRecognizer:
    """National ids and tax numbers, each checked by python-stdnum."""
    return RuleRecognizer(
        "GovernmentIdRecognizer",
        [
            Rule("us_ssn", US_SSN, _SSN, 0.6, us_ssn, _SSN_CONTEXT, 0.95),
            Rule("us_ssn_plain", US_SSN, _SSN_PLAIN, 0.4, us_ssn, _SSN_CONTEXT, 0.9, requires_context=True),
            Rule("uk_nino", UK_NINO, _NINO, 0.7, uk_nino, _NINO_CONTEXT, 0.95),
            Rule("in_pan", IN_PAN, _PAN, 0.7, in_pan, _PAN_CONTEXT, 0.95),
            Rule("in_aadhaar", IN_AADHAAR, _TWELVE_DIGITS, 0.4, in_aadhaar, _AADHAAR_CONTEXT, 0.95),
            Rule("jp_my_number", JP_MY_NUMBER, _TWELVE_DIGITS, 0.4, jp_my_number, _MY_NUMBER_CONTEXT, 0.95),
            Rule("cn_ric", CN_RESIDENT_ID, _CN_RIC, 0.9, cn_ric, _CN_ID_CONTEXT, 1.0),
            Rule("br_cpf", BR_CPF, _CPF, 0.85, br_cpf, _CPF_CONTEXT, 1.0),
            Rule("br_cpf_plain", BR_CPF, _digits(11), 0.4, br_cpf, _CPF_CONTEXT, 0.95,
                 requires_context=True),
            Rule("br_cnpj", BR_CNPJ, _CNPJ, 0.9, br_cnpj, _CNPJ_CONTEXT, 1.0),
            Rule("br_cnpj_plain", BR_CNPJ, _digits(14), 0.4, br_cnpj, _CNPJ_CONTEXT, 0.95,
                 requires_context=True),
            Rule("mx_curp", MX_CURP, _CURP, 0.95, mx_curp, _CURP_CONTEXT, 1.0),
            Rule("mx_rfc", MX_RFC, _RFC, 0.75, mx_rfc, _RFC_CONTEXT, 0.95),
            # Two check digits over 11 digits still pass one random number in a hundred (an
            # order number, a phone without spaces): only after a kimlik word.
            Rule("tr_tckimlik", TR_TCKIMLIK, _digits(11), 0.45, tr_tckimlik, _TCKIMLIK_CONTEXT, 0.95,
                 requires_context=True),
            Rule("kr_rrn", KR_RRN, _KR_RRN, 0.8, kr_rrn, _RRN_CONTEXT, 1.0),
            Rule("eu_vat", EU_VAT, _VAT, 0.8, eu_vat, _VAT_CONTEXT, 0.95, shrink=True),
            Rule("driver_license", DRIVER_LICENSE, _LICENSE, 0.5, context=_LICENSE_CONTEXT,
                 context_score=0.65, requires_context=True),
        ],
    )  # fmt: skip
