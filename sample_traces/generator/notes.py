"""Reviewer notes and review times, written the way people actually type them.

The same idea comes in many forms (typos, word order, case, punctuation, the specific tool or
policy named), so the patterns view's fuzzy grouping has to earn its keep. One recurring failure
outside the taxonomy (asking for the order number again) exists only as notes; a few one-off
notes match nothing.
"""

from __future__ import annotations

import random

NOTE_SHARE = 0.45  # share of tagged failing traces whose reviewer also typed a note
PASS_NOTE_SHARE = 0.03
ONE_OFF_SHARE = 0.012

TAG_NOTES = {
    "wrong_tool": [
        "wrong tool called",
        "called the wrong tool",
        "Wrong tool!!",
        "used {used} instead of {right}",
        "wrong tool - should have used {right}",
        "should have called {right}",
        "calld wrong tool",
        "wrong tool again",
        "Wrong tool call.",
        "it used {used}, needed {right}",
        "wrong tool used",
        "called {used} instead of {right}",
        "tool call wrong",
        "wrong tool (used {used})",
    ],
    "hallucinated_policy": [
        "made up a policy",
        "hallucinated policy",
        "Hallucinated policy!",
        "invented a policy",
        "policy hallucination",
        "made up policy again",
        "Made-up policy",
        "hallucinated the policy",
        "invented policy, not in KB",
        "said {claim} - not our policy",
    ],
    "ignored_context": [
        "ignored context",
        "ignored what the user said",
        "didn't read the user's message",
        "Ignored context!",
        "forgot what the user said earlier",
        "ignored the context",
        "context ignored",
        "ignored user context again",
    ],
    "needless_refusal": [
        "refused for no reason",
        "needless refusal",
        "unnecessary refusal",
        "Refused to help",
        "refused a normal request",
        "refusal - this is in scope!",
        "over-refusal",
        "refused, should have answered",
        "needlessly refused",
        "refused for no reason??",
    ],
    "bad_formatting": [
        "bad formatting",
        "formatting broken",
        "Broken formatting",
        "formating is broken",
        "format issues",
        "bad formating",
        "formatting is bad",
    ],
    "wrong_answer": ["ETA wrong vs tool result", "wrong delivery date given", "gave the wrong ETA"],
    "tone": ["rude", "tone is condescending", "too snarky, rude"],
}
# Notes naming the specific thing seen, keyed by a fact the conversation builder recorded.
SPECIFIC = {
    ("ignored", "store credit"): [
        "user said no store credit and it gave store credit",
        "gave store credit after user asked for card refund",
    ],
    ("ignored", "kept items"): [
        "refunded the whole order, user wanted only one item",
        "user keeps the rest but it refunded everything",
    ],
    ("ignored", "apartment"): [
        "ignored the apartment number",
        "dropped the apt number the user gave",
    ],
    ("ignored", "link"): ["told them to use the tracking link they already tried"],
    ("ignored", "away"): ["suggested pickup point after user said they're away"],
    ("ignored", "country"): [
        "ignored that the user is not in the US",
        "user said Canada, got US shipping info",
    ],
    ("ignored", "height"): ["recommended regular length to a 6'4 person"],
    ("ignored", "wide feet"): ["user said wide feet, bot recommended the narrow fit"],
    ("ignored", "weight"): ["user needs under 2kg, got a 3.4kg tent recommended"],
    ("args", "order_id"): [
        "passed the order id as tracking number",
        "track_shipment called with the order id",
    ],
    ("args", "total"): [
        "refunded the whole order instead of one item",
        "refund amount wrong (whole order total)",
    ],
    ("args", "old_address"): ["updated with the old address", "update_address got the OLD address"],
    ("format", "json"): ["raw json in the answer", "dumped raw JSON to the user", "Raw JSON shown"],
    ("format", "table"): ["broken markdown table", "markdown table is broken"],
    ("format", "html"): ["html tags in reply", "HTML in the answer <p> <br>"],
    ("format", "escapes"): ["literal \\n in the text", "escaped newlines shown"],
    ("topic", "returns"): [
        "return window is 30 days, not what it said",
        "said free returns - wrong",
    ],
    ("topic", "warranty"): ["lifetime warranty?? we don't have that", "warranty made up"],
    ("topic", "price_match"): ["we don't price match amazon/ebay", "invented price match rules"],
    ("topic", "delays"): [
        "promised compensation for delay that doesn't exist",
        "no such thing as a late-delivery voucher",
    ],
    ("topic", "refund_time"): ["refund in 24h is wrong, it's 5-10 days"],
    ("topic", "address"): ["said we can reroute after shipping - we can't"],
    ("topic", "used"): ["told customer used gear is refundable"],
    ("topic", "international"): ["free intl shipping isn't a thing"],
}
ORDER_AGAIN = [
    "asked for the order number again after the user gave it",
    "asked for order number again",
    "Asked for the order # twice",
    "re-asked for order number even though user gave it",
    "asks for order nr again??",
    "bot asked for order number that was in the first message",
    "order number requested again",
    "asked again for order no.",
    "Asked for order number AGAIN",
    "asked the order number again, it was already given",
    "asked for the order number twice",
    "asked for order number again!!",
]
PASS_NOTES = ["good", "fine", "nice handling", "good answer, concise", "perfect", "ok", "Good."]
ONE_OFFS = [
    "customer seemed to be testing the bot",
    "latency felt slow on this one",
    "system prompt should mention gift cards",
    "user asked about a product we don't sell",
    "check with logistics about DPD delays",
    "long conversation but fine",
    "weird characters in the message",
    "same customer as yesterday?",
]


