"""score.py - which planted values survived in what a privacy filter wrote.

    score(manifest, written_files) -> Report
    summary(report) -> dict

``written_files`` is every file the tool under test wrote: its SQLite database with
the -wal/-shm/-journal files, exports, logs, captured stdout/stderr.  Directories are
walked.  Every byte of every file is read; SQLite files are also opened (a copy,
read-only) and every row of every table is decoded.  See README.md, "How a leak is
counted", for the rules; they are strict on purpose.

    python score.py [--seed N] [--n 150] [--tool tracereader] [--keep DIR] [--cmd TEMPLATE ...]

generates traces into a temp dir, runs the tool to ingest and export them (by default
``tracereader --db DB ingest DIR`` and ``export --format json|md|csv``), then scores
every file the run left under the temp dir and prints a table.
"""
from __future__ import annotations

import argparse
import bz2
import csv
import gzip
import html
import io
import json
import lzma
import math
import os
import re
import shlex
import shutil
import site
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
import zipfile
import zlib
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plant  # noqa: E402  (the generator; also supplies the shared matching helpers)
from plant import compact_text, digit_combos, fold_ascii  # noqa: E402

SQLITE_MAGIC = b"SQLite format 3\x00"
SECRET_RUN = 12
# Words a tool may print on its own that are also surnames or first names.  A name part that
# is one of these is not counted by the run-wide name-part rule (it still counts inside a
# trace's own rows, and the exact-value rule is unaffected).
COMMON_WORDS = set("""
will mark bill rose may june april august grant hope joy faith long young king brown white green black gray grey
hall wood price case cole page lane hill rich bell bush ford cook baker miller carter mason hunter walker turner
parker cooper fisher porter ward rice west north south east golden sharp little short strong best love day knight
law lord moon star stone field banks wells lake marsh snow frost rain cross major noble park castle chase dean drew
guy lee ray sue art bob don jack jean van von ali rate pattern status review model score release item items action
open fixed valid note notes tag tags name names person date time location email phone card number address street
city state country code main master head data user users trace traces message messages content role system tool
assistant text value values event events session sessions ingest export audit count total mean salt hash key keys
index table column row rows page pages free small large high low new old good bad true false none null default
""".split())


# --------------------------------------------------------------------------
# Report structures
# --------------------------------------------------------------------------

@dataclass
class Finding:
    rule: str        # exact, alt, digits, compact, secret_run, name_part_trace, name_part_global
    needle: str
    where: str       # file path or db table


@dataclass
class EntryResult:
    entry: dict[str, Any]
    leaked: bool
    findings: list[Finding] = field(default_factory=list)
    unscorable: bool = False  # every check of the value collides with text the generator itself wrote


@dataclass
class CanaryResult:
    canary: dict[str, Any]
    survived: bool
    where: str = ""


@dataclass
class Report:
    entries: list[EntryResult]
    canaries: list[CanaryResult]
    files: list[str]
    tables: dict[str, int]            # "db::table" -> rows read
    attribution: dict[str, Any]
    warnings: list[str]
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------
# Reading what the tool wrote
# --------------------------------------------------------------------------

@dataclass
class Row:
    table: str
    cols: list[str]
    cells: list[Any]
    text: str
    tid: str | None = None


@dataclass
class Corpus:
    texts: list[tuple[str, str]] = field(default_factory=list)    # (where, text)
    rows: list[Row] = field(default_factory=list)
    schema_words: set[str] = field(default_factory=set)
    tables: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, where: str, text: str) -> None:
        if text:
            self.texts.append((where, text))


def _printable_ratio(s: str) -> float:
    if not s:
        return 0.0
    good = sum(1 for ch in s[:4000] if ch.isprintable() or ch in "\n\r\t")
    return good / min(len(s), 4000)


def _decompress(data: bytes) -> Iterator[bytes]:
    """Every way the bytes decompress: gzip, zlib, raw deflate, bz2, xz/lzma, zip members."""
    tries = []
    if data[:2] == b"\x1f\x8b":
        tries.append(lambda: gzip.decompress(data))
    if data[:1] in (b"\x78",):
        tries.append(lambda: zlib.decompress(data))
    if data[:3] == b"BZh":
        tries.append(lambda: bz2.decompress(data))
    if data[:6] == b"\xfd7zXZ\x00" or data[:1] == b"\x5d":
        tries.append(lambda: lzma.decompress(data))
    for fn in tries:
        try:
            yield fn()
        except Exception:  # noqa: BLE001 - not that format after all
            pass
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for n in z.namelist():
                    yield z.read(n)
        except Exception:  # noqa: BLE001
            pass


