"""Presidio's analyzer behind a batching, caching front, offline and silent.

Every distinct string is analyzed once per `TextAnalyzer` (an in-memory cache, never written
to disk); the spaCy work is batched through `nlp.pipe` and runs only the components NER needs.
Presidio and spaCy are imported here, and this module is imported only by `Anonymizer.create`.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers.generic import email_recognizer

from tracereader import pii

# Presidio entity types asked for; dates, nationalities and organizations are left readable.
# PHONE_NUMBER is not asked of Presidio: its phonenumbers-based matcher took half the analysis
# time and finds a subset of what `pii.structured_spans` masks (numbers valid in no plan too).
ENTITIES = [
    "PERSON",
    "LOCATION",
    "EMAIL_ADDRESS",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
    "URL",
    "CRYPTO",
    "US_PASSPORT",
    "US_ITIN",
    "UK_NHS",
    "MEDICAL_LICENSE",
]
SCORE_THRESHOLD = 0.4
NER_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION"}
# Texts per nlp.pipe batch: small enough to keep memory flat on long tool results.
BATCH_SIZE = 64
# n_process=1, by measurement: with 2 cores, n_process=2 forks workers that re-load the model
# and pickle every Doc back; ingesting sample_traces/ took 130 s with it against 54 s without
# (`python benchmarks/ingest.py --compare-n-process`), since a batch holds only a few hundred
# new strings once repeats are cached.
N_PROCESS = 1
MAX_PIECE = 10_000  # characters per NLP piece; longer strings are analyzed in pieces
CACHE_ENTRIES = 20_000  # distinct strings remembered; bounded so memory stays bounded
_LOGGERS = ("presidio-analyzer", "presidio_analyzer", "spacy", "tldextract", "filelock")


class _DropAll(logging.Filter):
    """Refuse every record: library log lines may quote the text they analyzed."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


def silence_library_logs() -> None:
    """Keep Presidio, spaCy and tldextract loggers from ever emitting (they can quote PII)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False
        if not any(isinstance(f, _DropAll) for f in logger.filters):
            logger.addFilter(_DropAll())


class _OfflineTldextract:
    """Stands in for the `tldextract` module inside Presidio: bundled suffix list, no fetch."""

    def __init__(self) -> None:
        import tldextract

        self._extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def extract(self, url: str, *args: Any, **kwargs: Any) -> Any:
        return self._extract(url, *args, **kwargs)


def make_presidio_offline() -> None:
    """Point Presidio's email recognizer (its only tldextract user) at the bundled snapshot."""
    if not isinstance(email_recognizer.tldextract, _OfflineTldextract):
        email_recognizer.tldextract = _OfflineTldextract()  # type: ignore[assignment]


def installed_models(names: Iterable[str]) -> list[str]:
    """The names among `names` that are installed spaCy pipelines."""
    return [name for name in names if spacy.util.is_package(name)]


def load_ner_pipeline(model: str) -> Any:
    """Load `model` with only what NER needs active (no tagger, parser or lemmatizer)."""
    unneeded = ["tagger", "parser", "attribute_ruler", "lemmatizer", "morphologizer", "senter"]
    nlp = spacy.load(model, exclude=unneeded)
    for name in ("tok2vec", "transformer"):
        if name in nlp.pipe_names:
            listeners = getattr(nlp.get_pipe(name), "listening_components", [])
            if not set(listeners) & set(nlp.pipe_names):
                nlp.disable_pipe(name)  # NER has its own embedding layer in en_core_web_*
    return nlp


class _Engine(SpacyNlpEngine):
    """A spaCy engine given a loaded pipeline; lowercased tokens stand in for lemmas.

    The lemmatizer needs the tagger, which NER does not; Presidio uses lemmas only to spot
    context words ("phone", "card") near a match, and the lowercased token serves that.
    """

    def __init__(self, nlp: Any, ignore: list[str]) -> None:
        super().__init__(
            models=[{"lang_code": "en", "model_name": nlp.meta.get("name", "blank")}],
            ner_model_configuration=NerModelConfiguration(
                labels_to_ignore=ignore, model_to_presidio_entity_mapping=dict(NER_LABELS)
            ),
        )
        self.nlp = {"en": nlp}  # type: ignore[assignment]

    def _doc_to_nlp_artifact(self, doc: Any, language: str) -> NlpArtifacts:
        artifacts: NlpArtifacts = super()._doc_to_nlp_artifact(doc, language)
        artifacts.lemmas = [t.lemma_ or t.lower_ for t in doc]
        return artifacts


