"""Files -> format -> anonymize -> store, streaming in batches and reading only what is new.

Each file is skipped when its size and mtime are unchanged since it was ingested (or when its
content hash is); a grown plain JSONL file is resumed where the last ingest stopped once its
ingested prefix is verified by hash. The anonymizer (and so spaCy) is created only when some
file has something new to read, and before any of it is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracereader.config import Settings
from tracereader.formats import FORMATS
from tracereader.formats.base import RawRecord, TraceFormat
from tracereader.formats.detect import DetectionError, choose, get_format, peek
from tracereader.formats.ledger import Unplaced, describe
from tracereader.ingest_batch import anonymize_batch, text_size
from tracereader.model import Rejection, Trace
from tracereader.reading import RecordReader, file_kind, sha256_file
from tracereader.sanitize import identifier
from tracereader.store import Store
from tracereader.timeutil import in_range, to_iso, utcnow

if TYPE_CHECKING:
    from tracereader.privacy import Anonymizer

BATCH_SIZE = 200
BATCH_CHARS = 8_000_000
"""A batch is also flushed once its text reaches this many characters (big traces)."""
DEBUG_ENV = "TRACEREADER_DEBUG"
MAX_REPORTED_REJECTIONS = 10_000
"""Rejections kept as messages; beyond this only the count grows (bounded memory)."""


class IngestError(Exception):
    """A usage problem (unknown format, unreadable path, NER unavailable): one line, exit 2."""


@dataclass
class IngestSummary:
    """What one ingest run did, for the summary line and for tests."""

    landed: int = 0
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)
    rejected_total: int = 0
    pii_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    ner_enabled: bool = True
    files: dict[str, str] = field(default_factory=dict)
    """Path as given -> format it was read as (files actually read)."""
    skipped_files: list[str] = field(default_factory=list)
    """Files skipped because nothing changed since they were ingested."""
    inferred_timestamps: int = 0
    out_of_range_timestamps: int = 0
    """Timestamps before 1970 or from 2200 on, stored as ingest time (traces) or none (events)."""
    nul_characters: int = 0
    """NUL characters in strings, stored as U+FFFD."""
    non_finite_numbers: int = 0
    """NaN and infinities, stored as the strings "NaN", "Infinity", "-Infinity"."""
    pending: list[str] = field(default_factory=list)
    """Half-written last lines left for the next ingest (informational, not rejections)."""
    rereads: list[str] = field(default_factory=list)
    """Files read again from the start because `--format` names another format than before."""
    unplaced: list[str] = field(default_factory=list)
    """Once per file: `PATH: N records had text in fields this reader does not read: …`."""
    unplaced_records: int = 0

    def reject(self, path: str, line: int, reason: str, where: str | None = None) -> None:
        """Record one rejection as `file:line: reason` (`file:line: element 7: reason`)."""
        self.rejected_total += 1
        if len(self.rejected) < MAX_REPORTED_REJECTIONS:
            at = f"{where}: " if where else ""
            self.rejected.append(f"{path}:{line}: {at}{reason}")

    def rejection(self, path: str, item: Rejection) -> None:
        """Record a reader's or converter's rejection."""
        self.reject(path, item.line, item.reason, item.where)

    def summary_line(self) -> str:
        """One line: landed, duplicates, rejected, PII by type, seconds, NER state."""
        formats = Counter(self.files.values())
        read = ", ".join(f"{n} {name}" for name, n in sorted(formats.items())) or "none"
        parts = [
            f"{self.landed} traces landed",
            f"{self.duplicates} duplicates skipped",
            f"{self.rejected_total} rejected",
            f"files read: {read}",
        ]
        if self.skipped_files:
            parts.append(f"{len(self.skipped_files)} unchanged files skipped")
        pii = ", ".join(f"{k} {v}" for k, v in sorted(self.pii_counts.items())) or "none"
        parts.append(f"PII replaced: {pii}")
        if self.inferred_timestamps:
            parts.append(f"{self.inferred_timestamps} timestamps set to ingest time")
        if self.out_of_range_timestamps:
            parts.append(
                f"{self.out_of_range_timestamps} timestamps outside 1970-2200 treated as missing"
            )
        if self.nul_characters:
            parts.append(f"{self.nul_characters} NUL characters stored as U+FFFD")
        if self.non_finite_numbers:
            parts.append(f"{self.non_finite_numbers} NaN/infinite numbers stored as text")
        if self.unplaced_records:
            parts.append(f"{self.unplaced_records} records with text not read (see above)")
        parts.append(f"{self.seconds:.1f} s")
        line = "; ".join(parts)
        if not self.ner_enabled:
            line += "; names NOT detected (--no-ner)"
        return line


def path_text(path: Path) -> str:
    """A path as text that encodes and prints: bytes a file name holds that are not UTF-8
    (kept by the OS as surrogates) are written as `\\xff`, so the name can be a key and a
    message instead of crashing SQLite and the terminal."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def expand_paths(paths: list[Path]) -> list[tuple[Path, str, bool]]:
    """(file, name to report, named explicitly) per supported file; folders walked, sorted."""
    found: list[tuple[Path, str, bool]] = []
    for given in paths:
        if not given.exists():
            raise IngestError(f"{path_text(given)}: no such file or folder")
        if given.is_dir():
            inside = sorted(p for p in given.rglob("*") if p.is_file() and file_kind(p))
            found.extend((p, path_text(p), False) for p in inside)
        elif file_kind(given) is None:
            raise IngestError(
                f"{path_text(given)}: not a .jsonl, .json, .yaml or .yml file (optionally .gz)"
            )
        else:
            found.append((given, path_text(given), True))
    for path, shown, _ in found:
        if not os.access(path, os.R_OK):
            raise IngestError(f"{shown}: cannot read this file (permission denied)")
    return found


