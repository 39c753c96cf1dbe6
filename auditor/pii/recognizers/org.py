"""Organisations by their legal form or an employer phrase ("Acme GmbH", "works for Acme").

An organisation is not personal data, so the PII judge does not ask for this type;
it is detected for redaction on request and so the benchmark (which labels
organisations) measures the same engine the judge uses.
"""

from __future__ import annotations

from auditor.pii.recognizers.base import Rule, RuleRecognizer

ORGANIZATION = "ORGANIZATION"

_WORD = r"\p{Lu}[\p{L}\p{M}&'’\-]*"
_LEGAL_FORMS = (
    r"(?:Inc|Incorporated|LLC|L\.L\.C\.|Ltd|Limited|Corp|Corporation|Co|Company|Group|Holdings|GmbH|AG|KG"
    r"|SE|SA|S\.A\.|SAS|SARL|S\.A\.R\.L\.|S\.p\.A\.|SpA|Srl|S\.r\.l\.|BV|B\.V\.|NV|N\.V\.|PLC|plc|LLP|LP"
    r"|Pty(?:[ \t]Ltd)?|Oy|AB|A/S|ApS|AS|Sp\.[ \t]z[ \t]o\.o\.|Ltda|S\.L\.|SL|KK|Kft|Zrt|s\.r\.o\.)"
)
_WORK_CUE = (
    r"(?:work(?:s|ed|ing)?[ \t]+(?:for|at)|employed[ \t]+(?:by|at)|ceo[ \t]+of|founder[ \t]+of|joined)"
)

_EMPLOYER = rf"(?<=(?i:{_WORK_CUE})[ \t]+)(?P<org>{_WORD}(?:[ \t]+{_WORD}){{0,3}})"
_CJK_SUFFIXED = r"\p{Han}{2,12}?(?:株式会社|有限会社|有限公司|股份有限公司|集团)"
_CJK_PREFIXED = r"(?:株式会社|有限会社)[\p{Han}\p{Katakana}ー]{2,12}"


def org_recognizer() -> RuleRecognizer:
    """Company names with a legal form, and employers after a work phrase."""
    return RuleRecognizer(
        "OrganizationRecognizer",
        [
            Rule(
                "legal_form", ORGANIZATION, rf"(?<!\w)(?:{_WORD}[ \t]+){{1,4}}{_LEGAL_FORMS}\.?(?!\w)", 0.75
            ),
            Rule("employer", ORGANIZATION, _EMPLOYER, 0.7, group="org"),
            Rule("cjk_suffix", ORGANIZATION, _CJK_SUFFIXED, 0.75),
            Rule("cjk_prefix", ORGANIZATION, _CJK_PREFIXED, 0.75),
        ],
    )
