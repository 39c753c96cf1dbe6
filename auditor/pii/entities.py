"""The national-id entity types and the country that issues each.

Plain data, apart from the recognizers that find these ids (`auditor.pii.recognizers.ids`):
the regulatory assessment reads it in the run process, which never loads Presidio.
"""

from __future__ import annotations

US_SSN = "US_SSN"
UK_NINO = "UK_NINO"
IN_PAN = "IN_PAN"
IN_AADHAAR = "IN_AADHAAR"
CN_RESIDENT_ID = "CN_RESIDENT_ID"
BR_CPF = "BR_CPF"
BR_CNPJ = "BR_CNPJ"
MX_RFC = "MX_RFC"
MX_CURP = "MX_CURP"
JP_MY_NUMBER = "JP_MY_NUMBER"
TR_TCKIMLIK = "TR_TCKIMLIK"
KR_RRN = "KR_RRN"
EU_VAT = "EU_VAT"
DRIVER_LICENSE = "DRIVER_LICENSE"

# The country that issues each personal national id, as a marketplace code: the data
# subject's country, whose law applies too (auditor.regulatory). Business tax ids (CNPJ,
# EU VAT) identify a company, and a driving licence's format does not reveal its country.
ISSUING_COUNTRY: dict[str, str] = {
    US_SSN: "US",
    UK_NINO: "UK",
    IN_PAN: "IN",
    IN_AADHAAR: "IN",
    CN_RESIDENT_ID: "CN",
    BR_CPF: "BR",
    MX_RFC: "MX",
    MX_CURP: "MX",
    JP_MY_NUMBER: "JP",
    TR_TCKIMLIK: "TR",
    KR_RRN: "KR",
}
