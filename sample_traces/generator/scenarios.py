"""Conversation builders for the Acme Outfitters support assistant, with failures written in.

Each intent (where is my order, return/refund, address change, policy question, product advice,
cancellation) builds a conversation in the native message shape. A failure assigned to a trace
is not a label: it changes the conversation itself (the wrong tool is really called, the invented
policy is really stated next to the policy text that contradicts it), so a reviewer can see it.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from people import Customer

PRODUCTS = [
    ("Ridgeline 2P Tent", 329.00),
    ("Summit 800 Down Jacket", 289.00),
    ("Trailhead 45L Backpack", 179.95),
    ("Granite Trail Runners", 139.00),
    ("Cascade -7°C Sleeping Bag", 219.00),
    ("Alpenglow 400 Headlamp", 44.95),
    ("Tarn Carbon Trekking Poles", 119.00),
    ("Borealis Rain Shell", 199.00),
    ("Basecamp Stove Kit", 89.50),
    ("Merino 150 Base Layer Crew", 74.00),
    ("Fjell Insulated Bottle 1L", 34.95),
    ("Talus Approach Shoes", 149.00),
    ("Drift Camp Chair", 69.00),
    ("Stratus Sleeping Pad", 129.00),
]
# Carriers and sorting hubs by the customer's country, so a parcel's story hangs together.
CARRIERS = {
    "US": ["UPS", "USPS", "FedEx"],
    "CA": ["Canada Post", "UPS"],
    "GB": ["Royal Mail", "DPD", "DHL"],
    "DE": ["DHL", "DPD", "Hermes"],
    "FR": ["Colissimo", "DPD"],
    "NL": ["PostNL", "DHL"],
}
SCAN_PLACES = {
    "US": ["Reno, NV", "Louisville, KY", "Memphis, TN", "Denver, CO", "Salt Lake City, UT"],
    "CA": ["Mississauga, ON", "Richmond, BC", "Calgary, AB"],
    "GB": ["East Midlands Hub", "Warrington DC", "Heathrow Worldwide DC"],
    "DE": ["Leipzig Hub", "Frankfurt am Main", "Paketzentrum München"],
    "FR": ["Roissy-CDG", "Lyon Saint-Priest", "Chilly-Mazarin PFC"],
    "NL": ["Nieuwegein", "Schiphol Hub", "Tilburg"],
}

POLICIES: dict[str, dict[str, str]] = {
    "returns": {
        "title": "Returns & exchanges",
        "text": "Unused items can be returned within 30 days of delivery for a full refund to the "
        "original payment method. Return shipping is free for Acme Rewards members; otherwise a "
        "$6.95 label fee is deducted from the refund.",
        "true": "30 days of delivery",
    },
    "used": {
        "title": "Used or worn gear",
        "text": "Items that have been used outdoors can only be returned for manufacturing "
        "defects, under the warranty. They are not eligible for a change-of-mind refund.",
        "true": "only for manufacturing defects",
    },
    "warranty": {
        "title": "Warranty",
        "text": "All Acme Outfitters gear carries a 1-year limited warranty against manufacturing "
        "defects; down jackets and sleeping bags carry 2 years. Normal wear and accidental "
        "damage are not covered.",
        "true": "1 year (2 years for down)",
    },
    "price_match": {
        "title": "Price match",
        "text": "We match the advertised price of authorized US and Canadian retailers within 14 "
        "days of purchase. Marketplace sellers, auctions and clearance prices are excluded.",
        "true": "authorized retailers, 14 days",
    },
    "international": {
        "title": "International shipping",
        "text": "We ship to the US, Canada, the UK and the EU. Orders to Canada and the UK may be "
        "charged import duties on delivery, paid by the customer. Free shipping applies to US "
        "orders over $75 only.",
        "true": "duties paid by the customer, free shipping US only",
    },
    "address": {
        "title": "Changing an order",
        "text": "The shipping address can be changed until the order ships. After that, the "
        "customer must ask the carrier to redirect the parcel; Acme cannot reroute it.",
        "true": "only before the order ships",
    },
    "refund_time": {
        "title": "Refund timing",
        "text": "Refunds are issued once the return is scanned by the carrier and reach the "
        "original payment method within 5-10 business days.",
        "true": "5-10 business days",
    },
    "delays": {
        "title": "Delivery estimates",
        "text": "Delivery dates are estimates from the carrier. Acme refunds expedited shipping "
        "fees when an expedited parcel arrives late; no other compensation is offered for delays.",
        "true": "only expedited fees are refunded",
    },
}

# Invented versions a hallucinating assistant states instead (same topic keys).
INVENTED: dict[str, list[str]] = {
    "returns": [
        "you have 90 days to return anything, and return shipping is always free",
        "returns are accepted for a full year, no questions asked",
        "you can return it within 60 days and we cover the return label",
    ],
    "used": [
        "used gear can be returned within 365 days under our Satisfaction Promise",
        "even worn items are fully refundable within 60 days",
    ],
    "warranty": [
        "everything we sell has a lifetime warranty, including accidental damage",
        "the warranty is 5 years on all tents and jackets",
    ],
    "price_match": [
        "we match any price you find online, including Amazon and eBay sellers",
        "we price-match any retailer up to 60 days after purchase",
    ],
    "international": [
        "shipping to Canada and the UK is free and we cover all duties",
        "all international orders ship free over $50",
    ],
    "address": [
        "we can reroute the parcel for you even after it ships, free of charge",
        "the carrier will update the address automatically once I change it here",
    ],
    "refund_time": [
        "refunds land on your card within 24 hours",
        "you'll see the money back the same day",
    ],
    "delays": [
        "because it's late you automatically get a 20% refund",
        "late deliveries get a $15 voucher, I've added it to your account",
    ],
}

SYSTEM_PROMPTS = {
    "v1.4": "You are the customer-support assistant of Acme Outfitters, an online shop for outdoor "
    "gear. Help customers with orders, shipping, returns, refunds and store policies. Tools: "
    "lookup_order (find an order by order_id or email), track_shipment (carrier status by "
    "tracking_number), issue_refund (order_id, amount, reason), search_policy (query the policy "
    "knowledge base), update_address (order_id, address). Be friendly and concise. Never state "
    "a policy you did not find with search_policy.",
    "v1.5": "You are the customer-support assistant of Acme Outfitters, an online shop for outdoor "
    "gear. Help customers with orders, shipping, returns, refunds and store policies. Tools: "
    "lookup_order (find an order by order_id or email), track_shipment (carrier status by "
    "tracking_number), issue_refund (order_id, amount, reason), search_policy (query the policy "
    "knowledge base), update_address (order_id, address). Tool rules: for 'where is my order' "
    "questions call lookup_order, then track_shipment with the order's tracking_number (never "
    "the order id). Only issue_refund moves money; update_address only changes addresses. Be "
    "friendly and concise. Never state a policy you did not find with search_policy.",
}

GREETINGS = ["Hi, ", "Hello, ", "hey ", "Hi there! ", "", "", "Good morning, ", "Hallo, ", "hi - "]
THANKS = [
    "thanks!",
    "Thank you so much",
    "ok great, thanks",
    "perfect, cheers",
    "thx",
    "Thanks, that helps.",
    "ok",
    "Great, appreciate it!",
    "danke!",
    "merci :)",
]
WELCOME = [
    "You're welcome! Enjoy your trip.",
    "Happy to help - have a great day!",
    "Anytime! Let me know if there's anything else.",
    "Glad I could help. Happy trails!",
    "You're welcome, {first}!",
]


@dataclass
class Order:
    """An order as the shop's backend knows it."""

    id: str
    items: list[tuple[str, int, float]]
    placed: datetime
    status: str  # processing | shipped | delivered
    carrier: str
    tracking: str | None

    @property
    def total(self) -> float:
        """Order total in dollars."""
        return round(sum(q * p for _, q, p in self.items), 2)

    @property
    def product(self) -> str:
        """The first (main) item's name."""
        return self.items[0][0]


