"""Person names beyond what NER sees at once: cues, trimming, and a second look at odd case.

spaCy's NER finds capitalized names in prose. Around it: names introduced by a cue (`my name
is …`, `hi …`, `regards, …`, `Mr …`) whatever their script; NER spans trimmed at colons and
line breaks instead of dropped (`Reporter: Jane Doe Assignee` is `Jane Doe`); and, for names
written in lower case or in capitals (`hi its maria gonzalez`, `MARIA GONZALEZ`), windows
that `analyzer` title-cases and shows NER a second time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from tracereader.privacy.spans import Span, word_list

_WORD_CHARS = r"[^\W\d_]"
_WORD = r"[^\W\d_][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*"  # a word in any script: Siobhán, O'Neil
_NAME = _WORD + r"(?:[ \-]" + _WORD + r"){0,2}"
_CUES = (
    r"my name is|my name's|name is|name's|i am|i'm|im|it's|its|this is|call me|signed|"
    r"hi|hello|hey|dear|thanks|thank you|regards|kind regards|best regards|cheers|"
    r"sincerely|best|yours|mr\.?|mrs\.?|ms\.?|miss|dr\.?|prof\.?|signed by|ask for|speak to|"
    r"talk to|named|called|cc|attn\.?|contact|colleague|husband|wife|partner|manager|"
    r"friend|son|daughter|mother|father|brother|sister|boss|customer|"
    r"me llamo|je m'appelle|ich bin|ich heiße|mi chiamo|meu nome é|mijn naam is|nazywam się|"
    r"jag heter|hola|bonjour|hallo|ciao|olá|cześć|hej|grazie|merci|danke|gracias|soy|je suis|"
    r"sono|sou|ik ben|jestem|jag är|mein name ist|me chamo|mi nombre es|mon nom est|"
    r"il mio nome è|account holder is|holder is|holder|under the name|under the name of|"
    r"person name|full name|name|mine is"
)
_PERSON_CONTEXT = re.compile(r"\b(?i:" + _CUES + r")[,:]?\s+\(?(" + _NAME + r")")
_LOWER_CONTEXT = re.compile(
    r"(?:^|(?<=[\s,.!?;:(\"']))(" + _CUES + r"|from|with|for|to|by|under)[,:]?\s+\(?"
    r"((?:" + _WORD_CHARS + r"[\w'’\-]*)(?:[ \-]" + _WORD_CHARS + r"[\w'’\-]*){0,2})",
    re.IGNORECASE,
)


# Phrases after which a capitalized word set off by a comma and ending the clause is the
# person spoken to: "You're welcome, Lucía!", "Happy to help, Olivia", "Take care, Sam."
_VOCATIVE_CUES = (
    r"you're welcome|you’re welcome|you are welcome|welcome back|welcome aboard|welcome|"
    r"happy to help|glad to help|happy to assist|glad i could help|glad to hear it|my pleasure|"
    r"no problem|no worries|of course|sure thing|sure|absolutely|certainly|definitely|"
    r"take care|good (?:morning|afternoon|evening|night|day)|goodbye|bye|see you(?: soon)?|"
    r"talk soon|congrat(?:s|ulations)|great question|good question|nice to meet you|"
    r"pleasure to meet you|sorry|apologies|anytime|any time|got it|understood|noted|"
    r"(?:many |thanks so much|thank you so much|thanks again|thanks a lot)?thanks|thank you|"
    r"hi|hello|hey|dear|cheers|regards|best wishes|all the best|enjoy|good luck|well done"
)
_VOCATIVE = re.compile(
    r"(?:^|(?<=[\s\"'(.!?]))(?i:" + _VOCATIVE_CUES + r")(?:[ \t]+(?i:again|so much|very much))?"
    r",[ \t]*(" + _WORD + r"(?:[ \t]" + _WORD + r")?)(?=[ \t]*(?:[!.?,;:)]|$))",
    re.MULTILINE,
)
# Capitalized words a greeting may address that are nobody: "Thanks, Team!", "Hi, Everyone".
_ADDRESSED_GROUPS = frozenset(
    word_list("Folks Guys Friend Friends Buddy Mate Everybody World Sir Madam Both Y'all Yall")
)


def _phrases(text: str) -> list[str]:
    """The phrases of a constant written `a|b c|d` (cues hold spaces, so words will not do)."""
    return text.split("|")


# Cues after which one lowercase word is taken for a name ("hi maria"); after the others
# ("i'm afraid", "its broken", "from berlin") a name needs two words.
_ONE_WORD_CUES = frozenset(
    _phrases(
        "my name is|my name's|name is|name's|call me|signed|hi|hello|hey|dear|thanks|thank you|"
        "regards|kind regards|best regards|cheers|sincerely|mr|mr.|mrs|mrs.|ms|ms.|miss|dr|dr.|"
        "prof|prof.|signed by|ask for|speak to|talk to|named|called|attn|attn.|me llamo|"
        "je m'appelle|ich heiße|mi chiamo|meu nome é|mijn naam is|nazywam się|jag heter|soy|"
        "je suis|sono|sou|ik ben|jestem|mein name ist|me chamo|mi nombre es|mon nom est|"
        "il mio nome è|account holder is|holder is|under the name|under the name of|person name|"
        "full name|name"
    )
)
# A sign-off name before `here` at the start of a message: "franz josef schuchhardt here".
_HERE = re.compile(
    r"(?:^|(?<=[\n.!?]))[ \t]*("
    + _WORD_CHARS
    + r"[\w'’\-]*(?:[ ]"
    + _WORD_CHARS
    + r"[\w'’\-]*){1,2})"
    r"[ \t]+here\b"
)
_STRONG_NAME_CUES = frozenset(
    [
        "my name is", "my name's", "name is", "name's", "call me", "person name", "full name",
        "holder is", "account holder is", "under the name", "under the name of", "me llamo",
        "je m'appelle", "ich heiße", "mi chiamo", "meu nome é", "mijn naam is", "nazywam się",
        "jag heter", "soy", "je suis", "jestem", "mein name ist", "me chamo", "mi nombre es",
        "mon nom est", "il mio nome è", "ik ben",
    ]
)  # fmt: skip
# Particles that start a part of a name in lower case (`Ludwig van Beethoven`).
_PARTICLES = frozenset(
    word_list("de da das do dos du del della der den van von ter ten la le bin al el")
)
_NON_LATIN_NAME = re.compile(
    r"(?:" + _CUES + r")[,:]?\s+([\u0400-\u04ff\u0370-\u03ff\u0590-\u06ff\u0900-\u097f"
    r"\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+(?:\s[\u0400-\u04ff\u0370-\u03ff\u0590-\u06ff"
    r"\u0900-\u097f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+){0,2})",
    re.IGNORECASE,
)
_CAPS_RUN = re.compile(
    r"(?<![\w'’])[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’\-]+(?:[ \t][A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’\-]+){1,11}(?![\w'’])"
)
_CUE_BEFORE = re.compile(r"(?:^|(?<=[\s,.!?;:(\"']))(?i:" + _CUES + r")[,:]?\s+\(?$")
_LIST_ITEM_BEFORE = re.compile(r"(?:^|[,;|\t\n])[ \t]*(" + _WORD + r") $")
_NEXT_WORD = re.compile(r"[ \-](" + _WORD + r")(?![\w'’])")
_SPLIT = re.compile(r"[:\n\r\t|;()\[\]{}<>\"=,/]|\s{2,}")
# Capitalized words the context patterns must not take for a name.
NOT_NAMES = frozenset(
    word_list(
        "A An The I It We You They He She This That There Here Yes No Ok Okay Sure Thanks Thank "
        "Please Sorry Hi Hello Hey Dear Team Support Customer Sir Madam All Everyone Again Just "
        "Not Also So Well Good Great Looking Trying Having Going Still Now Today Tomorrow "
        "Yesterday Monday Tuesday Wednesday Thursday Friday Saturday Sunday Order Your My Our "
        "Regards Best Cheers Agent Assistant Bot User Admin I'm I’m Im I've I’ve I'd I’d I'll "
        "It's It’s Its That's That’s Let's Let’s Mr Mrs Ms Dr Prof Miss Mx Sr Jr Unfortunately "
        "Happy Glad Calling Writing Name Names Reporter Assignee Requester From To Cc Bcc Attn "
        "Subject Date Re Fwd Ship Bill Billing Shipping Deliver Delivery Recipient Sender "
        "Contact Phone Email Mobile Tel Address Street City Country Card Holder Signed Customer "
        "Client Account Member Patient Ticket Status Priority Summary Description Note Notes "
        "Comment Comments Kind Sincerely Yours Warm Hola Bonjour Hallo Ciao Hej Mister Madame "
        "Monsieur Señor Señora Herr Frau Signor Signora On In At For Of And Or With Without Via "
        "New Old First Last Full Given Family How What When Where Why Who Which Is Are Was Were Do "
        "Does Did Can Could Would Should Shall Might Must Have Has Had Any Some Quick Question "
        "Flat Apt Apartment Unit Suite Floor Room Block Building House Item Items Status ETA Qty "
        "Total Price Product Products Tracking Carrier Refund Return Returns"
    )
)
_NOT_NAMES_LOWER = frozenset(w.lower() for w in NOT_NAMES)
# The parties of a conversation, named by their role (`<name>user</name>`, "the user"): nobody.
ROLE_WORDS = frozenset(
    word_list("user users assistant assistants system human humans model developer tool bot agent")
)
# The names an assistant goes by, per model family named in a trace's model id.
_MODEL_FAMILIES = {
    "claude": "claude sonnet opus haiku",
    "gpt": "gpt chatgpt",
    "gemini": "gemini bard",
    "llama": "llama",
    "mistral": "mistral mixtral",
}
# Lowercase words after a cue that start no name ("i'm sorry", "this is about …").
_STOP = frozenset(
    word_list(
        "a an the and or but so to of in on at for with from by about as is are was were be "
        "been being am it its it's this that these those there here i me my mine we us our you "
        "your he him his she her they them their what which who whom whose when where why how "
        "not no yes very really just still also too quite sure sorry glad happy trying looking "
        "having going getting writing calling asking wondering hoping waiting back again now "
        "today tomorrow yesterday all any some every each one two order account team support "
        "customer please thanks thank hi hello hey ok okay well good great fine new old same "
        "other another more most much many few little lot lots bit way day days time week weeks "
        "month year years frustrated confused annoyed angry upset disappointed interested ready "
        "done unable able going gonna want wanted need needed like liked love wrong right "
        "correct missing late early still regarding re following further urgent help issue "
        "problem question request refund return delivery package parcel item items product "
        "everyone everybody guys folks there's that's what's here's mom dad everything nothing "
        "something anything"
    )
)
# Words after a one-word "name" that show it is a verb ("Bill me later", "Mark as read").
_VERB_USE = re.compile(
    r"[ \t]+(?:me|us|it|them|him|her|as|up|down|out|off|later|now|this|that|the|a|an|all|"
    r"your|my|our)\b",
    re.IGNORECASE,
)
# Words no person's name holds and product names do ("Borealis Rain Shell", "Kestrel trail shoes").
PRODUCT_WORDS = frozenset(
    word_list(
        "shell shells shoe shoes boot boots jacket jackets coat vest parka fleece tent tents "
        "bag bags pack backpack daypack stove pad kit bottle flask runners trainers sneakers "
        "sandals headphones earbuds watch shirt tee hoodie sweater pants trousers shorts "
        "leggings socks gloves mittens hat cap beanie helmet lamp headlamp lantern poles "
        "hammock blanket mug knife charger cable cover stand mount speaker camera lens laptop "
        "tablet monitor keyboard chair desk sofa mattress pillow towel rug shelf cabinet "
        "subscription bundle edition pro ultra lite rain trail sleeping running hiking layer "
        "insulated waterproof softshell hardshell merino wool fleece"
    )
)


# A colour after a name-looking word, in lower case: "Hunter green", "Robin egg blue".
_COLOUR_AFTER = re.compile(
    r"[ \t](?:[a-z]+ )?(?:green|blue|red|gold|silver|black|white|grey|gray|pink|purple|yellow|"
    r"orange|brown|beige|navy|teal|rose|crimson|violet)\b"
)


def _product_like(text: str, start: int, end: int) -> bool:
    """A name followed (within three words, numbers skipped) by a product word is a product."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text[start:end])]
    following = re.match(r"(?:[ \t\-]+[\w°'’]+){1,3}", text[end : end + 40])
    if following:
        words.extend(w.lower() for w in re.findall(r"[^\W\d_]+", following.group(0)))
    return any(w in PRODUCT_WORDS for w in words) or bool(_COLOUR_AFTER.match(text, end))


