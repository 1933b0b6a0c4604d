"""Secrets: vendor keys, tokens, passwords and private keys wherever they appear, and not more."""

from __future__ import annotations

import random
import string

import pytest

from tracereader.privacy.credentials import is_credential_key, looks_opaque
from tracereader.privacy.keys import identifying_type
from tracereader.privacy.secrets import find_secrets

RNG = random.Random(11)


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def found(text: str) -> set[str]:
    return {text[s.start : s.end] for s in find_secrets(text)}


def covered(text: str, value: str) -> bool:
    """Every character of `value` (where it occurs in `text`) lies inside a SECRET span."""
    start = text.index(value)
    spans = find_secrets(text)
    return all(any(s.start <= i < s.end for s in spans) for i in range(start, start + len(value)))


AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
VENDOR_KEYS = {
    "openai legacy": "sk-" + rand(20) + "T3BlbkFJ" + rand(20),
    "openai project": "sk-proj-" + rand(48, string.ascii_letters + string.digits + "_-"),
    "anthropic": "sk-ant-api03-" + rand(93, string.ascii_letters + string.digits + "_-") + "AA",
    "aws access key": "AKIA" + rand(16, string.ascii_uppercase + string.digits),
    "slack bot": "xoxb-" + rand(11, string.digits) + "-" + rand(13, string.digits) + "-" + rand(24),
    "stripe live": "sk_live_" + rand(24),
    "stripe test": "sk_test_" + rand(24),
    "google": "AIza" + rand(35, string.ascii_letters + string.digits + "_-"),
    "hugging face": "hf_" + rand(34),
    "github classic": "ghp_" + rand(36),
    "github fine-grained": "github_pat_" + rand(22) + "_" + rand(59),
    "gitlab": "glpat-" + rand(20),
    "sendgrid": "SG." + rand(22) + "." + rand(43),
}


@pytest.mark.parametrize("vendor", sorted(VENDOR_KEYS))
@pytest.mark.parametrize(
    "template",
    [
        "my key is {}",
        '{{"api_key": "{}"}}',
        "export TOKEN={}",
        "curl -H 'Authorization: Bearer {}' https://api.example.com",
        "You are a bot. Use the key {} for every call.",
    ],
)
def test_vendor_keys_are_found_in_every_context(vendor: str, template: str) -> None:
    key = VENDOR_KEYS[vendor]
    text = template.format(key)
    assert covered(text, key), (vendor, text, found(text))


def test_jwt_bearer_and_basic_authorization() -> None:
    jwt = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
        + rand(43, string.ascii_letters + string.digits + "_-")
    )
    assert covered(f"token={jwt}", jwt)
    assert covered(f"the session {jwt} expired", jwt)  # the signature too, not only the header
    opaque = rand(40, string.ascii_letters + string.digits + "._-")
    assert covered(f"Authorization: Bearer {opaque}", opaque)
    basic = "dXNlcjpwYXNzd29yZDEyMw=="
    assert covered(f"Authorization: Basic {basic}", basic)


@pytest.mark.parametrize(
    "text, secret",
    [
        ('{"password": "correct-horse-9"}', "correct-horse-9"),
        ("password: Tr0ub4dor&3", "Tr0ub4dor&3"),
        ("DB_PASSWORD=s3cr3t!pass", "s3cr3t!pass"),
        ("my password is hunter22, please reset it", "hunter22"),
        ("mysql -u root -pS3cretPw1 shop", "S3cretPw1"),
        ("psql --password=Winter2024! -h db", "Winter2024!"),
        ("sshpass -p 'Xy9!tTq2' ssh deploy@10.0.0.4", "Xy9!tTq2"),
        ("curl -u admin:Pa55w0rd https://x.example.com", "admin:Pa55w0rd"),
        ("postgres://app_user:Zq8Lm2Np@db.internal:5432/shop", "app_user:Zq8Lm2Np"),
        ("mongodb+srv://ops:Hk3jR9sd@cluster0.mongodb.net/db", "ops:Hk3jR9sd"),
        ("https://api.example.com/v1/items?api_key=9f8e7d6c5b4a3928&x=1", "9f8e7d6c5b4a3928"),
        ("my aws secret is " + AWS_SECRET + " ok", AWS_SECRET),
    ],
)  # fmt: skip
def test_passwords_and_tokens_in_credential_contexts(text: str, secret: str) -> None:
    assert covered(text, secret), found(text)


