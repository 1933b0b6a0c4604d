"""Note clusters remembered in SQLite, so a patterns run over unchanged notes skips clustering.

Clustering needs numpy and scipy (0.2 s to import) and the all-pairs matrix, and it is
deterministic: the same notes, threshold and code give the same clusters. So the result of
`grouping.group_notes` is stored in `note_clusters` under a hash of all of those (the source
of the grouping and similarity modules and the numpy, scipy and rapidfuzz versions included),
and any change recomputes. Only indices are stored, never note text.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from importlib import metadata, util

from tracereader import grouping
from tracereader.store import Store
from tracereader.timeutil import to_iso, utcnow

TABLE = "note_clusters"
KEEP = 8
"""Entries kept: the current clustering and a few recent ones (undo brings them back)."""

CODE_MODULES = ("tracereader.grouping", "tracereader.similarity")


def _code_version() -> str:
    """What the clustering's result depends on besides its inputs: its code and its libraries."""
    digest = hashlib.sha256()
    for module in CODE_MODULES:
        spec = util.find_spec(module)
        if spec is not None and spec.origin:
            with open(spec.origin, "rb") as handle:
                digest.update(handle.read())
    versions = []
    for package in ("rapidfuzz", "scipy", "numpy"):
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=?")
    return digest.hexdigest() + ";" + ";".join(versions)


def cache_key(notes: Sequence[str], threshold: float | None) -> str:
    """The hash a clustering is stored under (inputs in order, threshold, code version)."""
    cut = grouping.AUTO_MERGE_THRESHOLD if threshold is None else float(threshold)
    document = [list(notes), cut, _code_version()]
    return hashlib.sha256(json.dumps(document, ensure_ascii=False).encode()).hexdigest()


def _decode(text: str) -> list[grouping.NoteGroup]:
    return [
        grouping.NoteGroup(members=[int(m) for m in members], central=int(central))
        for members, central in json.loads(text)
    ]


def cached_group_notes(
    store: Store, notes: Sequence[str], threshold: float | None = None
) -> list[grouping.NoteGroup]:
    """`grouping.group_notes(notes, threshold=...)`, read from the store when nothing changed."""
    if not notes:
        return grouping.group_notes(notes, threshold=threshold)
    key = cache_key(notes, threshold)
    try:
        row = store.execute(f"select clusters from {TABLE} where key = ?", [key]).fetchone()
    except sqlite3.OperationalError:  # a database not migrated this far: compute, do not store
        return grouping.group_notes(notes, threshold=threshold)
    if row is not None:
        return _decode(row[0])
    result = grouping.group_notes(notes, threshold=threshold)
    encoded = json.dumps([[g.members, g.central] for g in result])
    try:
        with store.atomic():
            store.execute(
                f"insert or replace into {TABLE} (key, clusters, created_at) values (?, ?, ?)",
                [key, encoded, to_iso(utcnow())],
            )
            store.execute(
                f"delete from {TABLE} where key not in"
                f" (select key from {TABLE} order by rowid desc limit ?)",
                [KEEP],
            )
    except sqlite3.OperationalError:  # read-only or locked for too long: the result stands
        pass
    return result