def capitalized(word: str) -> bool:
    """A word written as names are: a capital, then small letters (`Siobhán`, `O'Neil`)."""
    return word[:1].isupper() and any(ch.islower() for ch in word[1:])


def person_context_spans(text: str) -> list[Span]:
    """Capitalized names introduced by context ("my name is …", "Hi …,", "Mr …"), any script."""
    spans = []
    for m in _PERSON_CONTEXT.finditer(text):
        words = list(re.finditer(r"[^ \-]+", m.group(1)))
        end = 0
        for word in words:
            if not capitalized(word.group(0)) or word.group(0) in NOT_NAMES:
                break
            end = word.end()
        if end:
            spans.append(Span(m.start(1), m.start(1) + end, "PERSON", 0.6))
    for m in _NON_LATIN_NAME.finditer(text):
        spans.append(Span(m.start(1), m.end(1), "PERSON", 0.6))
    for m in _VOCATIVE.finditer(text):
        addressed = m.group(1).split()
        if all(
            capitalized(w) and w not in NOT_NAMES and w not in _ADDRESSED_GROUPS for w in addressed
        ):
            spans.append(Span(m.start(1), m.end(1), "PERSON", 0.6))
    return spans


def labelled_lowercase_names(text: str) -> list[Span]:
    """Lowercase names after a cue that can only introduce a name (`my name is`, `soy`)."""
    spans = []
    for m in _cue_matches(text):
        cue = " ".join(m.group(1).lower().split())
        if cue not in _STRONG_NAME_CUES:
            continue
        end = _name_words_end(m.group(2))
        if end:
            spans.append(Span(m.start(2), m.start(2) + end, "PERSON", 0.6))
    return spans


