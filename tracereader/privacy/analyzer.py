"""Presidio's analyzer behind a batching, caching front, offline and silent.

Every distinct string is analyzed once per `TextAnalyzer` (an in-memory cache, never written
to disk); the spaCy work is batched through `nlp.pipe` and runs only the components NER needs.
NER's names are trimmed (`names.refine`), joined by every pattern detector
(`recognizers.pattern_spans`), and names hidden by case get a second, batched NER look on a
re-cased copy of their window. Presidio and spaCy are imported here, and this module is
imported only by `Anonymizer.create`.
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

from tracereader.privacy import names, phones, tables
from tracereader.privacy.protect import NO_KEEP, KeepList
from tracereader.privacy.recognizers import keep_only_personal, pattern_spans
from tracereader.privacy.spans import Span

# Presidio entity types asked for. Phones, cards, IBANs, SSNs, emails and IPs are not asked:
# `recognizers` finds them with libphonenumber and python-stdnum, more of them and with
# checksums, and Presidio's URL recognizer took host and file names (`refund.py`) for URLs.
# Places alone (cities, countries) are not personal and NER takes products for them; street
# addresses are `places`'. Dates, nationalities and organizations stay readable. Its DEA
# (MEDICAL_LICENSE) and NHS patterns took order and tracking numbers (`ORD67460067`) for ids.
ENTITIES = ["PERSON", "CRYPTO"]
SCORE_THRESHOLD = 0.4
NER_LABELS = {"PERSON": "PERSON", "PER": "PERSON"}
SECOND_LOOK_CONTEXT = 40  # characters of context either side of a re-cased window
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
    """Finds PII spans in strings: Presidio (NER + patterns) plus tracereader's detectors."""

    def __init__(
        self,
        model: str | None,
        regions: tuple[str, ...] = phones.DEFAULT_REGIONS,
        keep: KeepList = NO_KEEP,
    ) -> None:
        silence_library_logs()
        make_presidio_offline()
        nlp = load_ner_pipeline(model) if model else spacy.blank("en")
        labels = list(getattr(nlp.get_pipe("ner"), "labels", ())) if "ner" in nlp.pipe_names else []
        engine = _Engine(nlp, ignore=[label for label in labels if label not in NER_LABELS])
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
        self.model = model
        self.regions = regions
        self.keep = keep
        self.nlp = nlp if "ner" in nlp.pipe_names else None
        self.engine = engine
        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=engine, supported_languages=["en"]
        )
        self._cache: OrderedDict[str, list[Span]] = OrderedDict()
        self._lock = threading.Lock()

    def configured(self, regions: tuple[str, ...], keep: KeepList) -> TextAnalyzer:
        """This analyzer for other phone regions or keep list (the cache starts afresh)."""
        if regions != self.regions or keep != self.keep:
            self.regions, self.keep = regions, keep
            with self._lock:
                self._cache.clear()
        return self

    def analyze(self, texts: Iterable[str]) -> dict[str, list[Span]]:
        """Spans for each distinct text; texts seen before come from the in-memory cache."""
        with self._lock:
            found: dict[str, list[Span]] = {}
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

    def _analyze_new(self, texts: list[str]) -> list[list[Span]]:
        pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
        for index, text in enumerate(texts):
            pieces.extend((index, offset, piece) for offset, piece in _split(text))
        out: list[list[Span]] = [[] for _ in texts]
        batch = self.engine.process_batch(
            [p for _, _, p in pieces], "en", batch_size=BATCH_SIZE, n_process=N_PROCESS
        )
        found = [
            self._spans(piece, item[1]) for (_, _, piece), item in zip(pieces, batch, strict=True)
        ]
        for spans, again in zip(found, self._second_look([p for _, _, p in pieces]), strict=True):
            spans.extend(again)
        for (index, offset, piece), spans in zip(pieces, found, strict=True):
            spans = names.extend_person_spans(piece, spans)
            out[index].extend(
                Span(s.start + offset, s.end + offset, s.entity, s.score)
                for s in keep_only_personal(piece, spans, self.keep)
            )
        return out

    def _spans(self, text: str, artifacts: NlpArtifacts) -> list[Span]:
        """Presidio's findings (NER names trimmed, not dropped) and the pattern detectors'."""
        results = self.analyzer.analyze(
            text=text,
            language="en",
            entities=ENTITIES,
            nlp_artifacts=artifacts,
            score_threshold=SCORE_THRESHOLD,
        )
        spans: list[Span] = []
        for r in results:
            if r.entity_type == "PERSON":
                spans.extend(
                    Span(a, b, "PERSON", r.score) for a, b in names.refine(text, r.start, r.end)
                )
            else:
                spans.append(Span(r.start, _trim(text, r.start, r.end), r.entity_type, r.score))
        spans.extend(pattern_spans(text, self.regions))
        if "\n" in text:  # rows of a table without a header: the person's record (after NER)
            spans.extend(tables.headerless_rows(text, spans))
        return spans

    def _second_look(self, texts: list[str]) -> list[list[Span]]:
        """Names in lower case or capitals: NER run again on re-cased windows, in one batch."""
        out: list[list[Span]] = [[] for _ in texts]
        if self.nlp is None:
            return out
        jobs: list[tuple[int, int, tuple[int, int], str]] = []  # (text, offset, window, snippet)
        for index, text in enumerate(texts):
            for start, end in names.second_look_windows(text):
                lo = max(0, start - SECOND_LOOK_CONTEXT)
                hi = min(len(text), end + SECOND_LOOK_CONTEXT)
                piece = text[lo:hi]
                whole = names.mostly_capitals(piece)  # "HELLO, MY NAME IS JOHN SMITH": all of it
                snippet = names.recased(
                    piece, [(0, len(piece))] if whole else [(start - lo, end - lo)]
                )
                jobs.append((index, lo, (start, end), snippet))
        docs = self.nlp.pipe([j[3] for j in jobs], batch_size=BATCH_SIZE)
        for (index, lo, (start, end), snippet), doc in zip(jobs, docs, strict=True):
            for ent in doc.ents:
                if NER_LABELS.get(ent.label_) != "PERSON":
                    continue
                a = max(start, lo + ent.start_char)
                b = min(end, lo + ent.end_char)
                if b - a >= 2:
                    out[index].extend(
                        Span(lo + x, lo + y, "PERSON", 0.6)
                        for x, y in names.refine(snippet, a - lo, b - lo)
                    )
        return out


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


def for_settings(model: str | None, settings: Any) -> TextAnalyzer:
    """The analyzer for `model`, with the config's phone regions and keep list."""
    privacy = settings.privacy
    regions = tuple(privacy.regions) or phones.DEFAULT_REGIONS
    return TextAnalyzer(model).configured(regions, KeepList.parse(privacy.keep))
