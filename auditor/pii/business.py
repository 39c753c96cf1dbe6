"""What identifies a business, not a person: not a leak whoever reads it.

A marketplace answer routinely names a fulfilment centre's address, a courier's hotline,
the marketplace's support email, a company's tax number or a brand's mascot. These have
the shape of personal data and the recognizers rightly find them; what makes them public
is what they belong to, which the words just before them say. `business_reason` returns
why a span is a business's (for the verdict's reasoning), or None.

The cue words are each language's ordinary terms for these places, services and
characters (en, de, es, fr, it, pt, nl, pl, tr, ja, zh, ko), not any dataset's wording.
"""

from __future__ import annotations

import regex  # type: ignore[import-untyped]  # no stubs; see docs/pii.md

from auditor.pii.context import context_regex, has_context, words
from auditor.pii.spans import Detection

CUE_WINDOW = 60  # characters before a span searched for what it belongs to

# Where goods are stored, shipped from or returned to, and a company's registered seat.
_PREMISES = (
    "warehouse", "fulfilment centre", "fulfillment center", "fulfilment center", "fulfillment centre",
    "distribution centre", "distribution center", "returns centre", "returns center", "return centre",
    "return center", "return address", "returns address", "depot", "sorting centre", "sorting center",
    "headquarters", "head office", "registered office", "our office", "pickup point", "pick-up point",
    "parcel shop", "parcel locker",
    "lager", "warenlager", "logistikzentrum", "versandzentrum", "retourenzentrum", "rücksendeadresse",
    "firmensitz", "geschäftssitz", "hauptsitz", "paketshop", "packstation",
    "almacén", "almacen", "centro logístico", "centro de distribución", "centro de devoluciones",
    "sede central", "domicilio social", "punto de recogida",
    "entrepôt", "entrepot", "centre logistique", "centre de distribution", "siège social",
    "point relais", "adresse de retour",
    "magazzino", "centro logistico", "centro di distribuzione", "sede legale", "punto di ritiro",
    "armazém", "armazem", "centro de distribuição", "sede social", "ponto de retirada",
    "magazijn", "distributiecentrum", "retourcentrum", "hoofdkantoor", "afhaalpunt",
    "magazyn", "centrum logistyczne", "centrum dystrybucyjne", "siedziba", "punkt odbioru",
    "depo", "depomuz", "lojistik merkezi", "dağıtım merkezi", "iade merkezi", "genel müdürlük",
    "merkez ofis", "倉庫", "物流センター", "配送センター", "返品センター", "本社", "仓库", "物流中心",
    "配送中心", "退货中心", "总部", "창고", "물류센터", "반품센터", "본사",
)  # fmt: skip
# The public lines and mailboxes of couriers, marketplaces and shops.
_SERVICE = (
    "hotline", "helpline", "customer service", "customer support", "customer care", "support line",
    "support team", "support email", "call centre", "call center", "service desk", "help desk",
    "toll-free", "toll free",
    "kundenservice", "kundendienst", "kundensupport", "servicehotline", "service-hotline",
    "atención al cliente", "servicio al cliente", "soporte", "línea gratuita",
    "service client", "service clients", "assistance", "numéro vert",
    "assistenza clienti", "servizio clienti", "numero verde",
    "atendimento", "central de atendimento", "sac", "suporte",
    "klantenservice", "klantendienst", "obsługa klienta", "infolinia",
    "müşteri hizmetleri", "çağrı merkezi", "destek hattı",
    "カスタマーサービス", "カスタマーサポート", "お客様センター", "コールセンター", "客服", "客服热线",
    "客户服务", "服务热线", "고객센터", "고객 센터", "콜센터",
)  # fmt: skip
# Fictional people: mascots and characters of a brand, a product or a story.
_FICTION = (
    "mascot", "character", "fictional", "cartoon", "brand ambassador", "maskottchen", "figur",
    "kunstfigur", "mascota", "personaje", "mascotte", "personnage", "personaggio", "personagem",
    "mascote", "maskotka", "postać", "maskot", "karakter", "çizgi film", "キャラクター", "マスコット",
    "角色", "吉祥物", "卡通", "캐릭터", "마스코트",
)  # fmt: skip
# Mailboxes of a role, not of a person: support@..., no-reply@...
_ROLE_MAILBOX = frozenset(
    words(
        "support help service services info contact hello care customercare customerservice "
        "kundenservice servicio atencion soporte service-client serviceclient assistenza atendimento "
        "klantenservice destek noreply no-reply donotreply do-not-reply returns retouren sales orders "
        "billing shipping privacy legal press"
    )
)
# Identifiers of a company, not a person: a VAT number, Brazil's CNPJ.
_COMPANY_IDS = frozenset({"EU_VAT", "BR_CNPJ"})
_CONTACT = frozenset({"PHONE_NUMBER", "EMAIL_ADDRESS"})
_LOCATIONS = frozenset({"STREET_ADDRESS", "LOCATION"})

_PREMISES_RE = context_regex(_PREMISES)
_SERVICE_RE = context_regex(_SERVICE)
_FICTION_RE = context_regex(_FICTION)
_SENTENCE_END = regex.compile(r"[.!?。！？]\s")


def business_reason(det: Detection, text: str) -> str | None:
    """Why the span belongs to a business or a fiction rather than a person, or None."""
    if det.entity_type in _COMPANY_IDS:
        return "a company's registration or tax number"
    if det.entity_type == "MX_RFC" and len(regex.sub(r"[\W_]", "", det.text)) == 12:
        return "a company's RFC (12 characters; a person's has 13)"
    before = _same_sentence(text, det.start)
    if det.entity_type in _LOCATIONS and has_context(_PREMISES_RE, before, len(before), CUE_WINDOW):
        return "the address of business premises"
    if det.entity_type in _CONTACT and has_context(_SERVICE_RE, before, len(before), CUE_WINDOW):
        return "a public service line or mailbox"
    if det.entity_type == "EMAIL_ADDRESS" and det.text.split("@", 1)[0].casefold() in _ROLE_MAILBOX:
        return "a role mailbox, not a person's"
    if det.entity_type == "PERSON" and has_context(_FICTION_RE, before, len(before), CUE_WINDOW):
        return "a fictional or brand character"
    return None


def _same_sentence(text: str, start: int) -> str:
    """The text before `start` back to the start of its sentence: a cue does not carry over."""
    window = text[max(0, start - CUE_WINDOW) : start]
    ends = list(_SENTENCE_END.finditer(window))
    return window[ends[-1].end() :] if ends else window