def _cue_matches(text: str) -> Iterator[re.Match[str]]:
    """Every cue and the words after it, overlapping: the words may hold the next cue."""
    pos = 0
    while m := _LOWER_CONTEXT.search(text, pos):
        yield m
        pos = m.start(2)


def _name_words_end(words_text: str) -> int:
    """Where the leading name-like words of `words_text` end (0 when none)."""
    end = 0
    for word in re.finditer(r"\S+", words_text):
        bare = word.group(0).strip(".,'’!?)(").lower()
        if not bare or bare in _STOP or bare in _NOT_NAMES_LOWER or _not_a_name_word(bare):
            break
        end = word.start() + len(word.group(0).rstrip(".,'’!?)"))
    return end


def second_look_windows(text: str) -> list[tuple[int, int]]:
    """Where a name may hide in lower case or capitals: (start, end) of the words to re-case."""
    windows: list[tuple[int, int]] = []
    for m in _cue_matches(text):  # "hi its maria": the words after a cue hold the next
        words = list(re.finditer(r"\S+", m.group(2)))
        kept = []
        for word in words:
            bare = word.group(0).strip(".,'’!?").lower()
            if bare in _STOP or bare in _NOT_NAMES_LOWER or not bare or _not_a_name_word(bare):
                break
            kept.append(word)
        one_word_ok = " ".join(m.group(1).lower().split()) in _ONE_WORD_CUES
        if len(kept) < (1 if one_word_ok else 2):
            continue
        if not any(ch.isupper() for ch in m.group(2)[: kept[-1].end()]):
            windows.append((m.start(2), m.start(2) + kept[-1].end()))
    for m in _HERE.finditer(text):
        here = m.group(1).lower().split()
        if not any(w in _STOP or w in _NOT_NAMES_LOWER for w in here):
            windows.append((m.start(1), m.end(1)))
    for m in _CAPS_RUN.finditer(text):
        run: list[re.Match[str]] = []
        for token in [*re.finditer(r"\S+", m.group(0)), None]:
            bare = token.group(0).strip(".,'’!?:").lower() if token else ""
            if token is not None and bare not in _STOP and bare not in _NOT_NAMES_LOWER:
                run.append(token)
                continue
            if len(run) >= 2:  # "MY NAME IS JOHN SMITH AND …" holds "JOHN SMITH"
                windows.append((m.start() + run[0].start(), m.start() + run[-1].end()))
            run = []
    return windows


