"""Refusals ("I can't help with that") and deflections ("please contact support").

Patterns run on normalised text (lower case, full-width folded) in en, es, de, pt, fr, zh
and ja. A refusal says the assistant will not or cannot answer; a deflection sends the
user elsewhere. Either is fine next to a real answer, so the relevance judge weighs them
against the substance of the rest of the response; this module only finds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_GAP = r"(?:[\w'-]+\s+){0,3}?"  # up to three words in between, lazily

_REFUSALS: dict[str, tuple[str, ...]] = {
    "en": (
        rf"\b(?:can't|cannot|can not|unable to|not able to|won't be able to|not in a position to)\s+{_GAP}"
        r"(?:help|assist|advise|guide|provide|answer|comment|share|discuss|give|offer|support|recommend)\b",
        r"\b(?:outside|beyond) (?:the scope|my scope|what i can|of what i can)",
        r"\bi (?:don't|do not) have (?:access|information|details)\b",
    ),
    "es": (
        rf"\bno (?:puedo|podemos|me es posible|estoy en condiciones de)\s+{_GAP}"
        r"(?:ayudar|dar|asesorar|orientar|responder|proporcionar|ofrecer|informar|aconsejar|comentar)\w*",
        r"\bfuera de (?:mi|nuestro|lo que)",
    ),
    "pt": (
        rf"\bnão (?:posso|podemos|consigo|conseguimos|é possível)\s+{_GAP}"
        r"(?:ajudar|orientar|responder|informar|fornecer|dar|aconselhar|opinar|comentar)\w*",
        r"\bfora do (?:que posso|meu alcance|escopo|nosso alcance)",
    ),
    "de": (
        rf"\b(?:kann|können) (?:ich|wir)\s+{_GAP}(?:nicht|keine)\s+{_GAP}"
        r"(?:helfen|beraten|weiterhelfen|sagen|beantworten|geben|auskunft|empfehlen)",
        r"\baußerhalb (?:meines|unseres|des)",
    ),
    "fr": (
        rf"\bje ne (?:peux|suis pas en mesure de|saurais)\s+{_GAP}"
        r"(?:aider|conseiller|répondre|renseigner|donner|fournir|recommander)\w*",
    ),
    "zh": (
        r"(?:无法|不能|没法|不便|不方便)(?:为您|给您|帮您|向您)?(?:提供|回答|解答|帮助|协助|处理|说明|建议|告知|给出)",
        r"超出(?:了)?(?:我的|我们的)?(?:服务|回答|能力|支持)?范围",
    ),
    "ja": (
        r"(?:お答え|回答|ご案内|お手伝い|対応|ご説明|アドバイス)(?:することは|は|が)?"
        r"(?:でき(?:ません|かねます)|いたしかねます)",
        r"できかねます",
    ),
}

_DEFLECTIONS: dict[str, tuple[str, ...]] = {
    "en": (
        rf"\b(?:contact|reach out to|get in touch with|consult|speak to|speak with|talk to)\s+{_GAP}"
        r"(?:support|team|specialist|service|advisor|adviser|expert|professional|accountant|lawyer|bank)\b",
    ),
    "es": (
        rf"\b(?:contacta|contacte|contactar|comunícate|comuníquese|ponte en contacto|póngase en contacto"
        rf"|consulta|consulte|consultar|acude|acuda)\s+{_GAP}{_GAP}"
        r"(?:soporte|servicio|atención|asesor|especialista|experto|gestor|abogado|contador|banco)",
        r"\bte recomiendo esperar\b|\bespera a que\b",
    ),
    "pt": (
        rf"\b(?:entre|entrar) em contato com\s+{_GAP}(?:suporte|atendimento|equipe|especialista|consultor"
        r"|contador|advogado)",
        rf"\b(?:procure|procurar|consulte|consultar)\s+{_GAP}(?:consultor|contador|advogado|especialista|suporte)",
    ),
    "de": (
        rf"\b(?:wenden sie sich an|kontaktieren sie|setzen sie sich mit|fragen sie)\s+{_GAP}"
        r"(?:support|kundenservice|team|steuerberater|anwalt|experten|fachmann|verkäufer-support|bank)",
    ),
    "fr": (
        r"\b(?:contactez|contacter|adressez-vous à|rapprocher d'un|rapprocher du|consultez|consulter)"
        rf"\s+{_GAP}"
        r"(?:support|service|expert|expert-comptable|comptable|avocat|conseiller|équipe)",
        r"\bje vous invite à (?:contacter|vous rapprocher|consulter)",
    ),
    "zh": (
        r"(?:请|建议您?|您可以)(?:直接)?(?:联系|咨询|联络)\S{0,6}?(?:客服|支持|团队|专业人士|专家|律师|会计|银行)",
    ),
    "ja": (
        r"(?:サポート|カスタマーサービス|専門家|税理士|弁護士|担当|窓口)\S{0,4}?(?:に|へ)"
        r"(?:お問い合わせ|ご相談|ご連絡|問い合わせ|相談)",
    ),
}


def _compile(patterns: dict[str, tuple[str, ...]]) -> dict[str | None, re.Pattern[str]]:
    compiled: dict[str | None, re.Pattern[str]] = {
        lang: re.compile("|".join(alts)) for lang, alts in patterns.items()
    }
    # A text of unknown language is checked against every language.
    compiled[None] = re.compile("|".join(a for alts in patterns.values() for a in alts))
    return compiled


_REFUSAL = _compile(_REFUSALS)
_DEFLECTION = _compile(_DEFLECTIONS)


@dataclass(frozen=True, slots=True)
class Evasion:
    """A refusal or deflection found in a text."""

    kind: str  # "refusal" or "deflection"
    start: int
    end: int


def find_evasions(norm: str, lang: str | None = None) -> list[Evasion]:
    """Refusals and deflections in a normalised text, in order of appearance.

    With a known language only its patterns are tried; without one, all of them.
    """
    key = lang if lang in _REFUSAL else None
    found = [Evasion("refusal", m.start(), m.end()) for m in _REFUSAL[key].finditer(norm)]
    found += [Evasion("deflection", m.start(), m.end()) for m in _DEFLECTION[key].finditer(norm)]
    return sorted(found, key=lambda e: e.start)