def _json_strings(obj: Any, out: list[str], depth: int = 0) -> None:
    if depth > 12:
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.append(str(k))
            _json_strings(v, out, depth + 1)
    elif isinstance(obj, list):
        for v in obj:
            _json_strings(v, out, depth + 1)
    elif isinstance(obj, str):
        out.append(obj)
        t = obj.strip()
        if t[:1] in "{[" and t[-1:] in "}]":
            try:
                _json_strings(json.loads(t), out, depth + 1)
            except ValueError:
                pass
    elif obj is not None and not isinstance(obj, bool):
        out.append(str(obj))


_B64_RE = re.compile(r"^[A-Za-z0-9+/=_\-\s]{16,}$")


def _views(text: str) -> list[str]:
    """The text as stored plus what it means once unescaped: JSON strings, HTML entities,
    percent-encoding, '\\/' escapes, base64 of printable text."""
    out = [text]
    t = text.strip()
    if t[:1] in "{[" and t[-1:] in "}]":
        try:
            parts: list[str] = []
            _json_strings(json.loads(t), parts)
            out.append("\n".join(parts))
        except ValueError:
            pass
    if "&" in text and ";" in text:
        u = html.unescape(text)
        if u != text:
            out.append(u)
    if "%" in text:
        try:
            u = urllib.parse.unquote(text)
            if u != text:
                out.append(u)
        except Exception:  # noqa: BLE001
            pass
    if "\\/" in text:
        out.append(text.replace("\\/", "/"))
    if _B64_RE.match(t) and len(t) < 1_000_000:
        import base64
        for dec in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = dec(t + "=" * (-len(t) % 4))
                s = raw.decode("utf-8")
                if _printable_ratio(s) > 0.95:
                    out.append(s)
                    break
            except Exception:  # noqa: BLE001
                pass
    return out


def _cell_text(cell: Any) -> list[str]:
    if cell is None:
        return []
    if isinstance(cell, bytes):
        out = []
        s = cell.decode("utf-8", errors="replace")
        out.append(s)
        for dec in _decompress(cell):
            out.append(dec.decode("utf-8", errors="replace"))
        return out
    return [str(cell)]