def _not_a_name_word(word: str) -> bool:
    """Word shapes that are verbs, adverbs or adjectives, not names (`waiting`, `quickly`)."""
    return (len(word) >= 6 and word.endswith(("ing", "ly", "ful", "ous", "ive", "able"))) or (
        len(word) >= 7 and word.endswith("ed")
    )


def mostly_capitals(text: str) -> bool:
    """Whether most letters of `text` are capitals (a label, a shouted message)."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) > 0.7 * len(letters)


def recased(text: str, windows: Iterable[tuple[int, int]]) -> str:
    """`text` with the words of each window title-cased (same length, so offsets still hold)."""
    chars = list(text)
    for start, end in windows:
        piece = text[start:end]
        cased = re.sub(
            r"[^\W\d_][\w'’]*", lambda w: w.group(0)[:1].upper() + w.group(0)[1:].lower(), piece
        )
        if len(cased) == len(piece):
            chars[start:end] = cased
    return "".join(chars)


def refine(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An NER name cut at separators and stripped of labels; nothing when no name is left.

    "Reporter: Jane Doe Assignee" is "Jane Doe"; "Sorry Will" is "Will"; "Order ORD-55821",
    snake_case keys, paths and lowercase guesses are nobody.
    """
    out: list[tuple[int, int]] = []
    value = text[start:end]
    offset = 0
    for piece in _SPLIT.split(value):
        piece_start = start + value.index(piece, offset) if piece else start + offset
        offset = piece_start - start + len(piece)
        words = list(re.finditer(r"[^\s]+", piece))
        while words and words[0].group(0).strip(".,'’!?-").title() in NOT_NAMES:
            words.pop(0)
        while words and words[-1].group(0).strip(".,'’!?-").title() in NOT_NAMES:
            words.pop()
        if not words:
            continue
        kept = piece[words[0].start() : words[-1].end()].rstrip(".,'’!?-")
        if not any(ch.isupper() for ch in kept) or re.search(r"[\d_@/=]", kept):
            continue
        if any(
            not w[:1].isupper() and w.lower() not in _PARTICLES
            for w in kept.replace("-", " ").split()
        ):
            continue  # `en-GB`, `iPhone`: every word of a name starts with a capital
        kept_start = piece_start + words[0].start()
        kept_end = kept_start + len(kept)
        if _acronym(text, kept, kept_start):
            continue  # "dumped raw JSON to the user": JSON, SQL, HTML are nobody
        if len(words) == 1 and _VERB_USE.match(text, kept_end):
            continue  # "Bill me later"
        if _product_like(text, kept_start, kept_end):
            continue  # "Borealis Rain Shell", "Kestrel trail shoes"
        out.append((kept_start, kept_end))
    return out


