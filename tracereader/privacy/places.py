"""Street addresses and postcodes, in English and European forms, in any letter case.

A street is a house number beside a street word: `12 Baker Street`, `221b baker st`,
`12 rue de la Paix`, `Calle de Alcalá 42`, `Hauptstraße 5`, `Kerkstraat 12`, `ul. Długa 7/3`.
The address grows over what follows it on the same line or the next (flat, postcode, city,
state, country). A postcode on its own is taken only where its shape cannot be a count
(`SW1A 1AA`, `K1A 0B1`) or beside a city, a state or a postcode cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tracereader.privacy.spans import Span, word_list

_W = r"[^\W\d_][\w'’.\-]*"  # a word that starts with a letter (any script)
_C = r"[^\W\d_][\w'’\-]*"  # a word of a place name (no sentence full stop)
# Street words after the name: USPS Publication 28 suffixes and their British cousins.
_STREET_AFTER = (
    r"street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
    r"terrace|terr|square|sq|parkway|pkwy|highway|hwy|crescent|cres|close|grove|gardens|gdns|"
    r"row|mews|walk|hill|hills|park|circle|cir|trail|trl|loop|alley|plaza|point|pike|run|path|"
    r"green|rise|view|wharf|quay|broadway|causeway|esplanade|parade|promenade|vale|yard|"
    r"branch|bridge|brook|brooks|burg|bypass|camp|canyon|cape|center|centers|cliff|cliffs|club|"
    r"common|commons|corner|corners|course|cove|coves|creek|crest|crossing|crossroad|curve|"
    r"dale|dam|divide|estate|estates|expressway|extension|falls|ferry|field|fields|flat|flats|"
    r"ford|fords|forest|forge|forges|fork|forks|fort|freeway|garden|glen|glens|"
    r"greens|harbor|harbors|haven|heights|hollow|inlet|island|islands|isle|junction|"
    r"junctions|key|keys|knoll|knolls|lake|lakes|land|landing|light|lights|loaf|lock|locks|"
    r"lodge|mall|manor|manors|meadow|meadows|mill|mills|mission|motorway|mount|mountain|"
    r"mountains|neck|orchard|oval|overpass|pass|passage|pine|pines|plain|plains|port|ports|"
    r"prairie|radial|ramp|ranch|rapid|rapids|rest|ridge|ridges|river|route|shoal|shoals|"
    r"shore|shores|skyway|spring|springs|spur|spurs|station|stravenue|stream|summit|throughway|"
    r"trace|track|tunnel|turnpike|underpass|union|unions|valley|valleys|via|viaduct|views|"
    r"village|villages|ville|vista|wall|ways|well|wells|trafficway|walks|groves|nagar|marg|"
    r"colony|chowk|gali|vihar|enclave|sector|layout|bazaar"
)
# Street words before the name, in the languages of the common locales.
_STREET_BEFORE = (
    r"rue|avenue|av\.|bd|boulevard|chemin|allée|allee|impasse|place|quai|cours|route|square|"
    r"calle|c/|c\.|avenida|avda\.?|paseo|plaza|camino|carrer|carretera|ronda|travesía|travesia|"
    r"urbanización|urbanizacion|pasaje|pasadizo|cañada|canada|glorieta|cuesta|rambla|callejón|"
    r"callejon|acceso|alameda|via|viale|piazza|piazzale|corso|largo|vicolo|strada|contrada|"
    r"borgo|rotonda|canale|stretto|incrocio|rua|travessa|praça|praca|estrada|ladeira|"
    r"ul\.|ulica|al\.|aleja|aleje|plac|pl\.|os\.|osiedle"
)
_STREET_SUFFIX = (
    r"straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|"
    r"straat|laan|gracht|plein|kade|dijk|singel|steeg|hof|pad|dreef|markt|wal|"
    r"gatan|vägen|gränd|torget|gata|väg|gade|vej|veien|gaten|katu|tie|utca"
)
_NUMBER = r"\d{1,5}(?:\s?[a-zA-Z](?![a-zA-Z]))?(?:\s?[/\-]\s?\d{1,4}[a-zA-Z]?)?"
_UNIT = (
    r"(?:,?\s*(?:apt|apartment|suite|ste|unit|flat|fl|floor|piso|bajo|puerta|escalera|"
    r"wohnung|étage|etage|interno|int\.|scala|lok\.|m\.|#)\.?\s*[\w\-/º°]{1,8}){0,2}"
)
_NOT_THOUSANDS = r"(?<!\b\d,)(?<!\b\d\d,)(?<!\b\d\d\d,)"  # "$1,299 Main St" is a price
_STREETS = re.compile(
    r"(?<![\w/.$€£#])(?:"
    r"(?:\d{4,5}|\d{1,2}|" + _NOT_THOUSANDS + r"\d{3})(?:/\d{1,4})?[a-zA-Z]?,?\s+"
    r"(?:" + _W + r"\s+){0,4}?(?:" + _STREET_AFTER + r")\b\.?"
    r"|\d{1,5}[a-zA-Z]?,?\s+(?:" + _STREET_BEFORE + r")(?:\s+" + _W + r"){1,5}"
    r"|(?:" + _STREET_BEFORE + r")(?:\s+" + _W + r"){1,5},?\s+" + _NUMBER +
    r"|(?:" + _W + r"[ \-])?[^\W\d_][\w\-]*?(?:" + _STREET_SUFFIX + r")\b,?\s+" + _NUMBER +
    r")" + _UNIT,
    re.IGNORECASE,
)  # fmt: skip
_POSTCODE_SHAPES = (
    r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"  # UK
    r"|[A-Z]\d[A-Z]\s?\d[A-Z]\d"  # Canada
    r"|\d{4}\s?[A-Z]{2}"  # Netherlands
    r"|\d{2}-\d{3}"  # Poland
    r"|\d{3}\s?\d{2}"  # Sweden, Czechia, Greece
    r"|\d{3}-\d{4}"  # Japan
    r"|\d{5}(?:-\d{4})?"  # US ZIP, Germany, France, Spain, Italy …
    r"|\d{4}"  # Austria, Belgium, Denmark, Switzerland, Australia …
    r"|\d{6}"  # India, Russia, China
)
_TAIL = re.compile(
    r"(?:[ \t]*[,\n][ \t]*)(?:"
    r"(?:" + _POSTCODE_SHAPES + r")[ \t]+" + _C + r"(?:[ \t\-]" + _C + r"){0,2}"
    r"|" + _C + r"(?:[ \t\-]" + _C + r"){0,2}(?:,?[ \t]+(?:[A-Z]{2}|" + _C + r"))?,?[ \t]+(?:" +
    _POSTCODE_SHAPES + r")"
    r"|" + _C + r"(?:[ \t\-]" + _C + r"){0,2}"
    r")(?:[ \t]*,[ \t]*(?:[A-Z]{2,3}\b|" + _C + r"(?:[ \t]" + _C + r")?))?",
    re.IGNORECASE,
)  # fmt: skip
_DISTINCT_POSTCODE = re.compile(
    r"(?<![\w\-])(?:[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}|[A-Z]\d[A-Z]\s\d[A-Z]\d)(?![\w\-])"
)
_POSTCODE_CUE = re.compile(
    r"(?:post ?code|postal code|zip(?: ?code)?|plz|postleitzahl|code postal|cap|c\.p\.|"
    r"cp|código postal|codigo postal|postcode|postnummer|eircode|pin ?code|cep|kod pocztowy)"
    r"(?:[ \t]*[,:=#\-]?[ \t]*(?:mine|my|is|it|its|it's|was|now|new|the|correct|right|one|to|"
    r"should|be|é|es|ist|est|är|jest)\b){0,3}[ \t]*[:=#\-]?[ \t]*[\"']?("
    + _POSTCODE_SHAPES
    + r")(?![\w\-])",
    re.IGNORECASE,
)
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|MP|AA|AE|AP"
)
_CITY_POSTCODE = re.compile(
    r"(?:^|(?<=[,\n]))[ \t]*(\d{5,6}|\d{4}\s?[A-Z]{2}|\d{2}-\d{3}|\d{3}[\s\-]\d{2,4})[ \t]+"
    r"[^\W\d_][\w'’\-]*(?![\w])"
    r"|\b(?:" + _US_STATES + r")[ \t]+(\d{5}(?:-\d{4})?)(?![\w\-])",
    re.MULTILINE,
)
# A house number before a street word that is really a quantity (`2 way`, `3 park`).
_NOT_AFTER_NUMBER = re.compile(
    r"^\d{1,5}\s+(?:way|ways|place|places|park|point|points|run|runs|row|rows|green|view|"
    r"views|walk|walks|hill|hills|loop|loops|path|paths|court|st|dr|pl)\b",
    re.IGNORECASE,
)
# Words no street name holds between its number and its street word.
_FUNCTION_WORDS = frozenset(
    word_list(
        "is are was were be on in at its it to of my your our the a an and or for from with by "
        "this that will would can has have had not no"
    )
)
_JAPANESE_ROMAN = re.compile(
    r"(?<![0-9A-Za-z])\d{1,4}-\d{1,4}(?:-\d{1,4})?[ \t]+[A-Z][a-z]+(?:[ \-][\w\-]+)?,"
    r"[ \t]*[A-Z][a-z]+-(?:ku|shi|cho|machi|gun|mura)\b"
    r"(?:,[ \t]*(?:\d{3}-\d{4}[ \t]+)?[A-Z][a-z]+)?"
)
_JAPANESE = re.compile(
    r"[一-龯ぁ-んァ-ン]{1,6}[都道府県][一-龯ぁ-んァ-ン]{1,8}[市区町村郡][^\s,。、]{0,20}"
)


def streets(text: str) -> Iterator[Span]:
    """Street addresses, grown over the postcode, city and country that follow them."""
    for m in _STREETS.finditer(text):
        if _NOT_AFTER_NUMBER.match(m.group(0)):
            continue
        if _FUNCTION_WORDS.intersection(w.lower() for w in m.group(0).split()[1:-1]):
            continue  # "$199.00 is on its way": a sentence, not a street
        end = m.end()
        tail = _TAIL.match(text, end)
        if tail and "\n\n" not in tail.group(0):
            end = tail.end()
        end = _trim_tail(text, m.start(), end)
        yield Span(m.start(), end, "ADDRESS", 0.65)
    for pattern in (_JAPANESE, _JAPANESE_ROMAN):
        for m in pattern.finditer(text):
            yield Span(m.start(), m.end(), "ADDRESS", 0.6)


def _trim_tail(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t,.;:\n":
        end -= 1
    return end


def postcodes(text: str) -> Iterator[Span]:
    """Postcodes of distinctive shape, after a postcode cue, or beside a city or a state."""
    for m in _DISTINCT_POSTCODE.finditer(text):
        yield Span(m.start(), m.end(), "POSTCODE", 0.6)
    for m in _POSTCODE_CUE.finditer(text):
        yield Span(m.start(1), m.end(1), "POSTCODE", 0.7)
    for m in _CITY_POSTCODE.finditer(text):
        group = 1 if m.group(1) else 2
        yield Span(m.start(group), m.end(group), "POSTCODE", 0.5)


def find_places(text: str) -> list[Span]:
    """Every street address and postcode in `text`."""
    return [*streets(text), *postcodes(text)]
