"""Note clusters remembered in SQLite, so a patterns run over unchanged notes skips clustering.

Clustering needs numpy and scipy (0.2 s to import) and the all-pairs matrix, and it is
deterministic: the same notes, tag texts, parameters and code give the same clusters. So the
result of `grouping.assign` is stored in `note_clusters` under a hash of all of those (the
grouping module's source and the rapidfuzz and scipy versions included), and any change
recomputes. Only indices and tag names are stored, never note text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from importlib import metadata, util
from typing import Any

from tracereader import grouping
from tracereader.store import Store
from tracereader.timeutil import to_iso, utcnow

TABLE = "note_clusters"
KEEP = 8
"""Entries kept: the current clustering and a few recent ones (undo brings them back)."""

Assignment = list[tuple[grouping.NoteGroup, str | None]]


def _code_version() -> str:
    """What the clustering's result depends on besides its inputs: its code and its libraries."""
    spec = util.find_spec("tracereader.grouping")
    source = b""
    if spec is not None and spec.origin:
        with open(spec.origin, "rb") as handle:
            source = handle.read()
    versions = []
    for package in ("rapidfuzz", "scipy", "numpy"):
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=?")
    return hashlib.sha256(source).hexdigest() + ";" + ";".join(versions)


def _describe(value: Any) -> Any:
    """A parameter as stable text: functions by their qualified name, the rest by repr."""
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value)}"
    return repr(value)


def cache_key(
    notes: Sequence[str], tag_texts: dict[str, list[str]], params: grouping.GroupingParams
) -> str:
    """The hash a clustering is stored under (inputs in order, parameters, code version)."""
    fields = {f.name: _describe(getattr(params, f.name)) for f in dataclasses.fields(params)}
    document = [list(notes), sorted(tag_texts.items()), fields, _code_version()]
    return hashlib.sha256(json.dumps(document, ensure_ascii=False).encode()).hexdigest()


def _decode(text: str) -> Assignment:
    return [
        (grouping.NoteGroup(members=list(members), central=int(central)), tag)
        for members, central, tag in json.loads(text)
    ]


def cached_assign(
    store: Store,
    notes: Sequence[str],
    tag_texts: dict[str, list[str]],
    params: grouping.GroupingParams | None = None,
) -> Assignment:
    """`grouping.assign(notes, tag_texts, params)`, read from the store when nothing changed."""
    params = params or grouping.GroupingParams()
    if not notes:
        return grouping.assign(notes, tag_texts, params)
    key = cache_key(notes, tag_texts, params)
    try:
        row = store.execute(f"select clusters from {TABLE} where key = ?", [key]).fetchone()
    except sqlite3.OperationalError:  # a database not migrated this far: compute, do not store
        return grouping.assign(notes, tag_texts, params)
    if row is not None:
        return _decode(row[0])
    result = grouping.assign(notes, tag_texts, params)
    encoded = json.dumps([[g.members, g.central, tag] for g, tag in result])
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