class _Ingest:
    """One run's state: the store, the lazily created anonymizer, the summary."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        forced: str,
        no_ner: bool,
        progress: Any,
        adjust: Callable[[Trace], None] | None = None,
    ) -> None:
        self.store = store
        self.adjust = adjust
        self.settings = settings
        self.forced = forced
        self.no_ner = no_ner or settings.no_ner
        self.progress = progress
        self.summary = IngestSummary(ner_enabled=not self.no_ner)
        self.anonymizer: Anonymizer | None = None
        self.run_id: int | None = None

    def _anon(self) -> Anonymizer:
        if self.anonymizer is None:
            from tracereader.privacy import Anonymizer, AnonymizerError

            try:
                self.anonymizer = Anonymizer.create(self.store, self.settings, no_ner=self.no_ner)
            except AnonymizerError as exc:
                raise IngestError(str(exc)) from None
            self.summary.ner_enabled = self.anonymizer.ner_enabled
        return self.anonymizer

    # -- one file ---------------------------------------------------------------------------
    def ingest_file(self, path: Path, shown: str, explicit: bool = True) -> None:
        """Read what is new in one file; a folder's file of unknown shape is only rejected."""
        key = path_text(path.resolve())
        stat = path.stat()
        row = self._file_row(key)
        if row and self.forced != "auto" and row["format"] not in ("", self.forced):
            # Forced to a format other than the one it was read as: read it all again as that.
            self.summary.rereads.append(
                f"{shown}: read before as {row['format']}; read again from the start as "
                f"{self.forced} (--format); traces stored from the earlier read stay"
            )
            row = None
        if row and row["size"] == stat.st_size and row["mtime_ns"] == stat.st_mtime_ns:
            self.summary.skipped_files.append(shown)
            return
        reader = self._reader_for(path, stat, row)
        if reader is None:
            assert row is not None
            consumed, lines = row["consumed_bytes"], row["consumed_lines"]
            self._remember(key, stat, consumed, lines, row["prefix_sha256"], row["format"])
            self.summary.skipped_files.append(shown)
            return
        whole_hash = None if reader.incremental else sha256_file(path).hexdigest()
        if whole_hash is not None and row and row["prefix_sha256"] == whole_hash:
            self._remember(
                key, stat, stat.st_size, row["consumed_lines"], whole_hash, row["format"]
            )
            self.summary.skipped_files.append(shown)
            return
        self._anon()  # salt and NER problems stop the run before anything is read
        items: Iterator[RawRecord | Rejection] = iter(reader)
        resumed = reader.start_offset > 0 and row is not None
        previous = row["format"] if resumed and row else None
        name = previous or (self.forced if self.forced != "auto" else "file")
        try:
            fmt = self._format_for(shown, items, previous, explicit)
            if fmt is None:  # no format fits this file found in a folder: reported, not kept
                return
            if fmt[0] is None:  # nothing readable (empty, or only bad records): read, reported
                self._remember_read(key, stat, reader, whole_hash, "")
                return
            name = fmt[0].name
            self.summary.files[shown] = name
            self._convert(fmt[0], fmt[1], reader, shown)
        except (IngestError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a reader bug must not print a traceback quoting content
            if os.environ.get(DEBUG_ENV):
                raise
            raise IngestError(
                f"{shown}: ingest failed inside the {name} reader ({type(exc).__name__}); "
                "earlier files and batches were stored, this file was not recorded as read; "
                f"set {DEBUG_ENV}=1 for the traceback (it may quote trace content)"
            ) from None
        self._remember_read(key, stat, reader, whole_hash, name)

    def _remember_read(
        self, key: str, stat: os.stat_result, reader: RecordReader, whole: str | None, fmt: str
    ) -> None:
        """Record how far a file was read (JSONL: bytes consumed; others: all of it)."""
        if reader.incremental:
            digest, consumed = reader.hasher.hexdigest(), reader.consumed_bytes
        else:
            digest, consumed = whole or "", stat.st_size
        self._remember(key, stat, consumed, reader.consumed_lines, digest, fmt)
        self.summary.nul_characters += reader.changes.nul_characters
        self.summary.non_finite_numbers += reader.changes.non_finite
        notice = reader.pending_notice()
        if notice is not None:
            self.summary.pending.append(notice)

    def _reader_for(self, path: Path, stat: os.stat_result, row: Any) -> RecordReader | None:
        """A reader from the start, or resuming a grown JSONL; None when nothing is new."""
        reader = RecordReader(path)
        if not reader.incremental:
            return reader
        if row and stat.st_size >= row["consumed_bytes"] > 0:
            prefix = sha256_file(path, row["consumed_bytes"])
            if prefix.hexdigest() == row["prefix_sha256"]:
                if stat.st_size == row["consumed_bytes"]:
                    return None
                return RecordReader(
                    path,
                    start_offset=row["consumed_bytes"],
                    start_line=row["consumed_lines"] + 1,
                    hasher=prefix,
                )
        return RecordReader(path, hasher=hashlib.sha256())

    def _format_for(
        self,
        shown: str,
        items: Iterator[RawRecord | Rejection],
        previous: str | None,
        explicit: bool,
    ) -> tuple[TraceFormat | None, Iterator[RawRecord | Rejection]] | None:
        """The file's format (forced, remembered or detected) and its records from the start.

        (None, drained) when the file holds no readable record; None when detection failed
        for a file found in a folder (reported as a rejection); IngestError for a named file.
        """
        name = self.forced if self.forced != "auto" else previous
        if name:
            return get_format(name), items
        sample, items = peek(items, lambda bad: self.summary.rejection(shown, bad))
        if not sample:  # empty, or only bad records: report those, no format needed
            for item in items:
                if isinstance(item, Rejection):
                    self.summary.rejection(shown, item)
            return None, items
        try:
            return choose(r.value for r in sample), items
        except DetectionError as exc:
            if explicit:
                raise IngestError(f"{shown}: {exc}") from None
            self.summary.reject(shown, sample[0].line, f"file skipped: {exc}")
            return None

    def _convert(
        self,
        fmt: TraceFormat,
        items: Iterator[RawRecord | Rejection],
        reader: RecordReader,
        shown: str,
    ) -> None:
        source: tuple[int, str | None] = (0, None)  # the record read last: where a trace began
        read = 0
        reader_failed = False

        def records() -> Iterator[RawRecord]:
            nonlocal source, read, reader_failed
            try:
                for item in items:
                    if isinstance(item, Rejection):
                        self.summary.rejection(shown, item)
                    else:
                        source, read = (item.line, item.where), read + 1
                        yield item
            except Exception:
                reader_failed = True
                raise

        batch: list[tuple[Trace, int, str | None]] = []
        chars = 0
        unplaced: dict[str, tuple[int, set[str]]] = {}
        converter = fmt.convert(records())
        read_at_start = 0
        while True:
            try:
                result = next(converter)
            except StopIteration:
                break
            except Exception as exc:
                # A converter bug on one record: reject it and go on with a fresh converter
                # over the rest of the file (the reader itself failing still stops the file).
                if reader_failed or read == read_at_start or os.environ.get(DEBUG_ENV):
                    raise
                line, where = source
                reason = f"the {fmt.name} reader failed on this record ({type(exc).__name__})"
                self.summary.reject(shown, line, reason + "; reading went on after it", where)
                converter, read_at_start = fmt.convert(records()), read
                continue
            if isinstance(result, Rejection):
                self.summary.rejection(shown, result)
                continue
            if isinstance(result, Unplaced):  # text the reader could not place: told once
                count, fields = unplaced.get(result.what, (0, set()))
                unplaced[result.what] = (count + 1, fields | set(result.fields))
                continue
            batch.append((result, *source))
            chars += text_size(result)
            if len(batch) >= BATCH_SIZE or chars >= BATCH_CHARS:
                self._flush(batch, fmt.name, shown)
                batch, chars = [], 0
                self._advance(reader)
        if batch:
            self._flush(batch, fmt.name, shown)
        self._advance(reader)
        for what, (count, fields) in unplaced.items():
            self.summary.unplaced.append(f"{shown}: {describe(count, what, fields)}")
            self.summary.unplaced_records += count

    def _advance(self, reader: RecordReader) -> None:
        if self.progress is not None:
            self.progress(reader.raw_position(), self.summary)

    def _flush(
        self, sourced: list[tuple[Trace, int, str | None]], format_name: str, shown: str
    ) -> None:
        """Give ids and times, drop known ids, anonymize the rest and store them."""
        anonymizer = self._anon()
        now = utcnow()
        batch = [trace for trace, _, _ in sourced]
        inferred: set[int] = set()
        for index, trace in enumerate(batch):
            if trace.id is None:
                trace.id = anonymizer.stable_id(trace)  # limits.py keeps this JSON-encodable
            # Printed bare by the CLI and exports: no escape sequence may ride along.
            trace.id = identifier(str(trace.id))
            trace.release = identifier(trace.release) if trace.release else trace.release
            trace.model = identifier(trace.model) if trace.model else trace.model
            self._clamp_times(trace)
            if self.adjust is not None:  # e.g. the demo moving its dates up to today
                self.adjust(trace)
            if trace.timestamp is None:
                trace.timestamp = now
                inferred.add(index)
        known = self.store.existing_ids(t.id for t in batch if t.id is not None)
        fresh = [i for i, t in enumerate(batch) if t.id not in known]
        before = Counter(anonymizer.pii_counts)
        anonymized, failures = anonymize_batch(anonymizer, [batch[i] for i in fresh])
        for failure in failures:
            _, line, where = sourced[fresh[failure.index]]
            self.summary.reject(shown, line, failure.reason, where)
        kept = [(i, c) for i, c in zip(fresh, anonymized, strict=True) if c is not None]
        clean = [c for _, c in kept]
        inferred_ids = [c.id for i, c in kept if i in inferred and c.id is not None]
        added, duplicates = self.store.add_traces(
            clean,
            format=format_name,
            ner=anonymizer.ner_enabled,
            run_id=self.run_id,
            inferred_ids=inferred_ids,
        )
        self.summary.landed += added
        self.summary.duplicates += duplicates + len(batch) - len(fresh)
        self.summary.inferred_timestamps += len(inferred_ids)
        for kind, count in (anonymizer.pii_counts - before).items():
            self.summary.pii_counts[kind] = self.summary.pii_counts.get(kind, 0) + count

    def _clamp_times(self, trace: Trace) -> None:
        """Treat a timestamp outside 1970-2200 as missing: no later command may trip on it."""
        if trace.timestamp is not None and not in_range(trace.timestamp):
            trace.timestamp = None
            self.summary.out_of_range_timestamps += 1
        for event in trace.events:
            if event.at is not None and not in_range(event.at):
                event.at = None
                self.summary.out_of_range_timestamps += 1

    # -- bookkeeping ------------------------------------------------------------------------
    def _file_row(self, key: str) -> dict[str, Any] | None:
        rows = list(self.store.db.query("select * from ingested_files where path = ?", [key]))
        return rows[0] if rows else None

    def _remember(
        self, key: str, stat: os.stat_result, consumed: int, lines: int, digest: str, fmt: str
    ) -> None:
        with self.store.db.atomic():
            self.store.db.table("ingested_files").upsert(
                {
                    "path": key,
                    "size": stat.st_size,
                    "mtime_ns": stat.st_mtime_ns,
                    "consumed_bytes": consumed,
                    "consumed_lines": lines,
                    "prefix_sha256": digest,
                    "format": fmt,
                    "run_id": self.run_id,
                },
                pk="path",
            )

    def start_run(self, paths: list[Path]) -> None:
        with self.store.db.atomic():
            table = self.store.db.table("ingest_runs")
            table.insert(
                {
                    "path": json.dumps([path_text(p) for p in paths], ensure_ascii=False),
                    "format": self.forced,
                    "started_at": to_iso(utcnow()),
                }
            )
            self.run_id = table.last_pk

    def finish_run(self) -> None:
        s = self.summary
        used = sorted(set(s.files.values()))
        with self.store.db.atomic():
            self.store.db.table("ingest_runs").update(
                self.run_id or 0,
                {
                    "format": ",".join(used) if used else self.forced,
                    "finished_at": to_iso(utcnow()),
                    "ok": s.landed,
                    "duplicates": s.duplicates,
                    "rejected": s.rejected_total,
                    "pii": json.dumps(s.pii_counts, sort_keys=True),
                    "ner": int(s.ner_enabled),
                },
            )


ProgressCallback = Callable[[int, IngestSummary], None]


def ingest_paths(
    paths: list[Path],
    store: Store,
    settings: Settings,
    *,
    format: str = "auto",
    no_ner: bool = False,
    progress: bool = False,
    adjust: Callable[[Trace], None] | None = None,
) -> IngestSummary:
    """Ingest files and folders into `store`; raise IngestError for a usage problem.

    `adjust` is called on every trace read, before ids are checked and text anonymized (the
    demo moves the sample's dates with it; it must not touch content).
    """
    if format != "auto" and format not in FORMATS:
        raise IngestError(f"unknown format {format!r}; known formats: auto, {', '.join(FORMATS)}")
    started = time.perf_counter()
    files = expand_paths(paths)
    run = _Ingest(store, settings, format, no_ner, None, adjust)
    run.start_run(paths)
    bar = _progress_bar(files) if progress else None
    try:
        if bar is not None:
            bar.__enter__()
        for path, shown, explicit in files:
            if bar is not None:
                run.progress = bar.callback(path)
            run.ingest_file(path, shown, explicit)
            if bar is not None:
                bar.done(path)
    except IngestError:
        if run.summary.landed == 0:
            with store.db.atomic():
                store.db.table("ingest_runs").delete(run.run_id or 0)
        else:
            run.finish_run()
        raise
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    run.summary.seconds = time.perf_counter() - started
    run.finish_run()
    return run.summary


def _progress_bar(files: list[tuple[Path, str, bool]]) -> Any:
    """A Rich progress bar over the bytes of the files (imported only when shown)."""
    from tracereader.ingest_progress import ProgressBar

    return ProgressBar([p for p, _, _ in files])
