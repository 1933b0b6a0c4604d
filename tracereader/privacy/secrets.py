"""Secrets in one string: API keys, tokens, passwords, private keys and credentials in URLs.

The vendor formats come from detect-secrets' plugins (AWS, GitHub, GitLab, Slack, Stripe,
OpenAI, JWT, npm, PyPI, SendGrid, Twilio, …), called on the string through `analyze_string`,
which matches and never verifies (so never reaches the network). The formats it lacks
(Anthropic, OpenAI project keys, Google, Hugging Face, GitHub fine-grained tokens, Stripe test
keys) are detectors written in its own `RegexBasedDetector` style. Around them: values after a
credential word (`password: …`, `--token …`, `Bearer …`), credentials in URLs, PEM private-key
blocks, and opaque high-entropy strings next to a credential word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from tracereader.privacy.contacts import URL
from tracereader.privacy.credentials import (
    is_credential_key,
    is_secret_value,
    is_trace_context_id,
    looks_free_standing_secret,
    looks_like_password,
    looks_opaque,
)
from tracereader.privacy.spans import Span

SECRET = "SECRET"
OPAQUE_SCORE = 0.55
"""The score of a secret found by its shape alone (no credential word): ids are spared it."""

_CUE = (
    r"pass(?:word|wd|phrase|code|wort|e)?|pwd|pw|secret(?:[ _\-]?key)?|(?:api|access|auth|bearer|"
    r"refresh|session|client|private|secret|signing|webhook|service|storage|app|account|master|"
    r"deploy)[ _\-]?(?:key|token|secret)|apikey|token|credentials?|authorization|cookie|senha|"
    r"kennwort|mot[ _\-]de[ _\-]passe|contrase[ñn]a|wachtwoord|has[łl]o|l[öo]senord|clave"
)
# `password: x`, `api_key = "x"`, `"client_secret": "x"` in config, headers, logs, env lines.
_ASSIGNMENT = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z0-9_.\-]*?(?:" + _CUE + r")[A-Za-z0-9_\-]*)[\"']?[ \t]*"
    r"(?::=|=>|=|:)[ \t]*([\"'`]?)([^\s\"'`]{3,}|[^\"'`\n]{3,}?(?=\2)(?<=\S))\2",
    re.IGNORECASE,
)
# `--password hunter2`, `--api-key=…`, `-H 'X-Api-Key: …'` is an assignment already.
_FLAG = re.compile(
    r"(?<![\w\-])--?(?:(?:db|admin|user|root|app)[\-_])?(?:password|passwd|pass|pwd|token|"
    r"api[\-_]?key|secret|client[\-_]secret|access[\-_]key|secret[\-_]key|auth[\-_]token)"
    r"(?:=|[ \t]+)([\"']?)([^\s\"']{3,})\1",
    re.IGNORECASE,
)
_MYSQL_P = re.compile(r"\b(?:mysql|mysqldump|mariadb|mysqladmin)\b[^\n]*?\s-p([^\s\"']{3,})")
_SSHPASS = re.compile(r"\bsshpass\s+-p\s*([\"']?)(\S+?)\1(?=\s|$)")
_CURL_USER = re.compile(r"(?:\s-u|--user)[ \t]+([\"']?)([^\s:\"']+:[^\s\"']+)\1")
_BEARER = re.compile(
    r"\b(?:bearer|token)[ \t]+([A-Za-z0-9\-._~+/]{12,}=*)|"
    r"\bauthorization[\"']?[ \t]*[:=][ \t]*[\"']?(?:basic|digest|bearer|token)?[ \t]*"
    r"([A-Za-z0-9\-._~+/]{8,}=*)",
    re.IGNORECASE,
)
# A credential word in prose ("the admin pass is …", "i typed …", "token … expires"): the
# first password-like token within a few words after it is the secret.
_PROSE_CUE = re.compile(
    r"\b(?:[A-Za-z]+_)*(?:secret|passw(?:or)?d|token|api_?key)(?:_[A-Za-z]+)*\b|"
    r"\b(?P<compound>(?:[A-Za-z]+_)+key)\b|"
    r"\b(?:pass(?:word|wd|phrase|code|wort)?|pwd|pw|pin|passe|senha|kennwort|mot de passe|"
    r"contrase[ñn]a|wachtwoord|has[łl]o|l[öo]senord|token|secret|api[ \-]?key|key|access code|"
    r"credentials?|log(?:ging|ged)? ?in with|sign(?:ing|ed)? ?in with)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\s\"'`]+")
# A value written for a URL (letters, digits, `-._~+/:,=` and well-formed `%XX`), and the rest
# of a query string after it: `&name=value` parameters of the same kind. A credential's value
# ends where such a tail begins; a raw random key (Django's `SECRET_KEY`, with `&`, `#`, `^`,
# `(`) is not URL-clean, and its `&x=…` pieces are its own.
_URL_CLEAN = r"(?:[A-Za-z0-9\-._~+/:,=]|%[0-9A-Fa-f]{2})*"
_QUERY_TAIL = re.compile(r"(?:&[A-Za-z][A-Za-z0-9_.\-\[\]]*=" + _URL_CLEAN + r")+")
_URL_CLEAN_VALUE = re.compile(_URL_CLEAN)
_VALUE_STOP = re.compile(r"[\s\"'`<>]")
# `smtp.login("alerts", "…")`, `connect(user, "…")`: the last string argument of a login call.
_LOGIN_CALL = re.compile(
    r"\b\w*(?:login|auth|authenticate|connect|credentials|set_password)\s*\("
    r"(?:[^(),\n]*,\s*)*?[\"']([^\"'\n]{4,})[\"']\s*\)",
    re.IGNORECASE,
)
_CLI_PASSWORD = re.compile(
    r"\b(?:redis-cli|docker\s+login|mongo(?:sh)?|psql|mysql|mariadb|ldapsearch|smbclient)\b[^\n]*?"
    r"\s(?:-a|-p|-w|--password|--pass)[ \t=]*([\"']?)([^\s\"']{3,})\1(?=\s|$)"
)
# A quoted or back-ticked password-like token in a sentence that speaks of credentials.
_QUOTED = re.compile(r"[`\"']([^\s`\"']{6,})[`\"']")
_CREDENTIAL_TALK = re.compile(
    r"password|passphrase|passcode|vault|secret|credential|login|pin\b|token|api key|senha|"
    r"passwort|contraseña|mot de passe",
    re.IGNORECASE,
)
_URL_USERINFO = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://([^\s/@:\"'<>]*:[^\s/@\"'<>]+)@")
_URL_PARAM = re.compile(
    r"[?&#](?:access_token|refresh_token|id_token|token|api_key|apikey|key|secret|"
    r"client_secret|password|pwd|sig|signature|auth|code|x-amz-signature|x-amz-credential)"
    r"=(?=[^\s\"'<>])",
    re.IGNORECASE,
)
_PEM = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY(?: BLOCK)?-----"
    r"(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|(?:[\sA-Za-z0-9+/=:,\-\\]|\\n)*)",
    re.DOTALL,
)
_PUTTY = re.compile(r"PuTTY-User-Key-File-\d:.*?(?:Private-MAC: [0-9a-f]+|\Z)", re.DOTALL)
_OPAQUE = re.compile(r"(?<![A-Za-z0-9+/=_\-])[A-Za-z0-9+/=_\-]{16,}(?![A-Za-z0-9+/=_\-])")
_CREDENTIAL_NEAR = re.compile(
    r"(?:" + _CUE + r"|\bkey\b|\baws\b|signature|\bauth\b)[^\n]{0,40}$", re.IGNORECASE
)


def _vendor_detectors() -> list[Any]:
    """detect-secrets' matching plugins, plus ours for the vendor formats it lacks."""
    from detect_secrets.plugins.aws import AWSKeyDetector
    from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
    from detect_secrets.plugins.basic_auth import BasicAuthDetector
    from detect_secrets.plugins.discord import DiscordBotTokenDetector
    from detect_secrets.plugins.github_token import GitHubTokenDetector
    from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
    from detect_secrets.plugins.jwt import JwtTokenDetector
    from detect_secrets.plugins.mailchimp import MailchimpDetector
    from detect_secrets.plugins.npm import NpmDetector
    from detect_secrets.plugins.openai import OpenAIDetector
    from detect_secrets.plugins.pypi_token import PypiTokenDetector
    from detect_secrets.plugins.sendgrid import SendGridDetector
    from detect_secrets.plugins.slack import SlackDetector
    from detect_secrets.plugins.square_oauth import SquareOAuthDetector
    from detect_secrets.plugins.stripe import StripeDetector
    from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
    from detect_secrets.plugins.twilio import TwilioKeyDetector

    from tracereader.privacy.vendor_keys import EXTRA_DETECTORS

    plugins: list[type[Any]] = [
        AWSKeyDetector,
        AzureStorageKeyDetector,
        BasicAuthDetector,
        DiscordBotTokenDetector,
        GitHubTokenDetector,
        GitLabTokenDetector,
        JwtTokenDetector,
        MailchimpDetector,
        NpmDetector,
        OpenAIDetector,
        PypiTokenDetector,
        SendGridDetector,
        SlackDetector,
        SquareOAuthDetector,
        StripeDetector,
        TelegramBotTokenDetector,
        TwilioKeyDetector,
        *EXTRA_DETECTORS,
    ]
    return [plugin() for plugin in plugins]