def _sqlite_encoding(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
        if head[:16] == SQLITE_MAGIC:
            enc = int.from_bytes(head[56:60], "big")
            return {2: "utf-16-le", 3: "utf-16-be"}.get(enc, "utf-8")
    except OSError:
        pass
    return "utf-8"


def read_sqlite(path: Path, corpus: Corpus) -> None:
    with tempfile.TemporaryDirectory(prefix="score-db-") as td:
        copy = Path(td) / path.name
        shutil.copy2(path, copy)
        for suf in ("-wal", "-shm", "-journal"):
            side = Path(str(path) + suf)
            if side.exists():
                shutil.copy2(side, Path(str(copy) + suf))
        try:
            con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
            con.execute("select count(*) from sqlite_master").fetchone()
        except sqlite3.Error:
            con = sqlite3.connect(str(copy))  # a private copy: opening it read-write touches nothing of the tool's
        con.text_factory = bytes
        try:
            objs = con.execute("select type, name, sql from sqlite_master").fetchall()
        except sqlite3.Error as exc:
            corpus.warnings.append(f"{path}: cannot read sqlite_master ({exc})")
            return
        for typ, name, sql in objs:
            name = name.decode("utf-8", "replace")
            if sql:
                corpus.schema_words |= {w.lower() for w in re.findall(r"[^\W\d_]+", sql.decode("utf-8", "replace"))}
            corpus.schema_words |= {w.lower() for w in re.findall(r"[^\W\d_]+", name)}
            if typ != b"table":
                continue
            try:
                cur = con.execute(f'select * from "{name}"')
                cols = [d[0] for d in cur.description]
                n = 0
                for rec in cur:
                    n += 1
                    pieces: list[str] = []
                    for cell in rec:
                        for t in _cell_text(cell):
                            pieces.extend(_views(t))
                    corpus.rows.append(Row(f"{path.name}::{name}", cols, list(rec), "\n".join(pieces)))
                corpus.tables[f"{path}::{name}"] = n
                corpus.schema_words |= {w.lower() for c in cols for w in re.findall(r"[^\W\d_]+", c)}
            except sqlite3.Error as exc:
                corpus.warnings.append(f"{path}::{name}: cannot read ({exc})")
        con.close()


def read_file(path: Path, corpus: Corpus) -> None:
    data = path.read_bytes()
    enc = "utf-8"
    base = re.sub(r"-(wal|shm|journal)$", "", str(path))
    if data[:16] == SQLITE_MAGIC or base != str(path):
        enc = _sqlite_encoding(Path(base)) if Path(base).exists() else "utf-8"
    corpus.add(f"{path} [bytes]", data.decode("utf-8", errors="replace"))
    if enc != "utf-8":
        corpus.add(f"{path} [bytes {enc}]", data.decode(enc, errors="replace"))
    for dec in _decompress(data):
        corpus.add(f"{path} [decompressed]", dec.decode("utf-8", errors="replace"))
    if data[:16] == SQLITE_MAGIC:
        read_sqlite(path, corpus)
        return
    text = data.decode("utf-8", errors="replace")
    for v in _views(text)[1:]:
        corpus.add(f"{path} [unescaped]", v)
    if path.suffix.lower() in (".jsonl", ".ndjson", ".log") or text.lstrip()[:1] in "{[":
        parts: list[str] = []
        for line in text.splitlines():
            line = line.strip()
            if line[:1] in "{[":
                try:
                    _json_strings(json.loads(line), parts)
                except ValueError:
                    pass
        if parts:
            corpus.add(f"{path} [json lines]", "\n".join(parts))
    if path.suffix.lower() in (".csv", ".tsv"):
        try:
            cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
            corpus.add(f"{path} [csv cells]", "\n".join(cells))
        except csv.Error:
            pass


def expand(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.is_file() and not q.is_symlink())
        elif p.is_file():
            out.append(p)
    return sorted(dict.fromkeys(out))


# --------------------------------------------------------------------------
# Attributing database rows to traces
# --------------------------------------------------------------------------

def attribute_rows(rows: list[Row], trace_ids: set[str]) -> dict[str, Any]:
    """Give each row the trace it belongs to, where that can be told without knowing the schema:
    1. a row that contains exactly one source trace id belongs to it;
    2. a row whose column named like *trace* / <table>_id holds the key (rowid-like first column,
       or an 'id'/'uuid'/'pk' column) of an attributed row of a matching table belongs there too.
    Rows that cannot be placed stay unattributed (searched only run-wide)."""
    if not rows or not trace_ids:
        return {"rows": len(rows), "attributed": 0}
    pat = re.compile("|".join(re.escape(t) for t in sorted(trace_ids, key=len, reverse=True)))
    for row in rows:
        found = set(pat.findall(row.text))
        if len(found) == 1:
            row.tid = found.pop()
    # keys of attributed rows, per table
    for _ in range(3):
        keys: dict[str, dict[str, str | None]] = defaultdict(dict)
        for row in rows:
            if row.tid is None:
                continue
            tname = row.table.split("::")[-1].lower()
            for c, v in zip(row.cols, row.cells):
                cl = c.lower()
                if v is None or not (cl in ("id", "pk", "uuid", "rowid", "trace_id", "key", "uid") or c == row.cols[0]):
                    continue
                sv = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                prev = keys[tname].get(sv, "")
                keys[tname][sv] = row.tid if prev in ("", row.tid) else None
        changed = False
        for row in rows:
            if row.tid is not None:
                continue
            for c, v in zip(row.cols, row.cells):
                cl = c.lower()
                if v is None:
                    continue
                targets = []
                if "trace" in cl:
                    targets = [t for t in keys if "trace" in t]
                elif cl.endswith("_id") and len(cl) > 3:
                    stem = cl[:-3]
                    targets = [t for t in keys if t.startswith(stem)]
                sv = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                for t in targets:
                    tid = keys[t].get(sv)
                    if tid:
                        row.tid = tid
                        changed = True
                        break
                if row.tid:
                    break
        if not changed:
            break
    attributed = sum(1 for r in rows if r.tid)
    return {"rows": len(rows), "attributed": attributed,
            "traces_with_rows": len({r.tid for r in rows if r.tid})}


# --------------------------------------------------------------------------
# Needle variants
# --------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def variants(value: str) -> list[str]:
    """The forms one stored value can take in a file: as is, JSON-escaped (ASCII or not, once
    or twice), with '\\/', HTML-escaped, percent-encoded, SQL/CSV quote-doubled,
    Markdown-escaped, Unicode-normalised, accents dropped."""
    out = [value]
    j_ascii = json.dumps(value)[1:-1]
    j_utf8 = json.dumps(value, ensure_ascii=False)[1:-1]
    out += [j_ascii, j_utf8, json.dumps(j_ascii)[1:-1], json.dumps(j_utf8, ensure_ascii=False)[1:-1]]
    out += [v.replace("/", "\\/") for v in (value, j_ascii) if "/" in v]
    out.append(html.escape(value, quote=False))
    out.append(html.escape(value, quote=True))
    out.append(urllib.parse.quote(value, safe=""))
    out.append(urllib.parse.quote_plus(value, safe=""))
    out.append(value.replace('"', '""'))
    out.append(value.replace("'", "''"))
    out.append(_MD_SPECIAL.sub(r"\\\1", value))
    for form in ("NFD", "NFKC"):
        out.append(unicodedata.normalize(form, value))
    folded = fold_ascii(value)
    if len(folded) >= 4:
        out.append(folded)
    return [v for v in dict.fromkeys(out) if v]


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------

class Index:
    """Everything the tool wrote, joined, with the look-up structures the rules need."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        texts = [t for _, t in corpus.texts] + [r.text for r in corpus.rows]
        all_text = "\n\x00\n".join(texts)
        # searched as UTF-8 bytes: much faster than str search once the text holds any non-BMP character
        self.all = all_text.encode("utf-8", "surrogatepass")
        self.lower = all_text.lower().encode("utf-8", "surrogatepass")
        self.text = all_text
        low = all_text.lower()
        self.tokens = set(re.findall(r"[^\W_]+", low))
        self.words = set(re.findall(r"[^\W\d_]+", low))
        self.combos = digit_combos(all_text)
        self.compact = compact_text(all_text).encode("utf-8", "surrogatepass")
        self._lowered: list[tuple[str, str]] | None = None
        self.trace_words: dict[str, set[str]] = defaultdict(set)
        for r in corpus.rows:
            if r.tid:
                self.trace_words[r.tid] |= set(re.findall(r"[^\W\d_]+", r.text.lower()))

    def find(self, needle: str, ci: bool, bounded: bool) -> bool:
        hay = self.lower if ci else self.all
        n = needle.lower() if ci else needle
        # cheap necessary condition: the needle's inner letter/digit runs (all of them when the match
        # must be bounded) are whole tokens of the haystack
        toks = re.findall(r"[^\W_]+", n.lower())
        inner = toks if bounded else toks[1:-1]
        if any(t not in self.tokens for t in inner):
            return False
        if bounded and len(toks) == 1 and toks[0] == n.lower() and ci:
            return True
        return occurs_bytes(hay, n.encode("utf-8", "surrogatepass"), bounded)

    def first_present(self, forms: list[str], ci: bool, bounded: bool) -> str:
        """The first of a value's forms present in the haystack, or ''.  Forms that keep the value's
        longest letter/digit run are skipped together when that run is absent (one scan, not many)."""
        runs = re.findall(r"[^\W_]+", forms[0].lower())
        anchor = max(runs, key=len) if runs else ""
        anchor_absent = len(anchor) >= 4 and anchor.encode("utf-8", "surrogatepass") not in self.lower
        for v in forms:
            if anchor_absent and anchor in v.lower():
                continue
            if self.find(v, ci, bounded):
                return v
        return ""

    def where(self, needle: str, ci: bool) -> str:
        """The first file or table holding the needle (for the report)."""
        if self._lowered is None:
            self._lowered = [(w, t.lower()) for w, t in self.corpus.texts] + \
                [(r.table, r.text.lower()) for r in self.corpus.rows]
        n = needle.lower() if ci else needle
        pool = self._lowered if ci else [(w, t) for w, t in self.corpus.texts] + [(r.table, r.text) for r in self.corpus.rows]
        for w, t in pool:
            if n in t:
                return w
        return "?"

    def secret_runs(self, parts: dict[int, str]) -> dict[int, str]:
        """For each secret (index -> random part), a 12-character run of it found anywhere, if any."""
        windows: dict[str, list[int]] = defaultdict(list)
        for i, p in parts.items():
            for k in range(0, len(p) - SECRET_RUN + 1):
                windows[p[k:k + SECRET_RUN]].append(i)
        hits: dict[int, str] = {}
        for m in re.finditer(r"[A-Za-z0-9+/=_\-.~:!@#$%^&*?()]{" + str(SECRET_RUN) + ",}", self.text):
            run = m.group(0)
            for k in range(0, len(run) - SECRET_RUN + 1):
                w = run[k:k + SECRET_RUN]
                for i in windows.get(w, ()):
                    hits.setdefault(i, w)
        return hits


def _load_manifest(manifest: Any) -> dict[str, Any]:
    if isinstance(manifest, plant.Manifest):
        return manifest.to_dict()
    if isinstance(manifest, (str, Path)):
        return json.loads(Path(manifest).read_text(encoding="utf-8"))
    return dict(manifest)


def _char_at(hay: bytes, i: int, before: bool) -> str:
    """The character that ends just before byte i (before=True) or starts at byte i."""
    if before:
        j = i - 1
        while j > 0 and 0x80 <= hay[j] < 0xC0 and i - j < 4:
            j -= 1
        return hay[j:i].decode("utf-8", "replace")[:1]
    j = i + 1
    while j < len(hay) and 0x80 <= hay[j] < 0xC0 and j - i < 4:
        j += 1
    return hay[i:j].decode("utf-8", "replace")[:1]


def occurs_bytes(hay: bytes, needle: bytes, bounded: bool) -> bool:
    """plant.occurs() on UTF-8 bytes."""
    if not needle:
        return False
    if not bounded:
        return needle in hay
    first = needle[:4].decode("utf-8", "ignore")[:1]
    last = needle[-4:].decode("utf-8", "ignore")[-1:]
    start = 0
    while True:
        i = hay.find(needle, start)
        if i < 0:
            return False
        j = i + len(needle)
        left_ok = i == 0 or not (first.isalnum() and _char_at(hay, i, True).isalnum())
        right_ok = j >= len(hay) or not (last.isalnum() and _char_at(hay, j, False).isalnum())
        if left_ok and right_ok:
            return True
        start = i + 1


def _exact_ruled_out(value: str, ch: dict[str, Any], idx: Index) -> bool:
    """The exact value cannot be present when its separator-free form is not, nor (for a value that must
    stand alone) when its digit groups are not."""
    d = re.sub(r"\D", "", value)
    if ch["bounded"] and re.fullmatch(r"[\d\s\-./()+]+", value) and len(d) >= 6 and d in ch.get("digits", []) \
            and d not in idx.combos:
        return True
    c = compact_text(value)
    return bool(c in ch.get("compact", []) and c.encode("utf-8", "surrogatepass") not in idx.compact)


def score(manifest: Any, written_files: list[Path]) -> Report:
    t0 = time.time()
    m = _load_manifest(manifest)
    files = expand(written_files)
    corpus = Corpus()
    for f in files:
        try:
            read_file(f, corpus)
        except OSError as exc:
            corpus.warnings.append(f"{f}: cannot read ({exc})")
    trace_ids = {e["trace_id"] for e in m["planted"]} | {c["trace_id"] for c in m["canaries"]}
    attribution = attribute_rows(corpus.rows, trace_ids)
    idx = Index(corpus)
    warnings = list(corpus.warnings)
    if not files:
        warnings.append("no files to score")
    if not corpus.rows:
        warnings.append("no SQLite rows were read: either no database was written or it could not be opened")
    if attribution.get("attributed", 0) == 0 and corpus.rows:
        warnings.append("no database row could be tied to a trace id; name parts are checked run-wide only")

    planted = m["planted"]
    results = [EntryResult(e, False) for e in planted]
    secret_parts = {i: e["checks"]["secret_part"] for i, e in enumerate(planted)
                    if e["checks"].get("secret_part") and len(e["checks"]["secret_part"]) >= SECRET_RUN}
    runs = idx.secret_runs(secret_parts)
    stop = COMMON_WORDS | idx.corpus.schema_words
    for i, (e, res) in enumerate(zip(planted, results)):
        ch = e["checks"]
        ci, bounded = ch["case_insensitive"], ch["bounded"]
        if not ch.get("scorable", True):
            res.unscorable = True
            continue
        part = ch.get("secret_part") or ""
        if i in runs:
            res.findings.append(Finding("secret_run", runs[i], idx.where(runs[i], False)))
        elif part and len(part) < SECRET_RUN and part != e["value"]:
            v = idx.first_present(variants(part), False, False)
            if v:  # a short secret (password) found on its own, outside its original string
                res.findings.append(Finding("secret_exact", v, idx.where(v, False)))
        elif not ch["exact_ambiguous"] and not _exact_ruled_out(e["value"], ch, idx):
            v = idx.first_present(variants(e["value"]), ci, bounded)
            if v:
                res.findings.append(Finding("exact", v, idx.where(v, ci)))
        for a in ch.get("alt", []):
            v = idx.first_present(variants(a), ci, len(a) <= 7 or e["type"] == "email")
            if v:
                res.findings.append(Finding("alt", v, idx.where(v, ci)))
                break
        for d in ch.get("digits", []):
            if d in idx.combos:
                res.findings.append(Finding("digits", d, "digit groups"))
                break
        for c in ch.get("compact", []):
            if c.encode("utf-8", "surrogatepass") in idx.compact:
                res.findings.append(Finding("compact", c, "text with separators removed"))
                break
        if e["type"] == "person_name":
            tw = idx.trace_words.get(e["trace_id"])
            for w in ch.get("name_parts", []):
                if tw is not None and w in tw:
                    res.findings.append(Finding("name_part_trace", w, f"rows of trace {e['trace_id']}"))
                    break
            else:
                for w in ch.get("name_parts_global", []):
                    if w in idx.words and w not in stop:
                        res.findings.append(Finding("name_part_global", w, "anywhere"))
                        break
        res.leaked = bool(res.findings)

    canaries = []
    for c in m["canaries"]:
        hit = ""
        for v in variants(c["value"])[:6]:
            if v.encode("utf-8", "surrogatepass") in idx.all:
                hit = idx.where(v, False)
                break
        canaries.append(CanaryResult(c, bool(hit), hit))
    return Report(entries=results, canaries=canaries, files=[str(f) for f in files], tables=corpus.tables,
                  attribution=attribution, warnings=warnings, seconds=round(time.time() - t0, 2))


# --------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------

def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


def _rate(k: int, n: int) -> dict[str, Any]:
    lo, hi = wilson(k, n)
    return {"n": n, "k": k, "rate": round(k / n, 4) if n else None, "ci95": [round(lo, 4), round(hi, 4)]}


def summary(report: Report) -> dict[str, Any]:
    """Leak rate per type, per context and overall; canary survival per kind (each with n and a
    Wilson 95% interval).  'k' is the number leaked (planted) or survived (canaries)."""
    by_type: dict[str, list[bool]] = defaultdict(list)
    by_ctx: dict[str, list[bool]] = defaultdict(list)
    by_rule: Counter[str] = Counter()
    secret = []
    pii = []
    scored = [r for r in report.entries if not r.unscorable]
    for r in scored:
        by_type[r.entry["type"]].append(r.leaked)
        by_ctx[r.entry["context"]].append(r.leaked)
        (secret if r.entry["type"].startswith("secret_") else pii).append(r.leaked)
        for f in {f.rule for f in r.findings}:
            by_rule[f] += 1
    uniq: dict[tuple[str, str], bool] = {}
    for r in scored:
        k = (r.entry["value"], r.entry["type"])
        uniq[k] = uniq.get(k, False) or r.leaked
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for c in report.canaries:
        by_kind[c.canary["kind"]].append(c.survived)
    allp = [r.leaked for r in scored]
    warnings = list(report.warnings)
    kept = sum(c.survived for c in report.canaries)
    if report.canaries and kept < 0.5 * len(report.canaries):
        warnings.append(f"only {kept}/{len(report.canaries)} canaries found: either the tool destroys ordinary text "
                        "or its storage could not be read - the leak rates above are not meaningful")
    return {
        "overall": _rate(sum(allp), len(allp)),
        "personal": _rate(sum(pii), len(pii)),
        "secrets": _rate(sum(secret), len(secret)),
        "unique_values": _rate(sum(uniq.values()), len(uniq)),
        "by_type": {t: _rate(sum(v), len(v)) for t, v in sorted(by_type.items())},
        "by_context": {c: _rate(sum(v), len(v)) for c, v in sorted(by_ctx.items())},
        "by_rule": dict(by_rule.most_common()),
        "unscorable": len(report.entries) - len(scored),
        "canaries": _rate(sum(c.survived for c in report.canaries), len(report.canaries)),
        "canaries_by_kind": {k: _rate(sum(v), len(v)) for k, v in sorted(by_kind.items())},
        "attribution": report.attribution,
        "files": len(report.files),
        "tables": len(report.tables),
        "warnings": warnings,
        "seconds": report.seconds,
    }


def format_table(s: dict[str, Any]) -> str:
    def line(name: str, r: dict[str, Any], word: str) -> str:
        rate = "  -  " if r["rate"] is None else f"{100 * r['rate']:5.1f}%"
        return f"  {name:28s} {r['k']:5d}/{r['n']:<5d} {word} {rate}  [{100 * r['ci95'][0]:.1f}-{100 * r['ci95'][1]:.1f}]"
    out = ["LEAKS (planted values found in what the tool wrote)",
           line("overall", s["overall"], "leaked"), line("personal data", s["personal"], "leaked"),
           line("secrets", s["secrets"], "leaked"), line("unique values", s["unique_values"], "leaked"),
           "", "by type:"]
    out += [line(t, r, "leaked") for t, r in s["by_type"].items()]
    out += ["", "by context:"]
    out += [line(c, r, "leaked") for c, r in sorted(s["by_context"].items(), key=lambda kv: -(kv[1]["rate"] or 0))]
    out += ["", "leaks by rule: " + ", ".join(f"{k} {v}" for k, v in s["by_rule"].items()),
            f"not scored (every check collides with the generator's own text): {s['unscorable']}",
            "", "CANARIES (non-personal values that must survive)", line("all canaries", s["canaries"], "kept  ")]
    out += [line(k, r, "kept  ") for k, r in s["canaries_by_kind"].items()]
    out += ["", f"files scanned: {s['files']}, tables: {s['tables']}, rows tied to traces: "
                f"{s['attribution'].get('attributed', 0)}/{s['attribution'].get('rows', 0)}, {s['seconds']}s"]
    out += [f"WARNING: {w}" for w in s["warnings"]]
    return "\n".join(out)


# --------------------------------------------------------------------------
# Running the tool
# --------------------------------------------------------------------------

DEFAULT_CMDS = [
    "{tool} --db {db} ingest {dir}",
    "{tool} --db {db} export --format json -o {out}/export.json",
    "{tool} --db {db} export --format md -o {out}/export.md",
    "{tool} --db {db} export --format csv -o {out}/export.csv",
]
EXTRA_CMDS = [
    "{tool} --db {db} status --json",
    "{tool} --db {db} patterns --json",
    "{tool} --db {db} audit",
]


def _tool_words(tool: str | None) -> list[str]:
    if tool:
        return shlex.split(tool)
    found = shutil.which("tracereader")
    return [found] if found else [sys.executable, "-m", "tracereader"]


def run_tool(cmds: list[str], tool: list[str], traces: Path, work: Path, isolate_home: bool = True,
             timeout: int = 1800) -> list[dict[str, Any]]:
    """Run each command template; stdout and stderr are captured into work/logs/ (they are output too)."""
    db = work / "tracereader.db"
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if isolate_home:  # whatever the tool writes under $HOME or XDG dirs lands in work/ and is scored
        home = work / "home"
        for sub in ("", ".config", ".local/share", ".cache", ".local/state", "tmp"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
                   XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".local/state"),
                   TMPDIR=str(home / "tmp"), PYTHONUSERBASE=site.getuserbase())
    env["TRACEREADER_DB"] = str(db)
    files = " ".join(shlex.quote(str(p)) for p in sorted(traces.glob("*.jsonl")))
    out = []
    for i, tpl in enumerate(cmds):
        line = tpl.format(tool=" ".join(shlex.quote(t) for t in tool), db=shlex.quote(str(db)),
                          dir=shlex.quote(str(traces)), out=shlex.quote(str(work)), files=files)
        argv = shlex.split(line)
        t0 = time.time()
        try:
            p = subprocess.run(argv, cwd=work, env=env, capture_output=True, timeout=timeout)
            rc, so, se = p.returncode, p.stdout, p.stderr
        except FileNotFoundError as exc:
            rc, so, se = 127, b"", str(exc).encode()
        except subprocess.TimeoutExpired as exc:
            rc, so, se = -1, exc.stdout or b"", (exc.stderr or b"") + b"\n[timed out]"
        (logs / f"{i:02d}.stdout").write_bytes(so)
        (logs / f"{i:02d}.stderr").write_bytes(se)
        out.append({"cmd": line, "rc": rc, "seconds": round(time.time() - t0, 1)})
    return out


def _main() -> int:
    ap = argparse.ArgumentParser(description="Generate planted traces, run the tool on them, score what it wrote.")
    ap.add_argument("--seed", type=int, default=None, help="default: a fresh seed from the clock")
    ap.add_argument("--n", type=int, default=150, help="number of traces (default 150)")
    ap.add_argument("--tool", default=None, help="how to invoke the tool (default: tracereader, else python -m tracereader)")
    ap.add_argument("--cmd", action="append", help="command template to run instead of the defaults; "
                    "placeholders {tool} {db} {dir} {out} {files}; repeatable")
    ap.add_argument("--extra", action="store_true", help="also run status --json, patterns --json and audit")
    ap.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temp dir, removed)")
    ap.add_argument("--no-isolate-home", action="store_true", help="do not point HOME/XDG dirs into the work dir")
    ap.add_argument("--json", type=Path, help="write the summary (no planted values) as JSON here")
    ap.add_argument("--details", type=int, default=15, help="print this many leaked values as examples")
    ap.add_argument("--fail-above", type=float, default=None, help="exit 1 if the overall leak rate exceeds this")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int(time.time()) % 1_000_000
    if a.keep and a.keep.exists() and any(a.keep.iterdir()):
        ap.error(f"--keep {a.keep}: directory is not empty (everything in it would be scored)")
    root = a.keep or Path(tempfile.mkdtemp(prefix="pii-blind-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        traces = root / "traces"
        work = root / "out"
        work.mkdir(parents=True, exist_ok=True)
        manifest = plant.generate(seed, a.n, traces)
        mpath = root / "manifest.json"
        (traces / "manifest.json").replace(mpath)  # never let the tool ingest the answer key
        cmds = a.cmd or (DEFAULT_CMDS + (EXTRA_CMDS if a.extra else []))
        runs = run_tool(cmds, _tool_words(a.tool), traces, work, isolate_home=not a.no_isolate_home)
        print(f"seed {seed}: {a.n} traces, {len(manifest.planted)} planted values, {len(manifest.canaries)} canaries")
        for r in runs:
            print(f"  rc={r['rc']:<4} {r['seconds']:6.1f}s  {r['cmd']}")
        broken = [r for r in runs if r["rc"] not in (0, 1)]
        for r in broken:
            print(f"WARNING: command failed (rc={r['rc']}), see {work / 'logs'}: {r['cmd']}")
        written = [p for p in expand([root]) if traces not in p.parents and p != mpath]
        report = score(manifest, written)
        s = summary(report)
        s["seed"] = seed
        s["commands"] = runs
        print()
        print(format_table(s))
        leaked = [r for r in report.entries if r.leaked]
        if leaked and a.details:
            print(f"\nexamples of leaked values ({min(a.details, len(leaked))} of {len(leaked)}):")
            for r in leaked[:: max(1, len(leaked) // a.details)][: a.details]:
                f = r.findings[0]
                print(f"  {r.entry['type']:22s} {r.entry['context']:24s} {r.entry['value'][:50]!r:54s} "
                      f"{f.rule} in {f.where}")
        lost = [c for c in report.canaries if not c.survived]
        if lost and a.details:
            print(f"\nexamples of lost canaries ({min(a.details, len(lost))} of {len(lost)}):")
            for c in lost[:: max(1, len(lost) // a.details)][: a.details]:
                print(f"  {c.canary['kind']:16s} {c.canary['context']:22s} {c.canary['value'][:60]!r}")
        if a.json:
            a.json.write_text(json.dumps(s, indent=2))
        if a.keep:
            (root / "report.json").write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
            print(f"\nkept {root} (report.json has every finding)")
        if a.fail_above is not None and (s["overall"]["rate"] or 0) > a.fail_above:
            return 1
        return 2 if any(r["rc"] in (127, -1) for r in runs) else 0
    finally:
        if not a.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(_main())
