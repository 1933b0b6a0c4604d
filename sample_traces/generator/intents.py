"""The six customer intents as conversations, each able to show the failures assigned to it.

`INTENTS` maps an intent to (builder, the failures it can show); `build` runs one and then
applies the cross-cutting failures (bad formatting, tone) to the final answer.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from people import format_card, new_address
from scenarios import INVENTED, POLICIES, STATUS_WORDS, THANKS, WELCOME, Context, nice_date

REFUSALS = {
    "track": [
        "I'm sorry, but I can't share delivery information in chat for security reasons. "
        "Please email support@acme-outfitters.example and the team will help you.",
        "Unfortunately I'm not able to look into shipments. Please contact the carrier directly.",
    ],
    "refund": [
        "I'm sorry, I'm not able to process refunds or returns. Please contact our returns "
        "department by email.",
        "I can't help with refunds here, sorry. Someone from the team will get back to you.",
    ],
    "address": [
        "For security reasons I can't change shipping addresses in chat. Please call us.",
        "I'm afraid I'm not allowed to modify orders. Please reach out to customer service.",
    ],
    "policy": [
        "I'm sorry, I can't give advice on that. Please check our website.",
        "I'm not able to answer policy questions, sorry about that!",
    ],
    "product": [
        "I'm sorry, I can't give product recommendations.",
        "As an AI assistant I can't recommend specific products for your safety outdoors.",
    ],
    "cancel": [
        "I'm sorry, I can't cancel orders. Please contact customer service.",
        "Cancellations aren't something I can help with, unfortunately.",
    ],
}
ASK_AGAIN = [
    "I'd be happy to check on that! Could you share your order number?",
    "Sure! Can you give me your order number so I can look it up?",
    "Of course. What's the order number (it starts with AO-)?",
    "Happy to help with that. Could you please provide the order number?",
]
REPEAT = [
    "I already gave it to you: {oid}",
    "it's in my first message... {oid}",
    "{oid}. I literally just wrote it",
    "Same as above, {oid}",
    "umm {oid} like I said",
]


def _greet(ctx: Context) -> str:
    return ctx.pick(["Hi, ", "Hello, ", "hey ", "Hi there! ", "", "", "Good morning, ", "hi - "])


def _refuse(ctx: Context, intent: str) -> None:
    ctx.say(ctx.pick(REFUSALS[intent]))
    if ctx.chance(0.5):
        ctx.user(
            ctx.pick(
                [
                    "seriously? it's my own order",
                    "why not? that's literally your job",
                    "ok... that's not very helpful",
                    "Can you not just check?",
                ]
            )
        )
        ctx.say(
            ctx.pick(
                [
                    "I understand the frustration, but I can't help with that here.",
                    "Sorry, that's outside what I can do.",
                ]
            )
        )


def _ask_again(ctx: Context) -> None:
    ctx.say(ctx.pick(ASK_AGAIN))
    ctx.user(ctx.pick(REPEAT).format(oid=ctx.order.id))


def _lookup(ctx: Context, by_email: bool = False) -> None:
    args = {"email": ctx.customer.email} if by_email else {"order_id": ctx.order.id}
    prefaces: list[str | None] = ["Let me look that up.", "One moment while I check your order."]
    preface = ctx.rng.choice([*prefaces, None, None])
    ctx.call("lookup_order", args, ctx.order_record(), preface)


def _close(ctx: Context, p: float = 0.35) -> None:
    if ctx.chance(p):
        ctx.closing = len(ctx.messages)
        ctx.user(ctx.pick(THANKS))
        ctx.say(ctx.pick(WELCOME).format(first=ctx.customer.first))


def track(ctx: Context) -> None:
    """Where is my order: lookup_order, then track_shipment with the tracking number."""
    c, o, f = ctx.customer, ctx.order, ctx.failures
    given = "order_again" in f or ctx.chance(0.75)
    extra = ""
    if "ignored_context" in f:
        kind = ctx.pick(["link", "away"])
        ctx.info["ignored"] = kind
        extra = (
            " I already checked the tracking link, it just says label created."
            if kind == "link"
            else " I'm away from Friday so a pickup point won't work for me."
        )
    if given:
        first = ctx.pick(
            [
                "{g}where is my order {oid}? it was supposed to be here by now.",
                "{g}can you tell me when order {oid} will arrive? I need the {p} for a trip on "
                "Saturday.",
                "Order {oid} - still not delivered. What's going on?",
                "{g}I ordered a {p} ({oid}) a week ago and the tracking hasn't moved. Can you "
                "check?",
                "Hi, this is {name}. Any update on {oid}?",
                "{g}my {p} hasn't shown up. order number {oid}, thanks",
            ]
        )
    else:
        first = ctx.pick(
            [
                "{g}I ordered a {p} last week and nothing has arrived. My email is {email}",
                "where's my stuff?? ordered ages ago. email {email}, phone {phone}",
                "{g}can you check my delivery? I'm {name}, {email}",
            ]
        )
    ctx.user(
        first.format(
            g=_greet(ctx), oid=o.id, p=o.product, name=c.name, email=c.email, phone=c.phone
        )
        + extra
    )
    if "needless_refusal" in f:
        _refuse(ctx, "track")
        return
    if "order_again" in f:
        _ask_again(ctx)
    if "wrong_tool" in f:
        kind = ctx.pick(["policy", "order_id", "lookup"])
        if kind == "lookup":
            ctx.user(f"The tracking number is {o.tracking} if that helps")
            ctx.call("lookup_order", {"order_id": o.tracking}, {"error": "order not found"})
            ctx.say("I couldn't find an order with that number. Could you double-check it?")
            ctx.info.update(used="lookup_order", right="track_shipment")
            return
        _lookup(ctx, by_email=not given)
        if kind == "policy":
            ctx.call(
                "search_policy",
                {"query": "shipping times"},
                {
                    "results": [
                        {
                            "title": "Shipping",
                            "text": "Standard shipping takes 3-7 business days after "
                            "dispatch; expedited shipping takes 2 business days.",
                            "score": 0.81,
                        }
                    ]
                },
            )
            ctx.say(
                f"Standard shipping takes 3-7 business days, so your {o.product} should "
                "arrive within that window. Thanks for your patience!"
            )
            ctx.info.update(used="search_policy", right="track_shipment")
        else:
            ctx.call(
                "track_shipment",
                {"tracking_number": o.id},
                {"error": f"No shipment found for tracking number {o.id}"},
            )
            ctx.say(
                "I couldn't find any tracking information for this order - it may not have "
                "shipped yet. Please check back in a day or two."
            )
            ctx.info.update(used="track_shipment", right="track_shipment", args="order_id")
        return
    _lookup(ctx, by_email=not given)
    ship = ctx.call(
        "track_shipment",
        {"tracking_number": o.tracking, "carrier": o.carrier},
        ctx.shipment(allow_exception="wrong_answer" not in f),
    )
    eta = ship["eta"]
    if "wrong_answer" in f and eta:
        later = datetime.strptime(eta, "%Y-%m-%d") + timedelta(days=ctx.rng.randint(3, 6))
        wrong = nice_date(later.strftime("%Y-%m-%d"))
        ctx.info["claimed"] = wrong
        eta_text = wrong
    else:
        eta_text = nice_date(eta)
    place = ship["last_scan"]["place"]
    if ship["status"] == "exception":
        answer = (
            f"Your parcel is held at the {o.carrier} depot: the carrier says the address is "
            f"incomplete. Your address on file is {c.address} - is anything missing, like "
            "an apartment number?"
        )
    elif ship["status"] == "delivered":
        answer = (
            f"{o.carrier} shows your {o.product} as delivered (last scan {place}). If you "
            "can't find it, check with neighbours or your building's mailroom."
        )
    else:
        answer = ctx.pick(
            [
                "Good news: your {p} is {s}. Last scan was in {place}, and {carrier} expects to "
                "deliver it on {eta}.",
                "Your order is {s} with {carrier} (tracking {tn}). Estimated delivery: {eta}.",
                "I checked with {carrier}: the parcel is {s}, last seen in {place}. It should "
                "reach you by {eta}.",
            ]
        ).format(
            p=o.product,
            s=STATUS_WORDS[ship["status"]],
            place=place,
            carrier=o.carrier,
            eta=eta_text,
            tn=o.tracking,
        )
    if ctx.info.get("ignored") == "link":
        answer += " You can follow it any time with the tracking link in your confirmation email."
    elif ctx.info.get("ignored") == "away":
        answer += " If you miss the courier, you can collect it from the nearest pickup point."
    ctx.say(answer)
    if ship["status"] == "exception" and "hallucinated_policy" not in f:
        ctx.user(
            ctx.pick(["Oh - it's {apt}, I forgot to add it.", "yes, {apt} is missing!"]).format(
                apt=ctx.pick(["Apt 3C", "Flat 7", "unit 204", "2nd floor"])
            )
        )
        ctx.say(
            f"Thanks! The parcel has already left our warehouse, so please give that to "
            f"{o.carrier} with tracking number {o.tracking}; they'll deliver it on the next run."
        )
        return
    if "hallucinated_policy" in f or ctx.chance(0.12):
        ctx.user(
            ctx.pick(
                [
                    "It's late though, do I get anything for the delay?",
                    "this is later than promised. any compensation??",
                    "Do you refund shipping when it's late?",
                ]
            )
        )
        if ctx.chance(0.7) or "hallucinated_policy" not in f:
            ctx.call("search_policy", {"query": "late delivery compensation"}, ctx.policy("delays"))
        if "hallucinated_policy" in f:
            claim = ctx.pick(INVENTED["delays"])
            ctx.info.update(topic="delays", claimed=claim)
            ctx.say(f"I'm sorry for the wait! Good news: {claim}.")
        else:
            ctx.say(
                "I'm sorry for the wait. Our policy only refunds expedited shipping fees when "
                "an expedited parcel is late; standard delivery dates are carrier estimates."
            )
    _close(ctx)


def refund(ctx: Context) -> None:
    """Return and refund: lookup_order, search_policy, then issue_refund for the right amount."""
    c, o, f = ctx.customer, ctx.order, ctx.failures
    reasons = ["too small", "too big", "damaged", "not what I expected", "used", "wrong colour"]
    if f & {"wrong_tool", "ignored_context"}:
        reasons.remove("used")  # the used-gear branch never reaches the refund these need
    reason = ctx.pick(reasons)
    item_name, qty, price = o.items[0]
    text = ctx.pick(
        [
            "{g}I'd like to return the {p} from order {oid}, it's {r}. Can I get a refund?",
            "{g}order {oid}: the {p} is {r}. how do I send it back and get my money?",
            "I want my money back for the {p} ({oid}). It's {r}.",
        ]
    ).format(
        g=_greet(ctx),
        p=item_name,
        oid=o.id,
        r="been used once and I don't like it" if reason == "used" else reason,
    )
    if ctx.chance(0.3):
        text += " " + ctx.pick(
            [
                "Please refund it to my card {card}.",
                "card number is {card} if you need it",
                "The card I paid with was {card}",
            ]
        ).format(card=format_card(c.card, ctx.rng))
        ctx.info["card_shared"] = "yes"
    elif c.iban and ctx.chance(0.35):
        text += f" I'd prefer a bank transfer: {c.iban} ({c.name})."
    keep_rest = len(o.items) > 1 and ctx.chance(0.6)
    if "ignored_context" in f:
        if keep_rest:
            text += " Only that item - I'm keeping the rest of the order."
            ctx.info["ignored"] = "kept items"
        else:
            text += " Not store credit please, I want it back on my original payment."
            ctx.info["ignored"] = "store credit"
    elif keep_rest:
        text += " I'm keeping the other stuff."
    ctx.user(text)
    if "needless_refusal" in f:
        _refuse(ctx, "refund")
        return
    if "order_again" in f:
        _ask_again(ctx)
    _lookup(ctx)
    if ctx.info.get("card_shared"):
        ctx.say(
            "Quick note: for your security please don't share full card numbers here - "
            "refunds always go back to the original payment method."
        )
    topic = "used" if reason == "used" else "returns"
    ctx.call("search_policy", {"query": f"return policy {reason}"}, ctx.policy(topic))
    if topic == "used" and "hallucinated_policy" not in f:
        ctx.say(
            f"I'm sorry, items that have been used outdoors can't be returned for a "
            f"change-of-mind refund. If the {item_name} has a defect, our warranty covers it - "
            "I can start a warranty claim for you."
        )
        _close(ctx)
        return
    amount = round(qty * price, 2)
    if "wrong_tool" in f:
        kind = (
            ctx.pick(["track", "amount", "address"])
            if len(o.items) > 1
            else ctx.pick(["track", "address"])
        )
        if kind == "track" and o.tracking:
            ctx.call("track_shipment", {"tracking_number": o.tracking}, ctx.shipment())
            ctx.info.update(used="track_shipment", right="issue_refund")
        elif kind == "amount":
            amount = o.total
            ctx.info.update(used="issue_refund", right="issue_refund", args="total")
            ctx.call(
                "issue_refund",
                {"order_id": o.id, "amount": amount, "reason": reason},
                _refund_result(ctx, amount, "original"),
            )
        else:
            ctx.call(
                "update_address",
                {"order_id": o.id, "address": c.address},
                {"order_id": o.id, "status": "updated", "shipping_address": c.address},
            )
            ctx.info.update(used="update_address", right="issue_refund")
        ctx.say(
            f"All set! I've started the return for your {item_name}. You'll get a prepaid "
            f"label by email and ${amount:.2f} back once it's scanned."
        )
        _close(ctx)
        return
    method = "original"
    if ctx.info.get("ignored") == "store credit":
        method = "store_credit"
    if ctx.info.get("ignored") == "kept items":
        amount = o.total
    args = {"order_id": o.id, "amount": amount, "reason": reason, "method": method}
    ctx.call("issue_refund", args, _refund_result(ctx, amount, method))
    where = (
        "as store credit on your account"
        if method == "store_credit"
        else (f"to your card ending {c.card[-4:]}")
    )
    if "hallucinated_policy" in f:
        claim = ctx.pick(INVENTED["returns"] + INVENTED["refund_time"] + INVENTED["used"])
        ctx.info.update(topic="returns", claimed=claim)
        ctx.say(
            f"Done! I've issued a refund of ${amount:.2f} {where}. And just so you know, {claim}."
        )
    else:
        ctx.say(
            ctx.pick(
                [
                    "Done! I've issued a refund of ${a:.2f} {w}. Print the prepaid label from your "
                    "email; the $6.95 label fee is deducted unless you're an Acme Rewards member. "
                    "The money arrives within 5-10 business days after the carrier scans the "
                    "parcel.",
                    "Your return is approved: ${a:.2f} {w}, 5-10 business days after the parcel is "
                    "scanned. The return label is in your inbox.",
                ]
            ).format(a=amount, w=where)
        )
    _close(ctx)


def _refund_result(ctx: Context, amount: float, method: str) -> dict[str, object]:
    return {
        "refund_id": "RF-"
        + "".join(ctx.rng.choice(string.ascii_uppercase + string.digits) for _ in range(8)),
        "status": "approved",
        "amount": amount,
        "method": "store credit"
        if method == "store_credit"
        else f"original payment (card ending {ctx.customer.card[-4:]})",
        "label_url": "https://returns.acme-outfitters.example/l/"
        + "".join(ctx.rng.choice(string.ascii_lowercase + string.digits) for _ in range(10)),
    }


def address(ctx: Context) -> None:
    """Address change: allowed with update_address until the order ships."""
    c, o, f = ctx.customer, ctx.order, ctx.failures
    new = new_address(c, ctx.rng)
    apt = ""
    if "ignored_context" in f:
        apt = ctx.pick(["Apt 4B", "Flat 2", "Unit 12", "3rd floor, door left"])
        ctx.info["ignored"] = "apartment"
    text = ctx.pick(
        [
            "{g}I just moved, can you send order {oid} to {new} instead?",
            "Please change the delivery address for {oid} to: {new}",
            "{g}wrong address on {oid}!! it should go to {new}",
        ]
    ).format(g=_greet(ctx), oid=o.id, new=new)
    if apt:
        text += f" It's {apt} - please include that, the last parcel got lost without it."
    if ctx.chance(0.5):
        text += f" My phone is {c.phone} if the courier needs it."
    ctx.user(text)
    if "needless_refusal" in f:
        _refuse(ctx, "address")
        return
    if "order_again" in f:
        _ask_again(ctx)
    _lookup(ctx)
    if o.status != "processing":
        ctx.call("search_policy", {"query": "change address after shipping"}, ctx.policy("address"))
        if "hallucinated_policy" in f:
            claim = ctx.pick(INVENTED["address"])
            ctx.info.update(topic="address", claimed=claim)
            ctx.say(f"Your order has already shipped, but no problem: {claim}.")
        else:
            ctx.say(
                f"Your order already shipped with {o.carrier}, so I can't change it here. "
                f"You can ask {o.carrier} to redirect the parcel using tracking number "
                f"{o.tracking}."
            )
        _close(ctx)
        return
    full = f"{apt}, {new}" if apt and "ignored_context" not in f else new
    if "wrong_tool" in f:
        if ctx.chance(0.5):
            ctx.call(
                "update_address",
                {"order_id": o.id, "address": c.address},
                {"order_id": o.id, "status": "updated", "shipping_address": c.address},
            )
            ctx.info.update(used="update_address", right="update_address", args="old_address")
        else:
            ctx.call(
                "track_shipment",
                {"tracking_number": o.id},
                {"error": f"No shipment found for tracking number {o.id}"},
            )
            ctx.info.update(used="track_shipment", right="update_address")
        ctx.say(f"Done! Order {o.id} will now be delivered to {new}.")
        _close(ctx)
        return
    ctx.call(
        "update_address",
        {"order_id": o.id, "address": full},
        {"order_id": o.id, "status": "updated", "shipping_address": full},
    )
    ctx.say(
        ctx.pick(
            [
                "Done! Order {oid} will now ship to {a}.",
                "Updated - {oid} is going to {a} now. It hasn't shipped yet, so the change "
                "is in time.",
            ]
        ).format(oid=o.id, a=full)
    )
    _close(ctx)


POLICY_QUESTIONS = {
    "returns": [
        "How long do I have to return something?",
        "what's your return policy?",
        "Can I return stuff I bought 3 weeks ago?",
    ],
    "warranty": [
        "Is there a warranty on the {p}?",
        "my {p} zipper broke after 5 months, covered?",
        "How long is the warranty on your jackets?",
    ],
    "price_match": [
        "do you price match? saw the {p} cheaper elsewhere",
        "I found the {p} $30 cheaper at another shop, can you match it?",
    ],
    "international": [
        "Do you ship to my country? I'm in {country}.",
        "what does shipping to {country} cost, any customs fees?",
    ],
    "refund_time": ["How long do refunds take?", "when will I see my refund??"],
}


def policy(ctx: Context) -> None:
    """A policy question answered from search_policy."""
    c, o, f = ctx.customer, ctx.order, ctx.failures
    topics = list(POLICY_QUESTIONS)
    topic = "international" if "ignored_context" in f else ctx.pick(topics)
    country = {
        "US": "Canada",
        "CA": "Canada",
        "GB": "the UK",
        "DE": "Germany",
        "FR": "France",
        "NL": "the Netherlands",
    }[c.region.country]
    ctx.user(_greet(ctx) + ctx.pick(POLICY_QUESTIONS[topic]).format(p=o.product, country=country))
    if "needless_refusal" in f:
        _refuse(ctx, "policy")
        return
    if "wrong_tool" in f:
        ctx.call("lookup_order", {"email": c.email}, ctx.order_record())
        ctx.say(
            f"I see your recent order {o.id} ({o.product}). Is there anything I can help you "
            "with on that order?"
        )
        ctx.info.update(used="lookup_order", right="search_policy")
        _close(ctx, 0.2)
        return
    ctx.call("search_policy", {"query": topic.replace("_", " ")}, ctx.policy(topic))
    if "hallucinated_policy" in f:
        claim = ctx.pick(INVENTED[topic])
        ctx.info.update(topic=topic, claimed=claim)
        ctx.say(
            ctx.pick(
                ["Great question! {c}.", "Yes - {c}. Anything else?", "Good news: {c}."]
            ).format(c=claim[0].upper() + claim[1:])
        )
    elif "ignored_context" in f:
        ctx.info["ignored"] = "country"
        ctx.say(
            "Shipping is free on orders over $75 and there are no extra fees at delivery, so "
            "you're all set!"
        )
    else:
        ctx.say(
            ctx.pick(
                [
                    "Here's our policy: {t}",
                    "According to our policy: {t}",
                    "{t} Let me know if you have an order in mind.",
                ]
            ).format(t=POLICIES[topic]["text"])
        )
    _close(ctx)


PRODUCT_TOPICS: dict[str, dict[str, Any]] = {
    "height": {
        "questions": [
            "Is the Cascade -7°C Sleeping Bag warm enough for the Cairngorms in November?",
            "which sleeping bag for a week in Patagonia in March?",
            "Is the Cascade bag ok for autumn camping in the Alps?",
        ],
        "constraint": " I'm 6'4\" (193 cm) so length matters.",
        "plain": "The Cascade -7°C in Regular is a good fit: comfortable to about -1°C, limit "
        "-7°C. For colder nights add a liner or pick the Summit series.",
        "fitted": "The Cascade -7°C in Long (fits up to 6'6\") is a good fit: comfortable to "
        "about -1°C, limit -7°C. For colder nights add a liner or pick the Summit series.",
        "ignoring": "The Cascade -7°C in Regular (fits up to 6'0\") will be perfect - it's rated "
        "comfortable down to about -1°C, fine for shoulder-season nights.",
        "followups": [
            "And if it's not warm enough can I return it after the trip?",
            "what if I'm cold in it, can I send it back?",
        ],
        "topic": "used",
        "answer": "Once it's been used outdoors it can only come back for a defect under the "
        "warranty, so try it at home first: unused, you have 30 days.",
    },
    "wide feet": {
        "questions": [
            "What size Talus Approach Shoes should I get? I'm usually a 43 EU.",
            "do the Granite Trail Runners run small? normally I wear a 10.5",
        ],
        "constraint": " I have quite wide feet, that's always the problem.",
        "plain": "They run true to size, so take your usual size. Unworn shoes can be exchanged "
        "within 30 days if the fit is off.",
        "fitted": "Take your usual size in the Wide version - the standard last is narrow in the "
        "forefoot, the Wide one has a roomier toe box.",
        "ignoring": "The standard fit is snug and narrow, which most hikers love - go with your "
        "usual size in the standard version.",
        "followups": [
            "can I return them if I've worn them on a hike?",
            "and if they hurt after one walk, can I send them back?",
        ],
        "topic": "used",
        "answer": "Shoes that have been worn outdoors can only come back for a defect. Try them "
        "indoors first: unworn, you have 30 days to exchange them.",
    },
    "weight": {
        "questions": [
            "Is the Ridgeline 2P big enough for two adults and a dog?",
            "which tent would you recommend for 2 people bikepacking?",
        ],
        "constraint": " It has to be under 2 kg, I'm carrying it on the bike.",
        "plain": "The Ridgeline 2P sleeps two comfortably and packs at 1.9 kg; a small dog fits "
        "in the vestibule.",
        "fitted": "The Ridgeline 2P packs at 1.9 kg, just under your limit, and sleeps two.",
        "ignoring": "I'd go with our Basecamp 3P: roomy, sturdy, and great value at 3.4 kg.",
        "followups": [
            "and if it leaks on the first trip can I return it?",
            "what happens if a pole breaks?",
        ],
        "topic": "warranty",
        "answer": "A leak or a broken pole from normal use is a manufacturing defect, covered by "
        "our 1-year warranty - we'd repair or replace it.",
    },
}


def product(ctx: Context) -> None:
    """Product advice: no tools for the advice; returns and warranty come from search_policy."""
    c, f = ctx.customer, ctx.failures
    kind = ctx.pick(list(PRODUCT_TOPICS))
    spec = PRODUCT_TOPICS[kind]
    constrained = "ignored_context" in f or ctx.chance(0.25)
    question = ctx.pick(spec["questions"]) + (spec["constraint"] if constrained else "")
    ctx.user(_greet(ctx) + question)
    if "needless_refusal" in f:
        _refuse(ctx, "product")
        return
    if "wrong_tool" in f:
        ctx.call("lookup_order", {"email": c.email}, ctx.order_record())
        ctx.say(f"I found your order {ctx.order.id}. Which item in it is your question about?")
        ctx.info.update(used="lookup_order", right="search_policy")
        return
    if "ignored_context" in f:
        ctx.info["ignored"] = kind
        ctx.say(spec["ignoring"])
    else:
        ctx.say(spec["fitted"] if constrained else spec["plain"])
    if "hallucinated_policy" in f or ctx.chance(0.3):
        ctx.user(ctx.pick(spec["followups"]))
        topic = spec["topic"]
        ctx.call("search_policy", {"query": f"{topic} {kind}"}, ctx.policy(topic))
        if "hallucinated_policy" in f:
            claim = ctx.pick(INVENTED[topic])
            ctx.info.update(topic=topic, claimed=claim)
            ctx.say(f"Absolutely - {claim}.")
        else:
            ctx.say(spec["answer"])
    _close(ctx)


def cancel(ctx: Context) -> None:
    """Cancellation: allowed before shipping, as a full refund through issue_refund."""
    c, o, f = ctx.customer, ctx.order, ctx.failures
    ctx.user(
        ctx.pick(
            [
                "{g}please cancel order {oid}, I ordered the wrong size",
                "Can I still cancel {oid}? Found what I needed locally.",
                "{g}cancel {oid} pls. {name}",
            ]
        ).format(g=_greet(ctx), oid=o.id, name=c.name)
    )
    if "needless_refusal" in f:
        _refuse(ctx, "cancel")
        return
    if "order_again" in f:
        _ask_again(ctx)
    _lookup(ctx)
    if "wrong_tool" in f:
        ctx.call(
            "update_address",
            {"order_id": o.id, "address": "CANCELLED"},
            {"order_id": o.id, "status": "updated", "shipping_address": "CANCELLED"},
        )
        ctx.info.update(used="update_address", right="issue_refund")
        ctx.say(f"Done, order {o.id} is cancelled and you'll get ${o.total:.2f} back.")
        _close(ctx)
        return
    ctx.call(
        "issue_refund",
        {"order_id": o.id, "amount": o.total, "reason": "cancellation"},
        _refund_result(ctx, o.total, "original"),
    )
    if "hallucinated_policy" in f:
        claim = ctx.pick(INVENTED["refund_time"])
        ctx.info.update(topic="refund_time", claimed=claim)
        ctx.say(f"Cancelled! ${o.total:.2f} is on its way back - {claim}.")
    else:
        ctx.say(
            f"Order {o.id} is cancelled and ${o.total:.2f} will go back to your card ending "
            f"{c.card[-4:]} within 5-10 business days."
        )
    _close(ctx)


Builder = Callable[[Context], None]
COMMON = {"bad_formatting", "tone"}
INTENTS: dict[str, tuple[Builder, set[str], str, int]] = {
    # intent: (builder, failures it can show, order status it needs, weight for passing traces)
    "track": (
        track,
        {
            "wrong_tool",
            "hallucinated_policy",
            "ignored_context",
            "needless_refusal",
            "order_again",
            "wrong_answer",
        },
        "shipped",
        32,
    ),
    "refund": (
        refund,
        {"wrong_tool", "hallucinated_policy", "ignored_context", "needless_refusal", "order_again"},
        "delivered",
        22,
    ),
    "address": (
        address,
        {"wrong_tool", "hallucinated_policy", "ignored_context", "needless_refusal", "order_again"},
        "processing",
        12,
    ),
    "policy": (
        policy,
        {"wrong_tool", "hallucinated_policy", "ignored_context", "needless_refusal"},
        "delivered",
        16,
    ),
    "product": (
        product,
        {"wrong_tool", "hallucinated_policy", "ignored_context", "needless_refusal"},
        "delivered",
        9,
    ),
    "cancel": (
        cancel,
        {"wrong_tool", "hallucinated_policy", "needless_refusal", "order_again"},
        "processing",
        9,
    ),
}


def _main_answer(ctx: Context) -> int:
    """Index of the last substantive assistant answer (not the closing pleasantry)."""
    end = ctx.closing if ctx.closing is not None else len(ctx.messages)
    return max(
        i for i, m in enumerate(ctx.messages[:end]) if m["role"] == "assistant" and m["content"]
    )


def mangle(ctx: Context) -> None:
    """Bad formatting: the final answer leaks raw JSON, broken markdown, HTML or escaped \\n."""
    last = _main_answer(ctx)
    text = ctx.messages[last]["content"]
    kind = ctx.pick(["json", "table", "html", "escapes"])
    ctx.info["format"] = kind
    if kind == "json" and ctx.last_result is not None:
        text = "Here is the result: " + json.dumps(ctx.last_result) + "\n" + text
    elif kind in ("json", "table"):
        text = (
            "| Item | Status | ETA |\n|---|---|\n| **"
            + ctx.order.product
            + " | "
            + text.replace(".", " |", 1)
            + "\n**Note:** "
            + "*see above"
        )
    elif kind == "html":
        text = "<p>" + text.replace(". ", ".</p><br><p>") + "<ul><li>Order: " + ctx.order.id
    else:
        text = "Update:\\n\\n" + text.replace(". ", ".\\n\\n").replace(", ", ",\\n- ") + "\\n"
    ctx.messages[last]["content"] = text


def curt(ctx: Context) -> None:
    """Tone: the final answer snaps at the customer."""
    last = _main_answer(ctx)
    prefix = ctx.pick(
        [
            "As I already explained, ",
            "Please read more carefully: ",
            "Like I said before, ",
            "Obviously, ",
        ]
    )
    text = ctx.messages[last]["content"]
    ctx.messages[last]["content"] = prefix + text[0].lower() + text[1:]


def build(intent: str, ctx: Context) -> None:
    """Run an intent's builder, then apply the cross-cutting failures to its final answer."""
    INTENTS[intent][0](ctx)
    if "bad_formatting" in ctx.failures:
        mangle(ctx)
    if "tone" in ctx.failures:
        curt(ctx)