@cache
def _detectors() -> list[Any]:
    return _vendor_detectors()


def _detector_spans(detector: Any, text: str) -> Iterator[tuple[int, int]]:
    """Where a detect-secrets plugin matches. Its regexes are read as `analyze_string` reads
    them, except that a short group at the very start (`(ghp|gho)_…`, `(glpat|…)-…`) names
    the kind of token, not the secret, so the whole match is the secret."""
    from detect_secrets.plugins.base import RegexBasedDetector

    denylist = getattr(detector, "denylist", None)
    if denylist is None or type(detector).analyze_string is not RegexBasedDetector.analyze_string:
        # the plugin filters its matches (JWTs must decode): take its word for the values
        for value in set(detector.analyze_string(text)):
            yield from _occurrences(text, value)
        return
    for regex in denylist:
        for m in regex.finditer(text):
            groups = [i for i in range(1, (m.lastindex or 0) + 1) if m.group(i)]
            if not groups or (m.start(groups[0]) == m.start() and len(m.group(groups[0])) < 8):
                yield m.start(), m.end()
            else:
                best = max(groups, key=lambda i: len(m.group(i)))
                yield m.start(best), m.end(best)


def _occurrences(text: str, value: str) -> Iterator[tuple[int, int]]:
    start = text.find(value)
    while start >= 0 and value:
        yield start, start + len(value)
        start = text.find(value, start + len(value))


