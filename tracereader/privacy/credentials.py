"""What a credential looks like: the words that name one, and values shaped like one.

Pure predicates shared by `secrets` (text), `keys` (JSON keys and labels) and `walk` (values
under keys such as `service_key`): a key names a credential by its words, in the common
languages (`password`, `senha`, `mot_de_passe`, `Passwort`); a value is opaque when it is long,
mixed and random, and password-like when it mixes letters with digits or symbols.
"""

from __future__ import annotations

import itertools
import math
import re
from functools import lru_cache

from tracereader.privacy.spans import word_list

# Words that make a key, a flag or a label hold a credential (matched on a key's words).
CREDENTIAL_WORDS = frozenset(
    word_list(
        "password passwd pwd pw pass passphrase passcode secret token apikey credential "
        "credentials bearer authorization privatekey accesskey secretkey clientsecret "
        "sessiontoken refreshtoken accesstoken authtoken apitoken webhooksecret signingkey "
        "cookie senha passwort kennwort motdepasse contrasena contraseña clave wachtwoord "
        "haslo hasło losenord lösenord adgangskode salasana passe パスワード"
    )
)
# A word before `key` that makes it a credential (`service_key`, `storage_key`, `app_key`).
KEY_QUALIFIERS = frozenset(
    word_list(
        "api access secret private service storage account master encryption signing app "
        "client auth admin root deploy ssh gpg pgp jwt session hmac webhook shared license "
        "subscription integration partner merchant"
    )
)
# The last word of a key whose opaque value is a credential (`deploy_key`, `x-signature`).
WEAK_CREDENTIAL_WORDS = frozenset(word_list("key auth signature sig cookie salt nonce hash code"))
# Words beside a credential word that make the key about credentials, not one (`max_tokens`).
NOT_CREDENTIAL = frozenset(
    word_list(
        "max min count total num number limit usage used input output prompt completion cached "
        "reasoning remaining type expires expiry expiration ttl length size url endpoint policy "
        "strength hint required changed updated rotated created at id name field label "
        "placeholder format enabled present set missing valid public primary sort partition "
        "foreign idempotency cache lookup"
    )
)
# Values that stand for no secret: templating, masking, empty markers.
PLACEHOLDER = re.compile(
    r"^(?:\$\{.*\}|\{\{.*\}\}|<.*>|\[.*\]|\*+|x{3,}|\.{3,}|null|none|nil|true|false|"
    r"undefined|redacted|hidden|masked|n/?a|required|optional|empty|string|example|"
    r"your[_\-]?\w*|\$[A-Z_][A-Z0-9_]*|%\(?\w+\)?s?)$",
    re.IGNORECASE,
)
COMMON_WORDS = frozenset(
    word_list(
        "the a an is was my your our their this that it not too wrong incorrect invalid expired "
        "reset required changed updated correct missing forgotten forgot same different new old "
        "strong weak short long here there below above attached sent set saved stored please "
        "protected encrypted hashed rotated revoked working fine ok okay again still also only "
        "and or but for with from bearer basic digest token to be been manager vault field"
    )
)
# Tokens that look mixed but are not credentials: versions, hex literals, ids, files, hosts.
_NOT_A_PASSWORD = re.compile(
    r"^(?:v?\d+(?:\.\d+)+[a-z0-9\-]*|0x[0-9a-f]+|[A-Z]{1,6}[-_]?\d[\d\-_]*|#?\d+|"
    r"[\w\-.]+\.(?:py|js|ts|json|ya?ml|csv|txt|md|pdf|log|sh|sql|html?|xml|toml|ini|cfg|env)|"
    r"(?:[a-z0-9\-]+\.)+(?:internal|local|com|net|org|io|dev|app|cloud|example)|"
    r"\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?|[a-z]+_[a-z]+|[a-zA-Z]{1,8}[-_]\d+)$",
)
_ID_PREFIXES = (
    "call_", "chatcmpl-", "msg_", "run_", "toolu_", "req_", "resp_", "fc_", "asst_", "thread_",
    "file-", "batch_", "span", "trace", "evt_", "cus_", "sub_", "pi_", "ch_", "in_", "txn_",
)  # fmt: skip
_HEX = re.compile(r"[0-9a-fA-F]+")
_TRACEPARENT = re.compile(r"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
# A label naming an id of a trace, span, request or commit, or a digest, just before a value.
_ID_LABEL = re.compile(
    r"(?:trace|span|parent|request|correlation|operation|commit|revision|sha(?:1|256|512)?|"
    r"digest|checksum|md5|etag)(?:[ _\-]?(?:id|hash|sum))?[\"']?\s*[:=@]?\s*[\"']?$",
    re.IGNORECASE,
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def shannon_entropy(value: str) -> float:
    """Bits per character of `value` (detect-secrets' measure, over the string's own alphabet)."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for ch in value:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _classes(value: str) -> int:
    return sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
            any(not c.isalnum() for c in value),
        )
    )


def looks_opaque(value: str) -> bool:
    """A random-looking token (a key, not a word): long, mixed classes, high entropy."""
    if len(value) < 16 or PLACEHOLDER.match(value):
        return False
    if sum(any(f(c) for c in value) for f in (str.islower, str.isupper, str.isdigit)) < 2:
        return False
    words = re.findall(r"[A-Z]?[a-z]{4,}", value)
    if words and sum(map(len, words)) > 0.6 * len(value):
        return False  # `customer_support_agent_v2`: words, not randomness
    if re.fullmatch(r"[0-9a-f]{24,}|[0-9A-F]{24,}", value):
        return shannon_entropy(value) >= 3.0  # hex keys: 4 bits a character at most
    return shannon_entropy(value) >= 3.4


def looks_free_standing_secret(value: str) -> bool:
    """An opaque token long enough to be a key wherever it stands (not an id or a UUID).

    Hex is a key here too (`Failing config value: 9f3c…`); hex ids and digests are told by
    their label instead (`is_trace_context_id`)."""
    if len(value) < 32 or _UUID.match(value) or value.lower().startswith(_ID_PREFIXES):
        return False
    return looks_opaque(value)


def is_trace_context_id(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is an id or a digest in hex: labelled as one (`trace_id=…`,
    `"spanId": "…"`, `trace …`, `commit …`, `sha256:…`) or a W3C `traceparent` value
    (`00-<trace>-<span>-01`)."""
    value = text[start:end]
    if _TRACEPARENT.fullmatch(value):
        return True
    return bool(_HEX.fullmatch(value)) and bool(_ID_LABEL.search(text, max(0, start - 32), start))


def looks_like_password(value: str) -> bool:
    """A token after a credential word that reads as a password, not as a word or an id."""
    value = value.strip("\"'`()[]<>")
    if len(value) < 6 or len(value) > 200 or PLACEHOLDER.match(value):
        return False
    if value.lower() in COMMON_WORDS or "://" in value or re.search(r"@[\w\-]+\.\w", value):
        return False
    if _NOT_A_PASSWORD.match(value):
        return False
    if looks_opaque(value):
        return True
    lower = any(c.islower() for c in value)
    return lower and _classes(value) >= 2


def is_secret_value(value: str, strict: bool) -> bool:
    """A value after a credential word that can be a secret (strict: in prose, it must look one)."""
    value = value.strip("\"'`")
    if len(value) < 3 or PLACEHOLDER.match(value) or value.lower() in COMMON_WORDS:
        return False
    if not strict:
        return True
    if looks_opaque(value) or looks_like_password(value):
        return True
    return (value.isdigit() and len(value) >= 4) or (_classes(value) >= 3 and len(value) >= 6)


@lru_cache(maxsize=16384)
def is_credential_key(key: str) -> bool:
    """Whether a key, flag or label names a credential (`api_key`, `PGPASSWORD`, `x-auth-token`)."""
    from tracereader.privacy.keys import key_words

    words = key_words(key)
    if not words or any(w in NOT_CREDENTIAL for w in words):
        return False
    if re.search(r"tokens\b|_count\b", key, re.IGNORECASE):
        return False  # `prompt_tokens`, `max_tokens`: counts of tokens
    joined = "".join(words)
    if joined in CREDENTIAL_WORDS or any(w in CREDENTIAL_WORDS for w in words):
        return True
    if len(words) > 1 and words[-1] == "key" and words[-2] in KEY_QUALIFIERS:
        return True
    pairs = {a + b for a, b in itertools.pairwise(words)}
    return bool(pairs & CREDENTIAL_WORDS) or any(w.endswith("password") for w in words)


def is_weak_credential_key(key: str) -> bool:
    """A key whose value is a credential when it is opaque (`deploy_key`, `session`, `hash`)."""
    from tracereader.privacy.keys import key_words

    words = key_words(key)
    return bool(words) and (words[-1] in WEAK_CREDENTIAL_WORDS or words[-1] == "session")
