"""Emails (also spelled out: `jane at example dot com`), IP addresses, the personal parts of URLs.

A URL is not personal in itself (`https://docs.python.org/3/` must survive): only what is
personal inside it is replaced — a query parameter whose key identifies someone (`?email=…`,
`?phone=…`), a path segment after `/u/`, `/users/`, `/profile/`, `/in/`, an `@handle`, and
what the other detectors find there (emails, phone numbers in `wa.me/…`, tokens in `?key=…`).
The account name in a home directory (`/home/jane/…`, `/Users/jane/…`, `C:\\Users\\jane\\…`,
`~jane/`) is a person's, unless it is a service or default account (`root`, `runner`, `ubuntu`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import unquote, unquote_plus

from tracereader.privacy.keys import NAME_FIELD, identifying_type
from tracereader.privacy.spans import Span, trimmed_end, word_list

_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_USERINFO_BEFORE = re.compile(r"://[^\s/@]*:$")  # `user:pass@host` is a credential, not an email
_SPELLED_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s*@\s*)"
_SPELLED_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
_SPELLED_EMAIL = re.compile(
    r"(?<![\w.+\-])([\w.+\-]{2,64}(?:" + _SPELLED_DOT + r"[\w+\-]{1,64})*?)" + _SPELLED_AT
    + r"([\w\-]{2,63}(?:" + _SPELLED_DOT + r"[\w\-]{2,63})*?)" + _SPELLED_DOT + r"([a-z]{2,6})\b",
    re.IGNORECASE,
)  # fmt: skip
_NOT_LOCAL_PART = frozenset(
    word_list(
        "look looking me you us them him her it that this here there be is was are stay meet "
        "arrive arrived arrives available find found see shop buy bought order ordered live "
        "lives work works online email mail sent send reach contact write found check visit go "
        "went login log signed sign registered"
    )
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?!\w|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:/\d{1,3})?(?![\w:])")
URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`]+|\bwww\.[^\s<>\"'`]+", re.IGNORECASE)
_PARAM = re.compile(r"[?&;]([A-Za-z0-9_.\-\[\]]+)=([^&#;\s]+)")
_USER_SEGMENT = re.compile(
    r"/(?:u|user|users|profile|profiles|people|person|customer|customers|member|members|"
    r"account|accounts|in|contact|contacts|patient|patients|@)/([^/?#\s]+)"
    r"|/@([^/?#\s]+)",
    re.IGNORECASE,
)

_UNIX_HOME = re.compile(
    r"(?<![\w.\-])(?:/(?:export|var|usr))?/(?:home|Users)/([A-Za-z0-9._\-]{1,64})(?=[/\s\"'<>:,;)\]]|$)"
    r"|(?<![\w/~])~([A-Za-z][A-Za-z0-9._\-]{0,63})(?=/)",
    re.MULTILINE,
)
_WINDOWS_HOME = re.compile(
    r"\b[A-Za-z]:(?:\\{1,2}|/)(?:Users|Documents and Settings)(?:\\{1,2}|/)"
    r"(?:([^\\/\n\"'<>:|*?]{1,64}?)(?=\\|/)|([^\s\\/\"'<>:|*?]{1,64}))",
    re.MULTILINE | re.IGNORECASE,
)
# Accounts that name a machine's role, not a person (CI runners, images, services).
_SERVICE_ACCOUNTS = frozenset(
    word_list(
        "root admin administrator user users default public shared guest all ubuntu debian "
        "centos fedora ec2-user runner runneradmin vscode codespace codespaces gitpod node app "
        "apps deploy deployer docker jenkins git www-data circleci travis vagrant pi builder "
        "build ci service services postgres mysql nobody daemon linuxbrew"
    )
)


def home_directory_users(text: str) -> Iterator[Span]:
    """The account name of each home directory path (`/home/jane/shop`: `jane`)."""
    for pattern in (_UNIX_HOME, _WINDOWS_HOME):
        for m in pattern.finditer(text):
            group = next(i for i in range(1, (m.lastindex or 0) + 1) if m.group(i))
            name = m.group(group).strip()
            if name and name.casefold() not in _SERVICE_ACCOUNTS and not name.startswith("$"):
                start = m.start(group) + m.group(group).index(name)
                yield Span(start, start + len(name), "PERSON", 0.8)


def emails(text: str) -> Iterator[Span]:
    """Email addresses, and obfuscated ones (`x at y dot com`, `x [at] y [dot] org`)."""
    for m in _EMAIL.finditer(text):
        if _USERINFO_BEFORE.search(text, max(0, m.start() - 80), m.start()):
            continue
        yield Span(m.start(), trimmed_end(text, m.start(), m.end()), "EMAIL_ADDRESS", 0.9)
    for m in _SPELLED_EMAIL.finditer(text):
        whole = m.group(0)
        spelled = re.search(r"\bat\b|\bdot\b", whole, re.IGNORECASE)
        if not spelled or ("@" in whole and not re.search(r"\bdot\b", whole, re.I)):
            continue  # plain emails are the pattern above's
        local = m.group(1).split()[0].lower() if m.group(1).split() else ""
        if local in _NOT_LOCAL_PART or m.group(1).isdigit():
            continue
        if not re.search(r"\bdot\b|[\[({<]", whole, re.IGNORECASE) and not re.search(
            r"[._+\d]", m.group(1)
        ):
            continue  # "look at docs.python.org": only a real-looking local part counts
        yield Span(m.start(), m.end(), "EMAIL_ADDRESS", 0.8)


def ip_addresses(text: str) -> Iterator[Span]:
    """IPv4 (optional prefix length) and IPv6, full and compressed, as `ipaddress` reads them."""
    for pattern in (_IPV4, _IPV6):
        for m in pattern.finditer(text):
            try:
                ipaddress.ip_interface(m.group(0))
            except ValueError:
                continue  # 999.1.1.1, times like 14:03:11
            yield Span(m.start(), m.end(), "IP_ADDRESS", 0.7)


def url_parts(text: str) -> Iterator[Span]:
    """The personal parts of each URL: identifying query values and user path segments."""
    for m in URL.finditer(text):
        url = m.group(0)
        base = m.start()
        for p in _PARAM.finditer(url):
            entity = identifying_type(p.group(1))
            if entity is None:
                entity = _encoded_type(p.group(2))  # `?query=12+rue+de+la+Paix%2C+75002`
            if entity is None or entity == "SECRET":
                continue  # secrets in URLs are `secrets.find_secrets`' to find
            if entity == NAME_FIELD:
                entity = "PERSON"
            end = trimmed_end(url, p.start(2), p.end(2))
            if unquote(url[p.start(2) : end]).strip():
                yield Span(base + p.start(2), base + end, entity, 0.8)
        for s in _USER_SEGMENT.finditer(url):
            group = 1 if s.group(1) else 2
            end = trimmed_end(url, s.start(group), s.end(group))
            yield Span(base + s.start(group), base + end, "ID", 0.7)


def _encoded_type(value: str) -> str | None:
    """What a percent- or plus-encoded query value holds once decoded (an address, a phone …)."""
    if "+" not in value and "%" not in value:
        return None
    from tracereader.privacy import phones, places

    decoded = unquote_plus(value)
    found = [*places.find_places(decoded), *phones.find_phones(decoded), *emails(decoded)]
    return max(found, key=lambda s: s.end - s.start).entity if found else None


def find_contacts(text: str) -> list[Span]:
    """Every email, IP address, personal URL part and home directory's user in `text`."""
    return [*emails(text), *ip_addresses(text), *url_parts(text), *home_directory_users(text)]