class TextAnalyzer:
    """Finds PII spans in strings: Presidio (NER + patterns) plus tracereader's lenient rules."""

    def __init__(self, model: str | None) -> None:
        silence_library_logs()
        make_presidio_offline()
        nlp = load_ner_pipeline(model) if model else spacy.blank("en")
        labels = list(getattr(nlp.get_pipe("ner"), "labels", ())) if "ner" in nlp.pipe_names else []
        engine = _Engine(nlp, ignore=[label for label in labels if label not in NER_LABELS])
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
        self.model = model
        self.engine = engine
        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=engine, supported_languages=["en"]
        )
        self._cache: OrderedDict[str, list[pii.Span]] = OrderedDict()
        self._lock = threading.Lock()

    def analyze(self, texts: Iterable[str]) -> dict[str, list[pii.Span]]:
        """Spans for each distinct text; texts seen before come from the in-memory cache."""
        with self._lock:
            found: dict[str, list[pii.Span]] = {}
            todo: list[str] = []
            for text in texts:
                if text in found:
                    continue
                cached = self._cache.get(text)
                if cached is not None:
                    self._cache.move_to_end(text)
                    found[text] = cached
                elif text:
                    found[text] = []
                    todo.append(text)
                else:
                    found[text] = []
            for text, spans in zip(todo, self._analyze_new(todo), strict=True):
                found[text] = spans
                self._cache[text] = spans
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
            return found

    def _analyze_new(self, texts: list[str]) -> list[list[pii.Span]]:
        pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
        for index, text in enumerate(texts):
            pieces.extend((index, offset, piece) for offset, piece in _split(text))
        out: list[list[pii.Span]] = [[] for _ in texts]
        batch = self.engine.process_batch(
            [p for _, _, p in pieces], "en", batch_size=BATCH_SIZE, n_process=N_PROCESS
        )
        for (index, offset, piece), item in zip(pieces, batch, strict=True):
            out[index].extend(
                pii.Span(s.start + offset, s.end + offset, s.entity, s.score)
                for s in self._spans(piece, item[1])
            )
        return out

    def _spans(self, text: str, artifacts: NlpArtifacts) -> list[pii.Span]:
        """Presidio's findings (NER guesses refined) and tracereader's lenient ones."""
        results = self.analyzer.analyze(
            text=text,
            language="en",
            entities=ENTITIES,
            nlp_artifacts=artifacts,
            score_threshold=SCORE_THRESHOLD,
        )
        spans = []
        for r in results:
            refined = pii.refine(r.entity_type, text, r.start, _trim(text, r.start, r.end))
            if refined is not None:
                spans.append(pii.Span(*refined, r.entity_type, r.score))
        spans.extend(pii.structured_spans(text))
        spans.extend(pii.person_context_spans(text))
        return pii.extend_person_spans(text, spans)


def _trim(text: str, start: int, end: int) -> int:
    """Drop sentence punctuation Presidio's URL pattern takes as part of the URL."""
    while end > start + 1 and text[end - 1] in ".,;:!?)]}'\"":
        end -= 1
    return end


def _split(text: str) -> list[tuple[int, str]]:
    """Cut a long text at whitespace into pieces of at most MAX_PIECE characters."""
    if len(text) <= MAX_PIECE:
        return [(0, text)]
    pieces = []
    start = 0
    while start < len(text):
        end = min(start + MAX_PIECE, len(text))
        if end < len(text):
            cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            end = cut + 1 if cut > start else end
        pieces.append((start, text[start:end]))
        start = end
    return pieces