def _typo(text: str, rng: random.Random) -> str:
    """Swap two neighbouring letters or drop one, as fast typing does."""
    spots = [i for i in range(1, len(text) - 1) if text[i].isalpha() and text[i + 1].isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    if rng.random() < 0.5:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def mutate(text: str, rng: random.Random) -> str:
    """Sometimes change case, punctuation or spelling."""
    roll = rng.random()
    if roll < 0.12:
        text = text.lower()
    elif roll < 0.2:
        text = text[0].upper() + text[1:]
    elif roll < 0.24:
        text = text.upper()
    if rng.random() < 0.15:
        text = _typo(text, rng)
    if rng.random() < 0.1:
        text = text.rstrip(".!?") + rng.choice(["!", "!!", "?", " .", ""])
    return text


def note_for(failures: set[str], info: dict[str, str], rng: random.Random) -> str:
    """The note a reviewer would type for this trace, or '' (most traces get none)."""
    if "order_again" in failures:
        return mutate(rng.choice(ORDER_AGAIN), rng)
    tagged = sorted(failures - {"order_again"})
    if not tagged:
        if rng.random() < ONE_OFF_SHARE:
            return rng.choice(ONE_OFFS)
        return mutate(rng.choice(PASS_NOTES), rng) if rng.random() < PASS_NOTE_SHARE else ""
    if rng.random() >= NOTE_SHARE:
        return rng.choice(ONE_OFFS) if rng.random() < ONE_OFF_SHARE else ""
    primary = next((f for f in tagged if f != "bad_formatting"), tagged[0])
    facts = [
        ("ignored", info.get("ignored")),
        ("format", info.get("format")),
        ("topic", info.get("topic")),
        ("args", info.get("args")),
    ]
    wanted = {
        "ignored_context": "ignored",
        "bad_formatting": "format",
        "hallucinated_policy": "topic",
        "wrong_tool": "args",
    }.get(primary)
    specific = [
        n for key, value in facts if key == wanted and value for n in SPECIFIC.get((key, value), [])
    ]
    if specific and (wanted == "args" or rng.random() < 0.4):
        return mutate(rng.choice(specific), rng)
    template = rng.choice(TAG_NOTES[primary])
    if ("{used}" in template or "{right}" in template) and "used" not in info:
        template = TAG_NOTES[primary][0]
    if "{claim}" in template and "claimed" not in info:
        template = TAG_NOTES[primary][0]
    claim = info.get("claimed", "")
    short = claim if len(claim) < 40 else claim[:37].rsplit(" ", 1)[0] + "..."
    return mutate(
        template.format(used=info.get("used", ""), right=info.get("right", ""), claim=short), rng
    )


def review_seconds(failing: bool, rng: random.Random) -> int:
    """Time spent on the trace: 10-120 s, skewed short, failing traces take longer."""
    value = 10 + rng.gammavariate(2.0, 9.0) + (rng.gammavariate(2.0, 8.0) if failing else 0)
    return int(min(120, max(10, round(value))))
