"""Planted personal data for the sample traces: customers, contact details, cards, IBANs, IPs.

Every value is fake but shaped like the real thing (valid Luhn card test numbers, IBANs with
correct check digits, phone numbers in many formats including some that are valid in no
numbering plan, addresses, documentation-range IPs), so the anonymizer has real work to do.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

FIRST_NAMES = [
    "Maria",
    "James",
    "Priya",
    "Tomás",
    "Aiko",
    "Chidi",
    "Siobhán",
    "Lukas",
    "Fatima",
    "Noah",
    "Olivia",
    "Mateo",
    "Zoë",
    "Dmitri",
    "Grace",
    "Hannah",
    "Kwame",
    "Ingrid",
    "Rafael",
    "Mei",
    "Oliver",
    "Amara",
    "Jonas",
    "Lucía",
    "Ethan",
    "Nadia",
    "Samuel",
    "Yuki",
    "Claire",
    "Omar",
    "Elena",
    "Daniel",
    "Freya",
    "Arjun",
    "Sofia",
    "Liam",
    "Beatriz",
    "Henrik",
    "Layla",
    "Marcus",
]
LAST_NAMES = [
    "Garcia",
    "Okafor",
    "Raghunathan",
    "Müller",
    "Tanaka",
    "O'Connor",
    "Nguyen",
    "Schmidt",
    "Haddad",
    "Johnson",
    "Kowalski",
    "Fernández",
    "van der Berg",
    "Petrov",
    "Mensah",
    "Lindqvist",
    "Rossi",
    "Chen",
    "Dubois",
    "Whitfield",
    "Hernández",
    "Novak",
    "Kaur",
    "Andersen",
    "Moreau",
    "Bianchi",
    "Kim",
    "Silva",
    "Thompson",
    "Brennan",
    "Yilmaz",
    "Sato",
    "Ortega",
    "MacLeod",
]
MAIL_DOMAINS = [
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "proton.me",
    "icloud.com",
    "gmx.de",
    "web.de",
]


@dataclass(frozen=True)
class Region:
    """Where a customer lives: how their address, phone and locale look."""

    country: str
    locale: str
    streets: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (city, region/postcode prefix)
    eu: bool


US = Region(
    "US",
    "en-US",
    ("Alder Creek Rd", "Maple Ave", "N Lombard St", "Sunset Blvd", "Pine Ridge Dr", "Elm St"),
    (
        ("Bend", "OR 97701"),
        ("Boulder", "CO 80302"),
        ("Portland", "OR 97217"),
        ("Asheville", "NC 28801"),
        ("Missoula", "MT 59801"),
        ("Salt Lake City", "UT 84101"),
    ),
    False,
)
UK = Region(
    "GB",
    "en-GB",
    ("Kendal Road", "High Street", "Station Lane", "Marlborough Crescent", "Church Walk"),
    (
        ("Keswick", "CA12 5DJ"),
        ("Sheffield", "S10 2TN"),
        ("Bristol", "BS8 1QU"),
        ("Edinburgh", "EH9 1PR"),
    ),
    False,
)
DE = Region(
    "DE",
    "de-DE",
    ("Bergstraße", "Hauptstraße", "Lindenweg", "Am Sonnenhang", "Schillerplatz"),
    (("München", "80331"), ("Freiburg", "79098"), ("Berlin", "10115"), ("Garmisch", "82467")),
    True,
)
FR = Region(
    "FR",
    "fr-FR",
    ("rue des Alpes", "avenue Jean Jaurès", "chemin du Lac", "rue Victor Hugo"),
    (("Annecy", "74000"), ("Grenoble", "38000"), ("Lyon", "69003")),
    True,
)
NL = Region(
    "NL",
    "nl-NL",
    ("Keizersgracht", "Dorpsstraat", "Molenweg", "Kerkstraat"),
    (("Utrecht", "3511 AB"), ("Amsterdam", "1016 DK"), ("Haarlem", "2011 PL")),
    True,
)
CA = Region(
    "CA",
    "en-CA",
    ("Robson St", "Rue Sainte-Catherine", "Bay St", "Whyte Ave"),
    (("Vancouver", "BC V6E 1B4"), ("Montréal", "QC H3B 1A7"), ("Calgary", "AB T2P 1J9")),
    False,
)
REGIONS = [(US, 55), (UK, 12), (DE, 10), (CA, 8), (FR, 7), (NL, 8)]


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    """A card number of `length` digits starting with `prefix` whose Luhn check digit is valid."""
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    """Whether a digit string passes the Luhn check (used by the tests)."""
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# Well-known processor test numbers, plus generated ones with real issuer prefixes.
TEST_CARDS = [
    "4111111111111111",
    "5555555555554444",
    "4012888888881881",
    "378282246310005",
    "6011111111111117",
    "5105105105105100",
    "4242424242424242",
]


def card_number(rng: random.Random) -> str:
    """A Luhn-valid card number, either a known test number or a generated Visa/Mastercard."""
    if rng.random() < 0.5:
        return rng.choice(TEST_CARDS)
    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("37", 15)])
    return luhn_complete(prefix, length, rng)


def format_card(number: str, rng: random.Random) -> str:
    """Write a card number the way people paste it: grouped with spaces, dashes, or not at all."""
    style = rng.choice(["space", "space", "dash", "plain"])
    if style == "plain":
        return number
    sep = " " if style == "space" else "-"
    if len(number) == 15:
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def _iban_check(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def iban(country: str, rng: random.Random) -> str:
    """An IBAN with valid mod-97 check digits for DE, FR, NL or GB, printed in groups of four."""
    d = string.digits
    if country == "DE":
        bban = "".join(rng.choice(d) for _ in range(18))
    elif country == "FR":
        bban = (
            "".join(rng.choice(d) for _ in range(10))
            + "".join(rng.choice(string.ascii_uppercase + d) for _ in range(11))
            + "".join(rng.choice(d) for _ in range(2))
        )
    elif country == "NL":
        bban = rng.choice(["ABNA", "INGB", "RABO", "TRIO"]) + "".join(
            rng.choice(d) for _ in range(10)
        )
    else:
        bban = rng.choice(["WEST", "BARC", "NWBK", "MIDL"]) + "".join(
            rng.choice(d) for _ in range(14)
        )
    value = country + _iban_check(country, bban) + bban
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def phone(region: Region, rng: random.Random) -> str:
    """A phone number as a customer types it; about one in six is valid in no numbering plan."""
    r = rng.randint
    if rng.random() < 0.17:  # not a real number anywhere: 555-01xx fiction range, 000 area code …
        return rng.choice(
            [
                f"555-01{r(10, 99)}",
                f"(000) {r(100, 999)}-{r(1000, 9999)}",
                f"+1 (555) 010-{r(1000, 9999)}",
                f"+99 {r(100, 999)} {r(100, 999)} {r(1000, 9999)}",
                f"0{r(10, 99)}-{r(100, 999)}-{r(10, 99)}",
            ]
        )
    if region.country in ("US", "CA"):
        area = rng.choice(["415", "503", "720", "828", "406", "801", "604", "514"])
        n3, n4 = r(200, 999), r(1000, 9999)
        return rng.choice(
            [
                f"({area}) {n3}-{n4}",
                f"{area}-{n3}-{n4}",
                f"{area}.{n3}.{n4}",
                f"+1 {area} {n3} {n4}",
                f"+1-{area}-{n3}-{n4}",
                f"{area}{n3}{n4}",
            ]
        )
    if region.country == "GB":
        return rng.choice(
            [
                f"+44 7700 900{r(100, 999)}",
                f"07700 900{r(100, 999)}",
                f"020 7946 0{r(100, 999)}",
                f"+44 (0)161 496 0{r(100, 999)}",
            ]
        )
    if region.country == "DE":
        return rng.choice(
            [
                f"+49 30 {r(1000000, 9999999)}",
                f"0151 {r(1000000, 9999999)}",
                f"+49 (0)89 {r(100000, 999999)}",
                f"030/{r(1000000, 9999999)}",
            ]
        )
    if region.country == "FR":
        return rng.choice(
            [
                f"+33 6 {r(10, 99)} {r(10, 99)} {r(10, 99)} {r(10, 99)}",
                f"06 {r(10, 99)} {r(10, 99)} {r(10, 99)} {r(10, 99)}",
            ]
        )
    return rng.choice([f"+31 6 {r(10000000, 99999999)}", f"06-{r(10000000, 99999999)}"])


def client_ip(rng: random.Random) -> str:
    """A client address from the documentation ranges (IPv4 TEST-NETs or IPv6 2001:db8::/32)."""
    if rng.random() < 0.12:
        a, b, c = rng.randint(1, 0xFFFF), rng.randint(1, 0xFFFF), rng.randint(1, 0xFF)
        return f"2001:db8:{a:x}:{b:x}::{c:x}"
    net = rng.choice(["192.0.2", "198.51.100", "203.0.113"])
    return f"{net}.{rng.randint(1, 254)}"


def _email(first: str, last: str, rng: random.Random) -> str:
    f = first.lower().replace("ö", "o").replace("ü", "u").replace("ó", "o").replace("á", "a")
    f = f.replace("ë", "e").replace("é", "e").replace("í", "i").replace("'", "")
    lastname = last.lower().replace(" ", "").replace("'", "").replace("ü", "ue").replace("á", "a")
    lastname = lastname.replace("é", "e").replace("ö", "oe")
    local = rng.choice(
        [
            f"{f}.{lastname}",
            f"{f}{lastname}",
            f"{f[0]}{lastname}",
            f"{f}_{lastname}{rng.randint(1, 99)}",
            f"{f}{rng.randint(70, 99)}",
            f"{lastname}.{f}",
        ]
    )
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


@dataclass
class Customer:
    """One shop customer and everything about them a support chat could reveal."""

    user_id: str
    first: str
    last: str
    email: str
    phone: str
    region: Region
    street: str
    city: str
    postcode: str
    card: str
    iban: str | None
    ip: str
    orders: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Full name as written in order records."""
        return f"{self.first} {self.last}"

    @property
    def address(self) -> str:
        """One-line postal address."""
        return f"{self.street}, {self.city} {self.postcode}, {self.region.country}"


