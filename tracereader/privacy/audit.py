"""`audit`: every stored text column rescanned with the current detectors, and fixed on request.

A database made by an older version (or ingested with `--no-ner`) can so be checked and
cleaned. Values are grouped by trace, so a fix numbers its placeholders after the ones the
trace already holds and `<PERSON_1>` keeps meaning one person. Findings say the type, the
column and the trace, never the value. A trace id that holds something personal is re-keyed
(its keyed hash, everywhere the id is stored). `fix` writes everything in one transaction.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracereader.model import Trace
from tracereader.privacy.anonymizer import Anonymizer
from tracereader.privacy.app_text import app_values
from tracereader.privacy.keys import KEY
from tracereader.privacy.redaction import TraceRedactor
from tracereader.privacy.walk import collect_strings, collect_strings_of
from tracereader.store import Store

# Bookkeeping that holds no trace text: migrations, salt fingerprint, app-text hashes, files.
SKIPPED_TABLES = frozenset(("_migrations", "meta", "app_text", "ingested_files", "ingest_runs"))
# Columns that hold keyed hashes or the reviewer's own name, stored on purpose.
SKIPPED_COLUMNS = frozenset(("user_hash", "session_hash", "reviewer"))
# The app's own bookkeeping, by column name: cache and pattern keys, hashes, ids and times
# (`note_clusters.key` is a SHA-256 of the notes, `pattern_edits.target` a pattern's key).
_BOOKKEEPING = re.compile(r"(?:^|_)(?:key|hash|ids?|at|day|target)$")
# Named like bookkeeping but copied from the traces themselves, so rescanned.
_TRACE_COLUMNS = frozenset((("traces", "id"), ("messages", "tool_call_id")))
_PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*)_\d+>|(?<![\w\-])(id|t)_[0-9a-f]{16}(?![\w\-])")
BATCH = 100  # traces rescanned together (one NLP batch)


@dataclass
class Cell:
    """One stored text value: where it is, and what it is once rewritten."""

    table: str
    column: str
    rowid: int
    value: str
    kind: str | None = None
    keys: bool = True
    fixed: str | None = None


@dataclass
class AuditReport:
    """What the rescan found: counts by (type, table.column, trace), and what was fixed."""

    findings: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    cells_changed: int = 0
    traces_rekeyed: int = 0
    fixed: bool = False

    def by_type(self) -> Counter[str]:
        """Findings per entity type."""
        out: Counter[str] = Counter()
        for (entity, _, _), n in self.findings.items():
            out[entity] += n
        return out


def is_bookkeeping(table: str, column: str) -> bool:
    """Whether `table.column` holds the app's own keys, hashes, ids or times, never trace text
    (`trace_id` stays: it ties a row to the trace whose id `traces.id` rescans)."""
    if column in SKIPPED_COLUMNS:
        return True
    if column == "trace_id" or (table, column) in _TRACE_COLUMNS:
        return False
    return bool(_BOOKKEEPING.search(column))


def _text_columns(store: Store, table: str, *, scanned: bool = True) -> list[str]:
    """The text columns of `table`; `scanned`: only those that can hold trace text."""
    info = store.execute(f"pragma table_info([{table}])").fetchall()
    return [
        row[1]
        for row in info
        if (row[2] or "").upper() in ("TEXT", "")
        and not (scanned and is_bookkeeping(table, row[1]))
    ]


def _tables(store: Store) -> list[str]:
    names = [r[0] for r in store.execute("select name from sqlite_master where type = 'table'")]
    return [
        n
        for n in names
        if n not in SKIPPED_TABLES and not n.startswith("sqlite_") and "_fts" not in n
    ]


def _parsed(value: str) -> Any:
    stripped = value.strip()
    if stripped[:1] in "[{" and stripped[-1:] in "]}":
        try:
            return json.loads(stripped)
        except ValueError:
            return None
    return None


def _cells(
    store: Store, table: str, columns: list[str], where: str, params: list[Any]
) -> Iterator[tuple[str | None, Cell]]:
    """(trace id or None, cell) for each non-empty text value of `table` matching `where`."""
    columns = [c for c in columns if c != "trace_id"]  # references; `traces.id` is checked
    if not columns:
        return
    info = {row[1] for row in store.execute(f"pragma table_info([{table}])")}
    trace_column = "id" if table == "traces" else "trace_id" if "trace_id" in info else None
    select = ", ".join(f"[{c}]" for c in columns)
    extra = (", role" if table == "messages" else ", null") + (
        f", [{trace_column}]" if trace_column else ", null"
    )
    for row in store.execute(f"select rowid, {select}{extra} from [{table}] {where}", params):
        for index, column in enumerate(columns):
            value = row[index + 1]
            if not isinstance(value, str) or not value.strip():
                continue
            kind = None
            if table == "traces" and column == "id":
                kind = KEY
            elif column == "name" and row[-2] == "user":
                kind = "PERSON"
            cell = Cell(table, column, row[0], value, kind, keys=column != "metadata")
            yield (None if row[-1] is None else str(row[-1])), cell


def _placeholders(value: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for m in _PLACEHOLDER.finditer(value):
        found["ID" if m.group(2) == "id" else "TRACE_ID" if m.group(2) else m.group(1)] += 1
    return found


def _rescan(
    anonymizer: Anonymizer,
    groups: list[tuple[str, list[Cell]]],
    report: AuditReport,
    traces: Sequence[Trace] = (),
) -> None:
    """Rewrite each group's cells with one redactor, and count what changed.

    `traces` (the groups' traces as stored) are counted for the application's own text first,
    as ingest counts them, so a persona or a product recurring in many traces is kept.
    """
    texts: list[str] = [s for trace in traces for s in collect_strings(trace)]
    parsed: dict[int, Any] = {}
    for _, cells in groups:
        for cell in cells:
            doc = _parsed(cell.value) if cell.kind is None else None
            if doc is not None:
                parsed[id(cell)] = doc
            texts.extend(
                collect_strings_of(doc if doc is not None else cell.value, cell.kind, cell.keys)
            )
    spans = anonymizer.analyze(texts)
    anonymizer.app_text.observe((t, app_values(t, spans)) for t in traces)
    models = {t.id: t.model for t in traces}
    for trace, cells in groups:
        redactor = TraceRedactor(
            spans, anonymizer.keyed_hash, anonymizer.app_text.is_app_text, models.get(trace)
        )
        values = [(parsed.get(id(c), c.value), c.kind, c.keys) for c in cells]
        for cell, new in zip(cells, redactor.redact_values(values), strict=True):
            if id(cell) in parsed:
                if new == parsed[id(cell)]:
                    continue
                new = json.dumps(new, ensure_ascii=False, sort_keys=cell.column == "metadata")
            if new != cell.value:
                cell.fixed = new
        # a trace whose id holds something personal is shown by the keyed hash it will get
        rekeyed = any(c.kind == KEY and c.fixed is not None for c in cells)
        shown = anonymizer.keyed_hash(trace, "t_") if rekeyed else trace
        for cell in cells:
            if cell.fixed is None:
                continue
            added = _placeholders(cell.fixed) - _placeholders(cell.value)
            for entity, n in (added or Counter({"PII": 1})).items():
                report.findings[(entity, f"{cell.table}.{cell.column}", shown)] += n


def audit_store(store: Store, anonymizer: Anonymizer, *, fix: bool = False) -> AuditReport:
    """Rescan every stored text column; with `fix`, rewrite what was found in one transaction."""
    report = AuditReport()
    tables = {t: _text_columns(store, t) for t in _tables(store)}
    by_trace = [t for t, cols in tables.items() if t != "traces" and "trace_id" in cols]
    others = [t for t in tables if t != "traces" and t not in by_trace]
    changed: list[Cell] = []
    ids = [row[0] for row in store.execute("select id from traces order by id")]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        groups: dict[str, list[Cell]] = {i: [] for i in chunk}
        marks = ",".join("?" * len(chunk))
        for table in ["traces", *by_trace]:
            column = "id" if table == "traces" else "trace_id"
            where = f"where [{column}] in ({marks})"
            for trace, cell in _cells(store, table, tables.get(table, []), where, chunk):
                groups.setdefault(trace or "", []).append(cell)
        group_list = list(groups.items())
        stored = [store.get_trace(i) for i in chunk]
        _rescan(anonymizer, group_list, report, [s.trace for s in stored if s is not None])
        changed.extend(c for _, cells in group_list for c in cells if c.fixed is not None)
    for table in others:
        loose = [
            (f"{table} row {c.rowid}", [c]) for _, c in _cells(store, table, tables[table], "", [])
        ]
        _rescan(anonymizer, loose, report)
        changed.extend(c for _, cells in loose for c in cells if c.fixed is not None)
    report.cells_changed = len(changed)
    if fix and changed:
        _apply(store, tables, changed, anonymizer, report)
    report.fixed = fix
    return report


def _apply(
    store: Store,
    tables: dict[str, list[str]],
    cells: list[Cell],
    anonymizer: Anonymizer,
    report: AuditReport,
) -> None:
    """Write the rewritten cells, and re-key trace ids that held something personal."""
    rekeys = {
        c.value: anonymizer.keyed_hash(c.value, "t_")
        for c in cells
        if c.kind == KEY and c.table == "traces"
    }
    with store.atomic(immediate=True):
        store.execute("pragma defer_foreign_keys = on")
        for cell in cells:
            if cell.kind == KEY:
                continue  # ids are re-keyed below, everywhere at once
            store.execute(
                f"update [{cell.table}] set [{cell.column}] = ? where rowid = ?",
                [cell.fixed, cell.rowid],
            )
        # ids are in bookkeeping columns too (`review_actions`): every text column
        every_column = {t: _text_columns(store, t, scanned=False) for t in tables}
        for old, new in rekeys.items():
            for table, columns in every_column.items():
                for column in columns:
                    store.execute(
                        f"update [{table}] set [{column}] = replace([{column}], ?, ?) "
                        f"where instr([{column}], ?) > 0",
                        [old, new, old],
                    )
    report.traces_rekeyed = len(rekeys)
