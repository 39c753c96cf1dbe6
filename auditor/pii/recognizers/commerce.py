"""The seller domain's own identifiers: marketplace order ids and parcel tracking numbers.

They identify a purchase, not a person, so they are low severity; they matter when the
assistant shows a buyer an order that is not theirs.
"""

from __future__ import annotations

from auditor.pii.recognizers.base import END, END_NUM, START, START_NUM, Rule, RuleRecognizer
from auditor.pii.validators import ups_tracking, upu_s10

ORDER_ID = "ORDER_ID"
TRACKING_NUMBER = "TRACKING_NUMBER"

ORDER_CONTEXT = (
    "order", "order id", "order number", "bestellung", "bestellnummer", "pedido", "commande",
    "ordine", "encomenda", "注文", "注文番号", "订单", "订单号",
)  # fmt: skip

SHIPPING_CONTEXT = (
    "tracking", "track", "shipment", "parcel", "package", "consignment", "waybill", "awb",
    "ups", "usps", "fedex", "dhl", "royal mail", "correos", "colissimo", "hermes", "dpd", "gls",
    "sendung", "sendungsnummer", "paket", "seguimiento", "envío", "rastreio", "rastreamento",
    "suivi", "colis", "spedizione", "追跡", "追跡番号", "お問い合わせ番号", "配送", "快递", "运单",
    "单号", "物流",
)  # fmt: skip

# Amazon (3-7-7) and eBay (2-5-5) order ids: distinctive enough to count without context.
_AMAZON_ORDER = rf"{START_NUM}\d{{3}}-\d{{7}}-\d{{7}}{END_NUM}"
_EBAY_ORDER = rf"{START_NUM}\d{{2}}-\d{{5}}-\d{{5}}{END_NUM}"
_UPS = rf"{START}1Z ?[0-9A-Z]{{3}} ?[0-9A-Z]{{3}} ?[0-9A-Z]{{2}} ?[0-9A-Z]{{4}} ?[0-9A-Z]{{3}} ?[0-9A-Z]{END}"
_S10 = rf"{START}[A-Z]{{2}} ?\d{{3}} ?\d{{3}} ?\d{{3}} ?[A-Z]{{2}}{END}"
# FedEx (12/15/20), USPS (20-22), JP/CN carriers (12-13): a long digit run, only after a
# shipping word (DHL's 10-11 digits are too short to tell from anything else).
_CARRIER_DIGITS = rf"{START_NUM}(?:(?:\d{{4}} ?){{2,5}}\d{{2,4}}|\d{{12,22}}){END_NUM}"


def commerce_recognizer() -> RuleRecognizer:
    """Order ids by marketplace format; tracking numbers by carrier format or context."""
    return RuleRecognizer(
        "CommerceRecognizer",
        [
            Rule("amazon_order", ORDER_ID, _AMAZON_ORDER, 0.7, context=ORDER_CONTEXT, context_score=0.9),
            Rule("ebay_order", ORDER_ID, _EBAY_ORDER, 0.5, context=ORDER_CONTEXT, context_score=0.85,
                 requires_context=True),
            Rule("ups", TRACKING_NUMBER, _UPS, 0.8, ups_tracking, SHIPPING_CONTEXT, 0.95),
            Rule("upu_s10", TRACKING_NUMBER, _S10, 0.7, upu_s10, SHIPPING_CONTEXT, 0.95),
            Rule("carrier_digits", TRACKING_NUMBER, _CARRIER_DIGITS, 0.5, context=SHIPPING_CONTEXT,
                 context_score=0.8, requires_context=True),
        ],
    )  # fmt: skip