# Random keys over Django's SECRET_KEY alphabet hold `&`, `=`, `#`, `(`: a value must not end at
# an `&x=` inside it, as if the rest were the next query parameter.
SYMBOLIC = string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)"
SYMBOLIC_CONTEXTS = [
    "2026-11-09T13:09:00Z INFO auth ok with key {}",
    "2026-11-09T13:09:00Z WARN token {} expires in 3 days",
    "my reset token is {}",
    "access code {}",
    "the SIGNING_KEY is {}",
    "the app_key is {}",
    'SECRET_KEY = "{}"',
    "[default]\nsecret_key = {}\napp_host = db.internal",
    "  secret_key: {}\n  app_version: 2.3.1",
    "export SECRET_KEY={}",
    "SESSION_SECRET={} python app.py",
    "Cookie: session={}; theme=dark",
    "https://shop.example/reset?token={}&page=2",
    "curl https://api.internal/v1/ping -H 'X-Api-Key: {}'",
]


@pytest.mark.parametrize("template", SYMBOLIC_CONTEXTS)
def test_random_keys_with_query_punctuation_are_covered_whole(template: str) -> None:
    rng = random.Random(template)
    for _ in range(150):
        key = "".join(rng.choice(SYMBOLIC) for _ in range(50))
        text = template.format(key)
        core = key.strip("([<.,;:=!?)")  # brackets, marks and `=` at its edges may fall off
        assert covered(text, core), (text, found(text))


def test_a_url_clean_credential_ends_before_the_next_query_parameters() -> None:
    text = "https://api.example.com/v1/items?api_key=9f8e7d6c5b4a3928&page=2&sort=asc"
    assert found(text) == {"9f8e7d6c5b4a3928"}
    signed = "GET /export?sig=c2lnbmF0dXJlMTIzNDU2Nzg5MA%3D%3D&X-Amz-Date=20261102T140311Z"
    assert found(signed) == {"c2lnbmF0dXJlMTIzNDU2Nzg5MA%3D%3D"}
    assert found("see https://x.example/search?token=abc&q=1") == set()  # too short for a key
    assert found("the primary_key is order_id (an int)") == set()


def test_pem_private_key_block_is_replaced_whole() -> None:
    body = "\n".join(rand(64, string.ascii_letters + string.digits + "+/") for _ in range(5))
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"
    text = f"Here is the key:\n{pem}\nthanks"
    assert covered(text, pem)
    truncated = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}"
    assert covered(truncated, body.splitlines()[-1])


@pytest.mark.parametrize(
    "text",
    [
        '{"max_tokens": 512, "prompt_tokens": 1200, "completion_tokens": 88}',
        "Your password is required to continue.",
        "The password reset link has expired.",
        "Set the token in ${API_TOKEN} before running.",
        '{"password": "<redacted>", "api_key": "********"}',
        "Order AO-138392 shipped via UPS, tracking 1ZXHLS08FIQL1XQNS7.",
        "customer_support_agent_v2 answered in 2.3 seconds",
        "See https://docs.python.org/3/library/secrets.html for token_hex.",
    ],
)
def test_ordinary_text_is_not_a_secret(text: str) -> None:
    assert found(text) == set()


TRACE_ID, SPAN_ID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


@pytest.mark.parametrize(
    "text",
    [
        f"trace {TRACE_ID} span {SPAN_ID}",
        f"See trace {TRACE_ID} for details",
        f"traceparent: 00-{TRACE_ID}-{SPAN_ID}-01",
        f'{{"auth_token": "<SECRET_1>", "trace_id": "{TRACE_ID}", "spanId": "{SPAN_ID}"}}',
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixed it",
        "image sha256:" + "ab12" * 16,
    ],
)
def test_hex_ids_of_traces_spans_and_commits_are_not_secrets(text: str) -> None:
    assert found(text) == set()


def test_hex_keys_are_still_found_by_the_word_that_names_them() -> None:
    key = rand(32, "0123456789abcdef")
    for text in (
        f"my key is {key}",
        f"WEBHOOK_SECRET={key * 2}",
        f'{{"api_key": "{key}"}}',
        f"Failing config value: {key} (seen twice)",  # hex with no id label: a key
        f"{key} <- this is the key we use in prod",
    ):
        assert covered(text, key), (text, found(text))


def test_credential_keys_are_told_from_token_counts() -> None:
    for key in ("password", "api_key", "apiKey", "client_secret", "x-auth-token", "PGPASSWORD"):
        assert is_credential_key(key), key
        assert identifying_type(key) == "SECRET", key
    for key in ("max_tokens", "prompt_tokens", "token_count", "password_reset_url", "secret_santa"):
        assert not is_credential_key(key) or key == "secret_santa", key
    assert identifying_type("total_tokens") is None


def test_opaque_means_random_not_wordy() -> None:
    assert looks_opaque("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert looks_opaque(rand(32))
    assert not looks_opaque("customer_support_agent_v2")
    assert not looks_opaque("2026-11-02T14:03:11Z")
