"""Identifiers with structure: cards, IBANs, SSNs, UK NINOs, national ids, passports, licences.

Checksums are python-stdnum's (Luhn for cards of every issuer, ISO 7064 for IBANs, the SSA's
rules for SSNs, each country's own for the national ids); numbers that need a checksum to be
told from an order number are taken only when it holds. Passport and licence numbers have no
checksum to go by, so they are taken after a label (`passport no.`, `DL#`) or as an MRZ line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from stdnum import iban, luhn
from stdnum.br import cpf
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.in_ import aadhaar, pan
from stdnum.it import codicefiscale
from stdnum.jp import in_ as jp_in
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.se import personnummer
from stdnum.us import ssn

from tracereader.privacy.spans import Span

_CARD = re.compile(r"(?<![\w\-.])(?:\d[ \-]?){12,18}\d(?![\w\-]|\.\d)")
_CARD_GROUPED = re.compile(
    r"(?<![\w\-])(?:\d{4}[ \-]){3}\d{4}(?:[ \-]\d{1,3})?(?![\w\-])"
    r"|(?<![\w\-])3[47]\d{2}[ \-]\d{6}[ \-]\d{5}(?![\w\-])"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", re.I)
_SSN_DASHED = re.compile(r"(?<![\w\-])\d{3}([- .])\d{2}\1\d{4}(?![\w\-]|\.\d)")
_SSN_CUE = re.compile(
    r"(?:ssn|social security(?: number| no\.?)?|soc\.? sec\.?)"
    r"(?:\s+(?:is|was|number|no\.?))?\W{0,8}$",
    re.I,
)
_NINE = re.compile(r"(?<![\w\-])\d{9}(?![\w\-])")
_NINO = re.compile(
    r"(?<![A-Za-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"[ \-]?\d{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?[A-D](?![A-Za-z0-9])",
    re.I,
)
_NINO_CUE = re.compile(r"(?:\bni\b|nino|national insurance)[^\n]{0,25}$", re.I)
_ID_CONTEXT = re.compile(
    r"\b(?:user|customer|account|member|client|patient|employee|subscriber|loyalty|"
    r"membership)[ _\-]?(?:id|number|no\.?|num|#)\s*(?:is|:|=|#)?\s*[\"']?"
    r"([A-Za-z0-9][A-Za-z0-9_\-]{2,})",
    re.IGNORECASE,
)
# After a document's name: an optional number word, a verb or sign, then one token.
_DOC_LINK = (
    r"(?i:[ \t\-]*(?:no\.?|nr\.?|number|num|n°|nº|#|id|nummer|numer|numero|número|numéro))?"
    r"(?i:[ \t]+(?:on file|we have|in the system|for you|of yours|mine|my))?"
    r"(?i:[ \t]*(?:is|was|är|é|es|est|ist|jest|è|er|:|=|#|-|\())?[ \t]*[\"'(`]?"
)
_DOC_VALUE = r"([A-Z0-9](?:[A-Z0-9\-/]|(?<=\d) (?=\d)){4,22}[A-Z0-9])(?![A-Za-z0-9])"
_PASSPORT = re.compile(
    r"(?i:\b(?:passport|passeport|reisepass|pasaporte|passaporte|passaporto|paspoort|paszport|"
    r"paszportu|passnummer|passnr|pp(?= *no)|travel document)\b)" + _DOC_LINK + _DOC_VALUE
)
_LICENCE = re.compile(
    r"(?i:(?:\b(?:driver'?s?|driving|drivers)[ \t]*licen[cs]e|\bDL\b|\bD/L\b|\bführerschein|"
    r"\bpermis(?: de conduire)?|\bcarnet de conducir|\bpatente|\brijbewijs|\bkörkort(?:snummer)?|"
    r"\bprawo jazdy|\bprawa jazdy|\bcarteira de motorista|\bCNH|\blicen[cs]e(?=[ \t]*(?:no|nr|"
    r"number|num|#))))" + _DOC_LINK + _DOC_VALUE
)
_NUMBERED = re.compile(r"(?i)\b(?:no|nr|number|num|nummer|numer|numero)\W*$|#\W*$")
_MRZ = re.compile(r"(?m)^[ \t]*([A-Z0-9<]{2}[A-Z0-9<]{28,42})[ \t]*$")


def _compact(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value)


def cards(text: str) -> Iterator[Span]:
    """Card numbers of every issuer: Luhn-valid 13–19 digits, or the grouped 4×4 / Amex shapes."""
    for m in _CARD.finditer(text):
        digits = _compact(m.group(0))
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn.is_valid(digits):
            yield Span(m.start(), m.end(), "CREDIT_CARD", 0.8)
    for m in _CARD_GROUPED.finditer(text):
        if m.group(0)[0] in "23456":
            yield Span(m.start(), m.end(), "CREDIT_CARD", 0.6)


def _iban_ok(value: str) -> bool:
    """ISO 7064 mod 97 (the national part's own check digits are not asked for)."""
    try:
        iban.validate(value, check_country=False)
    except ValueError:
        return False
    return True


def ibans(text: str) -> Iterator[Span]:
    """IBANs whose ISO 7064 check digits hold (a DHL or UPS number fails it)."""
    for m in _IBAN.finditer(text):
        if _iban_ok(m.group(0).upper()):
            yield Span(m.start(), m.end(), "IBAN_CODE", 0.9)


def ssns(text: str) -> Iterator[Span]:
    """US SSNs: any `ddd-dd-dddd`, and nine bare digits that the SSA's rules accept after a cue."""
    for m in _SSN_DASHED.finditer(text):
        yield Span(m.start(), m.end(), "US_SSN", 0.7)
    for m in _NINE.finditer(text):
        cued = _SSN_CUE.search(text, max(0, m.start() - 30), m.start())
        if cued and ssn.is_valid(m.group(0)):
            yield Span(m.start(), m.end(), "US_SSN", 0.8)


def ninos(text: str) -> Iterator[Span]:
    """UK National Insurance numbers (prefix rules of HMRC; lowercase only after a cue)."""
    for m in _NINO.finditer(text):
        value = m.group(0)
        if value.isupper() or _NINO_CUE.search(text, max(0, m.start() - 40), m.start()):
            yield Span(m.start(), m.end(), "UK_NINO", 0.85)


_NOT_IN_WORD = (r"(?<![\w\-])", r"(?![\w\-])")


def _bounded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(_NOT_IN_WORD[0] + pattern + _NOT_IN_WORD[1], flags)


# Checksummed national ids whose printed shape is distinctive enough to take without a cue.
_NATIONAL: tuple[tuple[re.Pattern[str], Callable[[str], bool]], ...] = (
    (_bounded(r"(?<!\.)\d{3}\.\d{3}\.\d{3}-\d{2}"), cpf.is_valid),
    (_bounded(r"\d{8}-?[A-HJ-NP-TV-Z]"), dni.is_valid),
    (_bounded(r"[XYZ]-?\d{7}-?[A-HJ-NP-TV-Z]"), nie.is_valid),
    (_bounded(r"[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]", re.I), codicefiscale.is_valid),
    (_bounded(r"(?:19|20)?\d{6}[-+]\d{4}"), personnummer.is_valid),
    (_bounded(r"[2-9]\d{3} \d{4} \d{4}"), aadhaar.is_valid),
    (_bounded(r"[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z]"), pan.is_valid),
    (_bounded(r"[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}"), nir.is_valid),
)
# Bare digit runs that are national ids only after a cue word (`BSN`, `PESEL`, `CPF` …).
_CUED_NATIONAL: tuple[tuple[re.Pattern[str], re.Pattern[str], Callable[[str], bool]], ...] = (
    (_bounded(r"\d{9}"), re.compile(r"(?:bsn|burgerservice)\W{0,20}$", re.I), bsn.is_valid),
    (_bounded(r"\d{11}"), re.compile(r"pesel\W{0,20}$", re.I), pesel.is_valid),
    (_bounded(r"\d{11}"), re.compile(r"cpf\W{0,20}$", re.I), cpf.is_valid),
    (_bounded(r"\d{12}"), re.compile(r"aadhaa?r\W{0,20}$", re.I), aadhaar.is_valid),
    (
        _bounded(r"\d{11}"),
        re.compile(r"(?:steuer|tax)[\- ]?(?:id|nr|nummer)\W{0,20}$", re.I),
        idnr.is_valid,
    ),
    (
        re.compile(r"(?<![0-9])\d{4} ?\d{4} ?\d{4}(?![0-9])"),
        re.compile(r"(?:my ?number|マイナンバー|個人番号)\W{0,6}\w{0,3}$", re.I),
        jp_in.is_valid,
    ),
)


def national_ids(text: str) -> Iterator[Span]:
    """National identity numbers of the common locales, each checked by its own checksum."""
    for pattern, valid in _NATIONAL:
        for m in pattern.finditer(text):
            if valid(m.group(0)):
                yield Span(m.start(), m.end(), "NATIONAL_ID", 0.85)
    for pattern, cue, valid in _CUED_NATIONAL:
        for m in pattern.finditer(text):
            if cue.search(text, max(0, m.start() - 30), m.start()) and valid(m.group(0)):
                yield Span(m.start(), m.end(), "NATIONAL_ID", 0.85)


def documents(text: str) -> Iterator[Span]:
    """Passport and driving-licence numbers after their label, and MRZ lines of travel papers."""
    for pattern, entity in ((_PASSPORT, "PASSPORT"), (_LICENCE, "DRIVER_LICENSE")):
        for m in pattern.finditer(text):
            value = m.group(1)
            numbered = re.search(
                r"(?i)\b(?:no|nr|number|num|#|nummer|numer|numero)\W*$",
                m.group(0)[: m.start(1) - m.start()],
            )
            if sum(ch.isdigit() for ch in value) >= 2 or (
                numbered and len(value) >= 6 and value.isupper()
            ):
                yield Span(m.start(1), m.end(1), entity, 0.8)
    for m in _MRZ.finditer(text):
        line = m.group(1)
        if "<<" in line or line.count("<") >= 3:
            yield Span(m.start(1), m.end(1), "PASSPORT", 0.9)


def context_ids(text: str) -> Iterator[Span]:
    """Ids written after `customer id`, `account number`, `member #` and the like."""
    for m in _ID_CONTEXT.finditer(text):
        yield Span(m.start(1), m.end(1), "ID", 0.6)


def find_identifiers(text: str) -> list[Span]:
    """Every structured identifier above in `text`."""
    out: list[Span] = []
    for finder in (cards, ibans, ssns, ninos, national_ids, documents, context_ids):
        out.extend(finder(text))
    return out