def _street(region: Region, rng: random.Random) -> str:
    name = rng.choice(region.streets)
    if region.country in ("US", "CA", "GB"):
        return f"{rng.randint(2, 4999)} {name}"
    if region.country == "FR":
        return f"{rng.randint(1, 120)} {name}"
    return f"{name} {rng.randint(1, 140)}"


def make_customer(index: int, rng: random.Random) -> Customer:
    """A new customer with a stable user id (`u_` plus letters) and fresh contact details."""
    region = rng.choices([r for r, _ in REGIONS], weights=[w for _, w in REGIONS])[0]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    city, postcode = rng.choice(region.cities)
    letters = "".join(rng.choice(string.ascii_lowercase) for _ in range(6))
    return Customer(
        user_id=f"u_{letters}{index % 10}",
        first=first,
        last=last,
        email=_email(first, last, rng),
        phone=phone(region, rng),
        region=region,
        street=_street(region, rng),
        city=city,
        postcode=postcode,
        card=card_number(rng),
        iban=iban(region.country, rng) if region.eu or region.country == "GB" else None,
        ip=client_ip(rng),
    )


def new_address(customer: Customer, rng: random.Random) -> str:
    """Another address in the customer's country (for address-change requests)."""
    city, postcode = rng.choice(customer.region.cities)
    return f"{_street(customer.region, rng)}, {city} {postcode}, {customer.region.country}"