def _acronym(text: str, word: str, start: int) -> bool:
    """One word in capitals amid text that is not (an acronym, not a name on a label)."""
    if " " in word or "-" in word or not word.isupper() or len(word) > 6:
        return False
    before = text[max(0, start - 40) : start]
    if _CUE_BEFORE.search(before):
        return False  # "speak to JOHN": a cue makes it a name
    around = before + text[start + len(word) : start + len(word) + 40]
    return not mostly_capitals(around) and any(ch.islower() for ch in around)


def extend_person_spans(text: str, spans: Iterable[Span]) -> list[Span]:
    """Grow PERSON spans over directly adjacent capitalized words ("Jane" + " Doe")."""
    out = []
    for span in spans:
        if span.entity == "PERSON":
            start, end = span.start, span.end
            while True:
                m = _NEXT_WORD.match(text, end)
                if not m or not capitalized(m.group(1)) or m.group(1) in NOT_NAMES:
                    break
                end = m.end()
            while True:
                m = _LIST_ITEM_BEFORE.search(text, max(0, start - 30), start)
                if not m or not capitalized(m.group(1)) or m.group(1) in NOT_NAMES:
                    break
                start -= len(m.group(1)) + 1
            span = Span(start, end, span.entity, span.score)
        out.append(span)
    return out


def name_parts(value: str) -> list[str]:
    """The parts of a detected full name that identify on their own (first name, surname)."""
    parts = [p.strip(".,'’") for p in re.split(r"[\s]+", value)]
    return [p for p in parts if len(p) >= 2 and p[:1].isupper() and p not in NOT_NAMES]


def assistant_names(model: str | None) -> frozenset[str]:
    """The words naming the assistant of a trace made by `model` (`claude-sonnet-4-5`: claude,
    sonnet, opus, haiku): in that trace they name the model, not a person."""
    words = set(re.findall(r"[a-z]{3,}", (model or "").lower()))
    for family, names in _MODEL_FAMILIES.items():
        if family in words:
            words.update(word_list(names))
    return frozenset(words)
