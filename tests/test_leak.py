"""The leak test: planted PII of every type never reaches any byte tracereader writes or prints.

PII sits in message content, tool arguments and results, the feedback comment, nested metadata,
user and session ids, and in bad records that get rejected. After a real `tracereader ingest`
(with the NER model), every file under the test folder except the input (database, WAL, SHM,
salt, config) and the command's stdout/stderr are searched byte by byte for each raw value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tracereader.cli import cli
from tracereader.store import Store

MARIA = "Maria Garcia"
ROBERT = "Robert Johnson"
SARAH = "Sarah Connor"
MARIA_EMAIL = "maria.garcia@example.com"
ROBERT_EMAIL = "robert.johnson@example.org"
SARAH_EMAIL = "sarah.connor@example.net"
PHONE_US = "+1 415-555-0132"
PHONE_PAREN = "(212) 555-0199"
PHONE_UK = "+44 20 7946 0958"
CARD = "4111 1111 1111 1111"
CARD_2 = "5500 0000 0000 0004"
IBAN = "DE89 3704 0044 0532 0130 00"
IBAN_2 = "GB82WEST12345698765432"
IP = "192.168.14.77"
IP_2 = "10.20.30.40"
IPV6 = "2001:db8:85a3::8a2e:370:7334"
SSN = "536-22-8714"
SSN_2 = "219-09-9999"
URL_WITH_EMAIL = f"https://crm.example.com/customers?email={MARIA_EMAIL}"
ACCOUNT = "ACC-99812377"
SESSION = "sess-MG-20261102-88"
USER_ROBERT = "u-robert-johnson-77"

RAW_VALUES = [
    MARIA, ROBERT, SARAH, "Garcia", "Johnson",
    MARIA_EMAIL, ROBERT_EMAIL, SARAH_EMAIL,
    PHONE_US, "415-555-0132", "4155550132", PHONE_PAREN, "2125550199", PHONE_UK, "2079460958",
    CARD, "4111111111111111", CARD_2, "5500000000000004",
    IBAN, "DE89370400440532013000", IBAN_2,
    IP, IP_2, IPV6,
    SSN, "536228714", SSN_2,
    URL_WITH_EMAIL, ACCOUNT, SESSION, USER_ROBERT,
]  # fmt: skip


def good_records() -> list[dict[str, Any]]:
    maria = {
        "id": "t-leak-1",
        "timestamp": "2026-11-02T14:03:11Z",
        "user_id": MARIA_EMAIL,
        "session_id": SESSION,
        "messages": [
            {"role": "system", "content": "You are the support assistant for Acme."},
            {
                "role": "user",
                "content": f"Hi, I'm {MARIA}. My email is {MARIA_EMAIL} and my phone is "
                f"{PHONE_US}. Card {CARD}, IBAN {IBAN}, SSN {SSN}. I logged in from {IP}.",
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "name": "lookup_customer",
                        "arguments": {
                            "email": MARIA_EMAIL,
                            "phone": PHONE_US,
                            "customer": {"name": MARIA, "account_id": ACCOUNT},
                        },
                    }
                ],
            },
            {
                "role": "tool",
                "tool_call_id": "c1",
                "content": json.dumps(
                    {"customer": MARIA, "ip": IP, "card": CARD, "profile": URL_WITH_EMAIL}
                ),
            },
            {"role": "assistant", "content": f"Thanks {MARIA}, I found your account."},
        ],
        "feedback": {"score": -1, "comment": f"{MARIA} here, call me back on {PHONE_PAREN}"},
        "events": [{"type": "copy", "message_index": 4}],
        "metadata": {
            "channel": "web",
            "customer": {"contact": {"email": ROBERT_EMAIL, "phone": PHONE_PAREN}, "ssn": SSN},
            "client_ip": IP_2,
            "account": ACCOUNT,
            "referrer": f"https://shop.example.com/track?user={ROBERT_EMAIL}",
            "history": [{"note": f"previous ticket from {IPV6}"}],
        },
    }
    robert = {
        "user_id": USER_ROBERT,
        "messages": [
            {
                "role": "user",
                "content": f"This is {ROBERT}. Please refund card {CARD_2} to IBAN {IBAN_2}, "
                f"my SSN is {SSN_2}.",
            },
            {
                "role": "assistant",
                "content": [{"type": "text", "text": f"Done, {ROBERT}. Your ticket is open."}],
            },
        ],
    }
    return [maria, robert]


def bad_lines() -> list[bytes]:
    return [
        f'{{"messages": [{{"role": "user", "content": "{SARAH} {SARAH_EMAIL}"}}'.encode(),
        json.dumps({"messages": [{"role": SARAH_EMAIL, "content": PHONE_UK}]}).encode(),
        f'{{"messages": [{{"role": "user", "content": "{SARAH} {PHONE_UK}'.encode() + b'\xff"}]}',
        json.dumps({"messages": [], "metadata": {"ssn": SSN_2, "name": SARAH}}).encode(),
        json.dumps(
            {"messages": [{"role": "user", "content": SARAH}], "id": [SARAH_EMAIL]}
        ).encode(),
    ]


def forms(value: str) -> list[bytes]:
    """The byte forms a leaked value could take on disk."""
    return [value.encode(), value.lower().encode(), value.encode("utf-16-le")]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, list[str]]]:
    """One real ingest with NER for the module (spaCy loads once), in its own private home."""
    tmp_path = tmp_path_factory.mktemp("leak")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACEREADER_HOME", str(tmp_path / "home"))
        for name in ("TRACEREADER_DB", "TRACEREADER_CONFIG"):
            patch.delenv(name, raising=False)
        yield _ingest_and_scan(tmp_path)


def _ingest_and_scan(tmp_path: Path) -> tuple[Path, str, list[str]]:
    """Ingest planted traces, then list every raw value found in any written byte or output."""
    source = tmp_path / "input"
    source.mkdir()
    lines = [json.dumps(r).encode() for r in good_records()]
    body = lines[0] + b"\n" + b"\n".join(bad_lines()) + b"\n" + lines[1] + b"\n"
    (source / "traces.jsonl").write_bytes(body)
    db = tmp_path / "data" / "traces.db"
    keep_open = Store.open(db)  # holds the WAL open, so its bytes are on disk to be searched
    try:
        result = CliRunner().invoke(cli, ["ingest", "--db", str(db), str(source)])
        printed = result.stdout + result.stderr
        assert result.exit_code == 1, printed
        assert "names NOT detected" not in printed
        assert (db.parent / "traces.db-wal").stat().st_size > 0
        written = [p for p in tmp_path.rglob("*") if p.is_file() and source not in p.parents]
        blobs = [(str(p), p.read_bytes()) for p in written]
    finally:
        keep_open.close()
    blobs.append(("output", printed.encode()))
    leaks = [
        f"{value!r} in {name}"
        for name, blob in blobs
        for value in RAW_VALUES
        if any(form in blob for form in forms(value))
    ]
    return db, printed, leaks


def test_no_raw_pii_in_any_written_byte_or_output(ingested: tuple[Path, str, list[str]]) -> None:
    _, printed, leaks = ingested
    assert leaks == []
    assert "2 traces landed" in printed and "5 rejected" in printed
    rejections = [ln for ln in printed.splitlines() if re.search(r"traces\.jsonl:\d+:", ln)]
    assert len(rejections) == 5
    assert all(re.fullmatch(r".*traces\.jsonl:\d+: [^{}]+", ln) for ln in rejections)


def test_placeholders_consistent_within_a_trace(ingested: tuple[Path, str, list[str]]) -> None:
    db, _, _ = ingested
    store = Store.open(db)
    try:
        stored = store.get_trace("t-leak-1")
        assert stored is not None and stored.ner
        trace = stored.trace
        user_text = trace.messages[1].content or ""
        args = trace.messages[2].tool_calls[0].arguments
        result = json.loads(trace.messages[3].content or "{}")
        person = args["customer"]["name"]
        assert re.fullmatch(r"<PERSON_\d+>", person), person
        assert person in user_text and result["customer"] == person
        assert person in (trace.messages[4].content or "")
        assert trace.feedback is not None and person in (trace.feedback.comment or "")
        assert f"My email is {args['email']} and" in user_text
        phone = re.search(r"my phone is (<PHONE_NUMBER_\d+>)", user_text)
        assert phone and args["phone"] == phone.group(1), user_text
        ip = re.search(r"logged in from (<IP_ADDRESS_\d+>)", user_text)
        assert ip and result["ip"] == ip.group(1)
        card = re.search(r"Card (<CREDIT_CARD_\d+>)", user_text)
        assert card and result["card"] == card.group(1)
        assert trace.user_id and trace.user_id != MARIA_EMAIL
        assert trace.session_id and trace.session_id != SESSION
        other = [row["id"] for row in store.db.query("select id from traces where id != ?",
                                                      ["t-leak-1"])]  # fmt: skip
        assert len(other) == 1
    finally:
        store.close()
