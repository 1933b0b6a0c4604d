"""Dates of birth: a date in a common format near a birth cue (`born`, `DOB`, `geboren am` …).

Other dates stay readable (an order date is not personal); under a birth key (`birthDate`,
`birth_date`, `dob`) the whole value is replaced by `fields`, whatever its format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tracereader.privacy.spans import Span

_MONTHS = (
    r"jan(?:uary|vier|uar|eiro)?|feb(?:ruary|ruar|rero)?|févr(?:ier)?|fevereiro|mar(?:ch|s|zo|ço)?|"
    r"märz|apr(?:il|ile)?|avr(?:il)?|abr(?:il)?|may|mai|mayo|maggio|maio|jun(?:e|i|io|ho)?|juin|"
    r"giugno|jul(?:y|i|io|ho)?|juil(?:let)?|luglio|aug(?:ust)?|août|ago(?:sto)?|sep(?:t(?:ember)?)?|"
    r"sept(?:embre)?|septiembre|settembre|setembro|oct(?:ober|obre)?|okt(?:ober)?|octubre|"
    r"ottobre|outubro|nov(?:ember|embre|iembre)?|dec(?:ember)?|dez(?:ember|embro)?|déc(?:embre)?|"
    r"dic(?:iembre|embre)?|januari|februari|maart|mei|augustus|mars|maj|augusti|stycznia|lutego|"
    r"marca|kwietnia|maja|czerwca|lipca|sierpnia|września|wrzesnia|października|pazdziernika|"
    r"listopada|grudnia|jan|feb|apr|jun|jul|aug|okt|dez"
)
_DATE = (
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"
    r"|\d{1,2}(?:st|nd|rd|th|er|º|°|\.)?\s+(?:of\s+|de\s+)?(?:" + _MONTHS + r")\.?,?\s+"
    r"(?:de\s+)?\d{4}"
    r"|(?:" + _MONTHS + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|(?:昭和|平成|令和|大正)?\d{1,4}年\d{1,2}月\d{1,2}日"
    r"|\d{8})"
)  # fmt: skip
_CUE = (
    r"d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthdate|birthday|b[\-\s]?day|born|"
    r"geb(?:oren|urtsdatum|\.)|né(?:e)?|date\s+de\s+naissance|fecha\s+de\s+nacimiento|nacid[oa]|"
    r"data\s+di\s+nascita|nat[oa]|data\s+de\s+nascimento|nascid[oa]|geboortedatum|geboren|"
    r"urodzon[ya]|urodzi[łl](?:em|am)|data\s+urodzenia|födelsedatum|född|birth|nac[ií]|nacid[oa]|"
    r"nasci|nato|nata|geboren|生年月日|誕生日"
)
_DOB = re.compile(
    r"\b(?:" + _CUE + r")\b[^\n\d]{0,24}?(?:\s(?:on|am|le|el|il|em|op|den)\s+)?"
    r"(" + _DATE + r")(?!\d)",
    re.IGNORECASE,
)  # fmt: skip
_VALUE = re.compile(r"^\s*" + _DATE + r"\s*$", re.IGNORECASE)


def is_date(value: str) -> bool:
    """Whether `value` is one date in a common format (ISO, d/m/y, `12 March 1985` …)."""
    return bool(_VALUE.match(value))


def dates_of_birth(text: str) -> Iterator[Span]:
    """Dates of birth written after a birth cue in any of the common formats."""
    for m in _DOB.finditer(text):
        yield Span(m.start(1), m.end(1), "DATE_OF_BIRTH", 0.8)