def make_order(rng: random.Random, now: datetime, country: str, status: str | None = None) -> Order:
    """A plausible order placed a few days to three weeks before `now`, shipped in `country`."""
    count = rng.choice([1, 1, 1, 2, 2, 3])
    items = [(name, rng.choice([1, 1, 1, 2]), price) for name, price in rng.sample(PRODUCTS, count)]
    status = status or rng.choice(["processing", "shipped", "shipped", "shipped", "delivered"])
    carrier = rng.choice(CARRIERS[country])
    tracking = None
    if status != "processing":
        if carrier == "UPS":
            tracking = "1Z" + "".join(
                rng.choice(string.ascii_uppercase + string.digits) for _ in range(16)
            )
        else:
            tracking = (
                "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
                + "".join(rng.choice(string.digits) for _ in range(9))
                + country
            )
    return Order(
        id=f"AO-{rng.randint(100000, 999999)}",
        items=items,
        placed=now - timedelta(days=rng.randint(2, 20), hours=rng.randint(0, 23)),
        status=status,
        carrier=carrier,
        tracking=tracking,
    )


@dataclass
class Context:
    """Everything one conversation is built from; `info` collects facts for reviewer notes."""

    rng: random.Random
    customer: Customer
    order: Order
    now: datetime
    release: str
    failures: set[str]
    info: dict[str, str] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    last_result: Any = None
    closing: int | None = None
    """Index of the first message of the closing small talk (thanks / you're welcome)."""

    def pick(self, options: list[str]) -> str:
        """One wording out of many."""
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        """True with probability p."""
        return self.rng.random() < p

    def user(self, text: str) -> None:
        """A user turn; sometimes lower-cased or sent as OpenAI-style content parts."""
        if self.chance(0.15):
            text = text.lower()
        if self.chance(0.06):
            self.messages.append({"role": "user", "content": [{"type": "text", "text": text}]})
        else:
            self.messages.append({"role": "user", "content": text})

    def say(self, text: str) -> None:
        """An assistant turn with text."""
        self.messages.append({"role": "assistant", "content": text})

    def call(
        self, name: str, arguments: dict[str, Any], result: Any, preface: str | None = None
    ) -> Any:
        """An assistant tool call followed by the tool's JSON result."""
        call_id = "call_" + "".join(
            self.rng.choice(string.ascii_letters + string.digits) for _ in range(12)
        )
        self.messages.append(
            {
                "role": "assistant",
                "content": preface,
                "tool_calls": [{"id": call_id, "name": name, "arguments": arguments}],
            }
        )
        self.messages.append(
            {
                "role": "tool",
                "tool_call_id": call_id,
                "name": name,
                "content": json.dumps(result, ensure_ascii=False),
            }
        )
        self.last_result = result
        return result

    # -- tool results ------------------------------------------------------------------------
    def order_record(self, order: Order | None = None) -> dict[str, Any]:
        """What lookup_order returns: the order with the customer's contact details."""
        o = order or self.order
        c = self.customer
        return {
            "order_id": o.id,
            "status": o.status,
            "placed_at": o.placed.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "items": [{"name": n, "qty": q, "unit_price": p} for n, q, p in o.items],
            "total": o.total,
            "currency": "USD",
            "customer": {"name": c.name, "email": c.email, "phone": c.phone},
            "shipping_address": c.address,
            "payment": f"card ending {c.card[-4:]}",
            "carrier": o.carrier if o.tracking else None,
            "tracking_number": o.tracking,
        }

    def shipment(self, allow_exception: bool = True) -> dict[str, Any]:
        """What track_shipment returns for the order's parcel."""
        o = self.order
        eta = self.now + timedelta(days=self.rng.randint(1, 4))
        states = ["in_transit", "in_transit", "out_for_delivery", "exception"]
        if not allow_exception:
            states.remove("exception")
        status = "delivered" if o.status == "delivered" else self.rng.choice(states)
        if status == "out_for_delivery":
            eta = self.now
        place = self.rng.choice(SCAN_PLACES[self.customer.region.country])
        last = self.now - timedelta(hours=self.rng.randint(2, 40))
        return {
            "tracking_number": o.tracking,
            "carrier": o.carrier,
            "status": status,
            "last_scan": {"place": place, "at": last.strftime("%Y-%m-%dT%H:%MZ")},
            "eta": None if status == "delivered" else eta.strftime("%Y-%m-%d"),
            "note": "Address incomplete - held at depot" if status == "exception" else None,
        }

    def policy(self, topic: str) -> dict[str, Any]:
        """What search_policy returns for a topic."""
        p = POLICIES[topic]
        return {
            "results": [
                {
                    "title": p["title"],
                    "text": p["text"],
                    "score": round(0.72 + self.rng.random() * 0.25, 2),
                }
            ]
        }


def nice_date(iso: str | None) -> str:
    """'2026-10-24' as 'Saturday, Oct 24'."""
    if not iso:
        return "soon"
    moment = datetime.strptime(iso, "%Y-%m-%d")
    return moment.strftime("%A, %b %d").replace(" 0", " ")


STATUS_WORDS = {
    "in_transit": "on its way",
    "out_for_delivery": "out for delivery today",
    "delivered": "marked as delivered",
    "exception": "held at the carrier's depot",
}