def value_end(text: str, start: int, end: int | None = None) -> int:
    """Where a credential value starting at `start` ends: at the end of its token (`end`, else
    the next space or quote), or before the query string's next parameters (`…&page=2`) when
    the value itself is URL-clean."""
    if end is None:
        stop = _VALUE_STOP.search(text, start)
        end = len(text) if stop is None else stop.start()
    amp = text.find("&", start, end)
    if (
        amp >= 0
        and _URL_CLEAN_VALUE.fullmatch(text, start, amp)
        and _QUERY_TAIL.fullmatch(text, amp, end)
    ):
        return amp
    return end


def find_secrets(text: str) -> list[Span]:
    """Every secret in `text`, as SECRET spans (the value only, not its label)."""
    spans: list[Span] = []

    def add(start: int, end: int, score: float = 0.9) -> None:
        if end - start >= 3 and not is_trace_context_id(text, start, end):
            spans.append(Span(start, end, SECRET, score))  # trace and span ids open nothing

    for detector in _detectors():
        for start, end in _detector_spans(detector, text):
            add(start, end, 0.95)
    for m in _PEM.finditer(text):
        add(m.start(), m.end(), 1.0)
    for m in _PUTTY.finditer(text):
        add(m.start(), m.end(), 1.0)
    for m in _URL_USERINFO.finditer(text):
        add(m.start(1), m.end(1), 0.9)
    for m in _URL_PARAM.finditer(text):
        end = value_end(text, m.end())
        if end - m.end() >= 6:
            add(m.end(), end, 0.8)
    for m in _BEARER.finditer(text):
        group = 1 if m.group(1) else 2
        if is_secret_value(m.group(group), strict=False):
            add(m.start(group), m.end(group))
    for m in _ASSIGNMENT.finditer(text):
        value = m.group(3)
        if not m.group(2):
            value = value[: value_end(text, m.start(3), m.end(3)) - m.start(3)].rstrip(".,;)")
        if is_credential_key(m.group(1)) and is_secret_value(value, strict=not m.group(2)):
            add(m.start(3), m.start(3) + len(value))
    for m in _FLAG.finditer(text):
        if is_secret_value(m.group(2), strict=False):
            add(m.start(2), m.end(2))
    for m in _LOGIN_CALL.finditer(text):
        if looks_like_password(m.group(1)):
            add(m.start(1), m.end(1), 0.8)
    for m in _QUOTED.finditer(text):
        if text.startswith(":", m.end()):
            continue  # a JSON key (`"spanId":`), not a value
        near = text[max(0, m.start() - 80) : m.end() + 80]
        if looks_like_password(m.group(1)) and _CREDENTIAL_TALK.search(near):
            add(m.start(1), m.end(1), 0.7)
    for pattern, group in ((_MYSQL_P, 1), (_SSHPASS, 2), (_CURL_USER, 2), (_CLI_PASSWORD, 2)):
        for m in pattern.finditer(text):
            add(m.start(group), m.end(group))
    for m in _PROSE_CUE.finditer(text):
        if m.group("compound") and not is_credential_key(m.group("compound")):
            continue  # `primary_key`, `sort_key`: not a credential's name
        line_end = text.find("\n", m.end())
        window_end = min(m.end() + 48, len(text) if line_end < 0 else line_end)
        for token in _TOKEN.finditer(text, m.end()):
            if token.start() >= window_end:
                break
            if token.group(0).endswith(":") or text.startswith('":', token.end()):
                continue  # the next label, not a value
            raw = text[token.start() : value_end(text, token.start(), token.end())]
            lead = len(raw) - len(raw.lstrip("=:"))
            value = raw[lead:].rstrip(".,;:!?)")
            if looks_like_password(value):
                start = token.start() + lead + (len(raw[lead:]) - len(raw[lead:].lstrip("([<")))
                add(start, token.start() + lead + len(value), 0.75)
                break
    paths = [
        (u.start(), u.start() + len(u.group(0).split("?")[0].split("#")[0]))
        for u in URL.finditer(text)
    ]
    for m in _OPAQUE.finditer(text):
        value = m.group(0)
        in_path = any(a <= m.start() < b for a, b in paths)  # a URL's path is not a key
        if looks_free_standing_secret(value) and not in_path:
            add(m.start(), m.end(), OPAQUE_SCORE)
        elif looks_opaque(value) and _CREDENTIAL_NEAR.search(
            text, max(0, m.start() - 60), m.start()
        ):
            add(m.start(), m.end(), 0.7)
    return spans
