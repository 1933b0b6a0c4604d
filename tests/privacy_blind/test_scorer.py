"""Checks of plant.py and score.py themselves, against stand-in "filters" written here.

    python -m pytest test_scorer.py      (or: python test_scorer.py)

- a store that keeps every trace verbatim must score ~100% leaked, every canary kept;
- an oracle that removes exactly the planted values must score 0 leaked, every canary kept;
- an oracle that forgets a name's other parts must be caught by the name-part rule;
- raw text left only in the WAL of an otherwise clean database must be caught.
None of this runs the tool under test.
"""
from __future__ import annotations

import json
import re
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

try:
    import pytest
    pytest.importorskip("faker")
except ImportError:  # run as a script without pytest
    pytest = None  # type: ignore[assignment]

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plant  # noqa: E402
import score  # noqa: E402

SEED, N = 11, 40


def _walk_replace(obj: Any, red: Callable[[str], str]) -> Any:
    if isinstance(obj, dict):
        return {k: _walk_replace(v, red) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_walk_replace(v, red) for v in obj]
    if isinstance(obj, str):
        inner = plant._maybe_json(obj)
        if inner is not None:
            return json.dumps(_walk_replace(inner, red), ensure_ascii=False)
        return red(obj)
    if isinstance(obj, (int, float)) and not isinstance(obj, bool):
        s = str(obj)
        r = red(s)
        return obj if r == s else r
    return obj


def _redactor(m: plant.Manifest, tid: str, first_word_only: bool = False) -> Callable[[str], str]:
    vals: list[str] = []
    for e in m.planted:
        if e["trace_id"] != tid and not e.get("shared_by"):
            continue
        if first_word_only and e["type"] == "person_name":
            words = re.findall(r"[^\W\d_]+", e["value"])
            if len(words) > 1:
                vals.append(words[0])
                continue
        vals.append(e["value"])
        vals += e["checks"].get("alt", [])
    vals = sorted(set(vals), key=len, reverse=True)

    def red(s: str) -> str:
        for v in vals:
            s = s.replace(v, "<X>")
        return s
    return red


def _store(m: plant.Manifest, db: Path, transform: Callable[[dict[str, Any]], dict[str, Any]],
           wal_residue: bool = False) -> None:
    con = sqlite3.connect(db)
    con.execute("pragma journal_mode=wal")
    con.execute("create table traces (pk integer primary key, source_id text, meta text)")
    con.execute("create table messages (id integer primary key, trace_pk integer, role text, body text)")
    raw_lines = []
    for f in m.files:
        for line in Path(f).read_text(encoding="utf-8").splitlines():
            raw_lines.append(line)
            t = transform(json.loads(line))
            pk = con.execute("insert into traces (source_id, meta) values (?, ?)",
                             (t["id"], json.dumps({k: v for k, v in t.items() if k != "messages"}))).lastrowid
            for msg in t["messages"]:
                con.execute("insert into messages (trace_pk, role, body) values (?, ?, ?)",
                            (pk, msg["role"], json.dumps(msg, ensure_ascii=False)))
    con.commit()
    if wal_residue:
        con.execute("pragma wal_autocheckpoint=0")
        con.execute("create table scratch (x text)")
        con.execute("insert into scratch values (?)", (raw_lines[0],))
        con.commit()
        con.execute("delete from scratch")
        con.commit()
        # leave without checkpointing: copy the files while the connection is still open
        snap = db.parent / "snap"
        snap.mkdir()
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(db) + suffix)
            if src.exists():
                (snap / (db.name + suffix)).write_bytes(src.read_bytes())
        con.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        for p in snap.iterdir():
            p.replace(db.parent / p.name)
        snap.rmdir()
        return
    con.close()


def _run(transform_for: Callable[[plant.Manifest], Callable[[dict[str, Any]], dict[str, Any]]],
         wal_residue: bool = False) -> tuple[plant.Manifest, score.Report, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        m = plant.generate(SEED, N, root / "traces")
        out = root / "out"
        out.mkdir()
        _store(m, out / "store.db", transform_for(m), wal_residue=wal_residue)
        (out / "export.md").write_text("# Action items\n\nnone yet\n")
        rep = score.score(m, [out])
        return m, rep, score.summary(rep)


def test_generator_sanity() -> None:
    with tempfile.TemporaryDirectory() as d:
        m = plant.generate(SEED, N, Path(d))
        assert plant.sanity_check(m) == []
        assert len(m.canaries) >= 5 * N
        assert {e["type"] for e in m.planted} >= set(plant.PII_TYPES)
        m2 = plant.generate(SEED + 1, N, Path(d) / "b")
        assert not ({e["value"] for e in m.planted if len(e["value"]) > 12} &
                    {e["value"] for e in m2.planted if len(e["value"]) > 12})


def test_verbatim_store_leaks_everything() -> None:
    _, rep, s = _run(lambda m: (lambda t: t))
    assert s["overall"]["rate"] >= 0.995, s["overall"]
    assert s["canaries"]["rate"] == 1.0


def test_oracle_redactor_leaks_nothing() -> None:
    _, rep, s = _run(lambda m: (lambda t: _walk_replace(t, _redactor(m, t["id"]))))
    leaked = [(r.entry["type"], r.entry["value"], [f.rule for f in r.findings]) for r in rep.entries if r.leaked]
    assert not leaked, leaked[:5]
    assert s["canaries"]["rate"] == 1.0
    assert rep.attribution["attributed"] == rep.attribution["rows"]


def test_name_part_rule_catches_a_surviving_surname() -> None:
    _, rep, s = _run(lambda m: (lambda t: _walk_replace(t, _redactor(m, t["id"], first_word_only=True))))
    assert s["by_type"]["person_name"]["k"] > 0
    assert set(s["by_rule"]) <= {"name_part_trace", "name_part_global"}


def test_wal_residue_is_found() -> None:
    _, rep, s = _run(lambda m: (lambda t: _walk_replace(t, _redactor(m, t["id"]))), wal_residue=True)
    assert s["overall"]["k"] > 0
    assert any(f.where.endswith("-wal [bytes]") for r in rep.entries for f in r.findings)


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            fn()
            print("ok", name)
