"""A deterministic planted set for the anonymizer: traces with known PII in every place.

Every planted value is recorded with its kind, so a test can search the anonymized output for
each raw value. The generator is seeded: the same set every run, on every machine.
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import asdict, dataclass, field

from tracereader.model import Feedback, Message, ToolCall, Trace
from tracereader.privacy.analyzer import TextAnalyzer


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "James Mary Robert Patricia Michael Jennifer William Linda David Elizabeth Richard Barbara "
    "Joseph Susan Thomas Jessica Charles Sarah Christopher Karen Daniel Nancy Matthew Lisa "
    "Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua "
    "Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald "
    "Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Kathleen Jacob Amy Gary Angela "
    "Nicholas Shirley Eric Anna Jonathan Brenda Stephen Pamela Larry Emma Justin Nicole Scott "
    "Helen Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel "
    "Priya Rahul Wei Mei Hiroshi Yuki Olga Dmitri Fatima Ahmed Sofia Mateo Lucia Javier "
    "Chiara Giovanni Ingrid Lars Aisha Kwame Chloe Noah Liam Olivia Ethan Isabella Lucas Mia"
)
LAST = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Patel Sharma Chen Wang Tanaka Suzuki Ivanova Petrov Haddad Rossi Bianchi Schmidt Fischer "
    "Andersson Larsen Okafor Mensah Dubois Moreau Kowalski Novak Murphy Kelly Sullivan Walsh "
    "Fernandez Silva Santos Costa Kim Park Choi Yamamoto Nakamura Hoffmann Becker Schneider"
)
DOMAINS = ("example.com", "mail.example.org", "corp.acme.io", "shop.example.co.uk", "hr.internal")


def raw_text(trace: Trace) -> str:
    """Every string of a trace as one text (JSON, unescaped), to search for planted values."""
    return json.dumps(asdict(trace), ensure_ascii=False, default=str).replace('\\"', '"')


@functools.cache
def shared_analyzer(model: str | None) -> TextAnalyzer:
    """One TextAnalyzer (one spaCy load) per model per test process."""
    return TextAnalyzer(model)


@dataclass
class Planted:
    """The planted traces and, per trace index, the raw values (kind, value) hidden in them."""

    traces: list[Trace] = field(default_factory=list)
    values: list[list[tuple[str, str]]] = field(default_factory=list)
    names: list[list[tuple[str, str]]] = field(default_factory=list)  # (first, last)


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def card(rng: random.Random) -> str:
    """A Luhn-valid card number in one of the ways people write them."""
    kind = rng.randrange(4)
    if kind == 3:
        n = _luhn_complete(rng.choice(("34", "37")), 15, rng)
        return f"{n[:4]} {n[4:10]} {n[10:]}"
    n = _luhn_complete(rng.choice(("4", "51", "55", "6011")), 16, rng)
    groups = [n[i : i + 4] for i in range(0, 16, 4)]
    return (" ".join(groups), "-".join(groups), n)[kind]


def iban(rng: random.Random) -> str:
    """A checksum-valid IBAN (DE, GB, FR or NL), spaced or compact."""
    country, bban = rng.choice(
        (
            ("DE", "".join(str(rng.randrange(10)) for _ in range(18))),
            ("GB", "NWBK" + "".join(str(rng.randrange(10)) for _ in range(14))),
            ("FR", "".join(str(rng.randrange(10)) for _ in range(23))),
            ("NL", "ABNA" + "".join(str(rng.randrange(10)) for _ in range(10))),
        )
    )
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    value = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    if rng.random() < 0.5:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value


def phone(rng: random.Random) -> str:
    """A phone number, valid or not in any numbering plan, in a common written shape."""
    d = [str(rng.randrange(10)) for _ in range(12)]
    a, b, c = "".join(d[0:3]), "".join(d[3:6]), "".join(d[6:10])
    return rng.choice(
        (
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"+1 {a} {b} {c}",
            f"+44 20 {b}{d[6]} {c}",
            f"+33 {d[0]} {a[1:]} {b[:2]} {c[:2]} {c[2:]}",
            f"0{a[:2]} {b}{d[6]} {c}",
            f"1{a}{b}{c}",
            f"{b}-{c}",
            f"+49 30 {b}{c}",
            f"123-456-{c}",
            f"000 {b} {c}",
        )
    )


def ssn(rng: random.Random) -> str:
    """A US social security number (some in ranges the SSA never issues)."""
    return f"{rng.randrange(100, 900):03d}-{rng.randrange(1, 99):02d}-{rng.randrange(1, 9999):04d}"


def ipv4(rng: random.Random) -> str:
    """An IPv4 address."""
    return ".".join(str(rng.randrange(1, 255)) for _ in range(4))


def ipv6(rng: random.Random) -> str:
    """An IPv6 address, full or compressed."""
    groups = [f"{rng.randrange(65536):x}" for _ in range(8)]
    if rng.random() < 0.5:
        return ":".join(groups)
    return f"2001:db8::{groups[0]}:{groups[1]}"


SENTENCES = (
    "Hi, I'm {full} and I still haven't received my order.",
    "My name is {full}. Please check order {order}.",
    "This is {first} {last} again, the parcel never arrived.",
    "Can you update the account for {full}? Reach me at {email}.",
    "{full} here — my card {card} was charged twice.",
    "Please send the refund to {full}, IBAN {iban}.",
    "I ordered this for my colleague {full}, can you ship it to her office?",
    "The package was signed for by {full} but that's not me.",
    "Call me on {phone} or {phone2}, ask for {first}.",
    "My SSN is {ssn}, my name is {full}, why do you need it?",
    "Login from {ip} failed, it's {full}'s laptop, also tried {ip6}.",
    "I reset my password at {url} and nothing happened. Regards, {full}",
    "Dear support, my husband {full} placed order {order} yesterday.",
    "{first} {last} from accounting asked me to follow up on invoice {order}.",
    "Thanks {first}! Also cc {full2} on this please, email {email2}.",
    "Per my chat with {full}, the replacement should ship today.",
)
REPLIES = (
    "Thanks, {first}. I found order {order} for {full}.",
    "Hello {first}, I've emailed the confirmation to {email}.",
    "Sorry about that, {first}! I've flagged order {order}.",
    "I understand, Mr. {last}. Let me check that for you.",
    "Noted: the refund for {full} goes to the IBAN you gave.",
)


def planted_set(n_traces: int = 60, seed: int = 2) -> Planted:
    """`n_traces` support conversations with names, contacts and identifiers planted everywhere."""
    rng = random.Random(seed)
    out = Planted()
    for i in range(n_traces):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        first2, last2 = rng.choice([f for f in FIRST if f != first]), rng.choice(LAST)
        local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randrange(99)}"))
        v = {
            "first": first,
            "last": last,
            "full": f"{first} {last}",
            "full2": f"{first2} {last2}",
            "email": f"{local.lower()}@{rng.choice(DOMAINS)}",
            "email2": f"{first2.lower()}+orders@{rng.choice(DOMAINS)}",
            "phone": phone(rng),
            "phone2": phone(rng),
            "card": card(rng),
            "iban": iban(rng),
            "ssn": ssn(rng),
            "ip": ipv4(rng),
            "ip6": ipv6(rng),
            "order": f"ORD-{rng.randrange(10000, 99999)}",
            "user": f"{first.lower()}{rng.randrange(10, 99)}",
            "customer": f"CUST-{rng.randrange(100000, 999999)}",
        }
        v["url"] = rng.choice(
            (
                f"https://portal.example.com/reset?email={v['email']}&ref=mail",
                f"https://{v['user']}:hunter2@files.example.net/share/{v['order']}",
                f"http://track.example.org/u/{v['email']}/orders",
            )
        )
        sentences = rng.sample(SENTENCES, 3)
        messages = [Message("system", "You are the support assistant for Acme Outdoor.")]
        for sentence in sentences:
            messages.append(Message("user", sentence.format(**v)))
            messages.append(Message("assistant", rng.choice(REPLIES).format(**v)))
        messages.insert(
            2,
            Message(
                "assistant",
                None,
                tool_calls=[
                    ToolCall(
                        "lookup_customer",
                        {"email": v["email"], "customer_name": v["full"], "phone": v["phone"]},
                        "c1",
                    )
                ],
            ),
        )
        messages.insert(
            3,
            Message(
                "tool",
                json.dumps(
                    {
                        "customer_id": v["customer"],
                        "email": v["email"],
                        "last_login_ip": v["ip"],
                        "note": f"VIP since 2021, ask for {v['first']}",
                    }
                ),
                tool_call_id="c1",
            ),
        )
        trace = Trace(
            messages=messages,
            id=f"planted-{i:03d}",
            user_id=v["user"],
            session_id=f"sess-{rng.randrange(10**6):06d}",
            feedback=Feedback(-1, f"{first} says the agent ignored {v['email']}"),
            metadata={
                "channel": rng.choice(("web", "ios", "android")),
                "account": v["customer"],
                "client_ip": v["ip"],
                "contact": {"phone": v["phone2"], "name": v["full"]},
                "latency_ms": rng.randrange(300, 4000),
            },
        )
        raw = raw_text(trace)
        kinds = {"email": "email", "email2": "email", "phone": "phone", "phone2": "phone"}
        kinds |= {"card": "card", "iban": "iban", "ssn": "ssn", "ip": "ip", "ip6": "ip"}
        kinds |= {"url": "url", "customer": "id", "user": "id"}
        values = [(kind, v[key]) for key, kind in kinds.items() if v[key] in raw]
        names = [(first, last)]
        if f"{first2} {last2}" in raw:
            names.append((first2, last2))
        out.traces.append(trace)
        out.values.append(values)
        out.names.append(names)
    return out
