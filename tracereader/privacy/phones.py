"""Phone numbers, judged by Google's libphonenumber (`phonenumbers`) across the configured regions.

A cheap pattern finds digit runs shaped like a number (also after `tel:`, vCard `TEL:` and in
`wa.me/` links); libphonenumber decides: an international number must be possible, a national
one valid in one of the regions. Grouped numbers (`(212) 555-0147`, `555.123.4567`) are taken
even when no plan knows them, as people and fake-data tools write such numbers; a bare digit
run needs a plan that accepts it and no cue that it is an order, tracking or ISBN number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import phonenumbers

from tracereader.privacy.spans import Span

PHONE = "PHONE_NUMBER"
# Regions tried for numbers written without a country code (ISO 3166 codes).
DEFAULT_REGIONS = (
    "US", "GB", "CA", "AU", "IE", "IN", "DE", "AT", "CH", "FR", "BE", "NL", "ES", "PT", "IT",
    "PL", "SE", "DK", "NO", "FI", "BR", "MX", "AR", "JP", "CN", "KR", "ZA", "NG", "TR", "RU",
)  # fmt: skip

_CANDIDATE = re.compile(
    r"(?<![\w+\-])(?:\+|00)?[ \t]?\(?\d[\d \t\u00a0().\-/]{4,24}\d"
    r"(?:[ \t]?(?:ext\.?|x|#)[ \t]?\d{1,5})?(?![\w@])"
)
_LINK = re.compile(
    r"(?:\btel:|\bsms:|\bcallto:|wa\.me/|whatsapp\.com/send\?phone=|api\.whatsapp\.com/\S*?phone=)"
    r"[ \t]*(\+?[\d\-. ()]{6,20}\d)",
    re.IGNORECASE,
)
_PHONE_CUE = re.compile(
    r"(?:phone|tel|mobile|mobil|cell|call|ring|text|sms|whatsapp|fax|contact|reach|number|"
    r"telefon|teléfono|telefone|téléphone|portable|handy|cellulare|numer)\W{0,12}"
    r"(?:\w+\W{1,3}){0,3}$",
    re.IGNORECASE,
)
_OTHER_CUE = re.compile(
    r"(?:order|tracking|track|shipment|parcel|package|waybill|awb|consignment|invoice|ticket|"
    r"case|ref|reference|confirmation|booking|reservation|po|sku|item|isbn|issn|ean|upc|gtin|"
    r"serial|part|model|rma|receipt|transaction|txn|account|acct|iban|card|ssn|passport|"
    r"licen[cs]e|version|build|release|id|no|nr|#)(?:\s+(?:is|was|number|no\.?))?\W{0,4}$",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$|^\d{4}[-/]\d{4}$"
)
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_GROUPED = re.compile(r"[\s.\-()/]")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@lru_cache(maxsize=4096)
def _valid_somewhere(candidate: str, regions: tuple[str, ...]) -> bool:
    for region in regions:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


def _possible_international(candidate: str) -> bool:
    value = "+" + candidate.lstrip()[2:] if candidate.lstrip().startswith("00") else candidate
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number)


def _not_a_phone(value: str) -> bool:
    """Dates, IPv4 addresses, decimals, ISBNs and card-length Luhn numbers are something else."""
    from stdnum import isbn, luhn

    digits = _digits(value)
    if _DATE.match(value) or _IPV4.match(value) or re.fullmatch(r"\d+[.,]\d{1,2}", value):
        return True
    if len(digits) in (10, 13) and isbn.is_valid(digits) and digits[:3] in ("978", "979"):
        return True
    if len(digits) == 10 and isbn.is_valid(digits):
        return value.count("-") == 3 or value.isdigit()  # 0-306-40615-2, or 0306406152
    return 13 <= len(digits) <= 19 and luhn.is_valid(digits) and digits[0] in "3456"


def find_phones(text: str, regions: Iterable[str] = DEFAULT_REGIONS) -> list[Span]:
    """Phone numbers in `text` (national numbers judged against `regions`)."""
    regions = tuple(regions)
    spans: list[Span] = []
    for m in _LINK.finditer(text):
        spans.append(Span(m.start(1), m.end(1), PHONE, 0.9))
    for m in _CANDIDATE.finditer(text):
        value = m.group(0).strip(" \t\u00a0.-/")
        if value.startswith("(") and value.count("(") > value.count(")"):
            value = value[1:]
        start = m.start() + m.group(0).index(value)
        value = value.rstrip("(")
        if value.count(")") > value.count("("):
            value = value.rstrip(")")
        digits = _digits(value)
        before = text[max(0, start - 40) : start]
        if not 7 <= len(digits) <= 15 or (_not_a_phone(value) and not _PHONE_CUE.search(before)):
            continue
        international = value.startswith("+") or value.startswith("00")
        if not international and _OTHER_CUE.search(before) and not _PHONE_CUE.search(before):
            continue
        grouped = bool(_GROUPED.search(value))
        cued = bool(_PHONE_CUE.search(before))
        if international:
            ok = _possible_international(value) or len(digits) >= 9
        elif grouped:
            ok = len(digits) >= 9 or cued or _valid_somewhere(value, regions)
        else:
            ok = len(digits) >= 9 and (cued or _valid_somewhere(value, regions))
        if ok:
            spans.append(Span(start, start + len(value), PHONE, 0.6 if cued else 0.5))
    return spans
