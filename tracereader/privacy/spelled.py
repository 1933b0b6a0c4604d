"""Numbers and codes spelled out to dodge a filter: `oh seven nine one two …`, `S Z 5 2 9 0 8 2 D`.

A run of digit words (in the common languages), single digits and single letters is read as
the characters it spells; when that holds enough digits to identify (six or more), the run is
replaced, typed by what the spelled characters are (a phone number, an SSN, a NINO …) and
otherwise as an id.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tracereader.privacy.spans import Span

_DIGITS = {
    **dict.fromkeys(("zero", "oh", "o", "null", "nul", "cero", "zéro", "zero"), "0"),
    **dict.fromkeys(("one", "eins", "ein", "un", "une", "uno", "um", "een", "jeden", "ett"), "1"),
    **dict.fromkeys(("two", "zwei", "deux", "dos", "due", "dois", "twee", "dwa", "två"), "2"),
    **dict.fromkeys(("three", "drei", "trois", "tres", "tre", "três", "drie", "trzy"), "3"),
    **dict.fromkeys(("four", "vier", "quatre", "cuatro", "quattro", "quatro", "cztery"), "4"),
    "fyra": "4",
    **dict.fromkeys(("five", "fünf", "cinq", "cinco", "cinque", "vijf", "pięć", "fem"), "5"),
    **dict.fromkeys(("six", "sechs", "seis", "sei", "zes", "sześć", "sex"), "6"),
    **dict.fromkeys(("seven", "sieben", "sept", "siete", "sette", "sete", "zeven", "siedem"), "7"),
    "sju": "7",
    **dict.fromkeys(("eight", "acht", "huit", "ocho", "otto", "oito", "osiem", "åtta"), "8"),
    **dict.fromkeys(("nine", "neun", "neuf", "nueve", "nove", "negen", "dziewięć", "nio"), "9"),
}  # fmt: skip
_REPEAT = {"double": 2, "triple": 3, "doppel": 2, "doble": 2, "doppio": 2, "dubbel": 2}
_TOKEN = re.compile(r"[^\W_]+|\+")
_SEPARATOR = re.compile(r"^[\s,.\-/]*$")
# A number word or a label right before a run: `PAN is M F G P D 3 0 6 0 E`.
_LABEL_BEFORE = re.compile(
    r"(?i)(?:number|nummer|numero|número|numer|no\.?|nr\.?|id|pan|nino|ssn|iban|passport|"
    r"licen[cs]e|code)\W{0,3}(?:is|es|ist|est|är|jest|é|è|:|=)?\W{0,3}$"
)


def _spelled(token: str) -> str | None:
    lower = token.lower()
    if lower in _DIGITS:
        return _DIGITS[lower]
    if len(token) == 1 and token.isalnum():
        return token.upper()
    if token == "+" or lower == "plus":
        return "+"
    return None


def spelled_runs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, spelled characters) for each run of six or more spelled characters."""
    runs: list[tuple[int, int, str]] = []
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        start, chars, last_end, j, repeat = tokens[i].start(), "", None, i, 1
        while j < len(tokens):
            token = tokens[j]
            if last_end is not None and not _SEPARATOR.match(text[last_end : token.start()]):
                break
            word = token.group(0).lower()
            if word in _REPEAT and chars is not None:
                repeat, last_end, j = _REPEAT[word], token.end(), j + 1
                continue
            value = _spelled(token.group(0))
            if value is None:
                break
            chars += value * repeat
            repeat, last_end, j = 1, token.end(), j + 1
        digits = sum(ch.isdigit() for ch in chars)
        spelled_words = j - i
        labelled = _LABEL_BEFORE.search(text, max(0, start - 40), start)
        enough = digits >= 6 or (labelled and digits >= 1 and len(chars.strip("+")) >= 8)
        if enough and spelled_words >= 6 and last_end is not None:
            runs.append((start, last_end, chars))
            i = j
        else:
            i += 1
    return runs


def find_spelled(text: str, classify: Callable[[str], str | None]) -> list[Span]:
    """Spelled-out runs as spans, typed by `classify` (the type of the spelled string) or ID."""
    spans = []
    for start, end, chars in spelled_runs(text):
        plain = chars.replace("+", "+")
        spans.append(Span(start, end, classify(plain) or "ID", 0.7))
    return spans
