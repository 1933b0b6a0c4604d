"""The failure taxonomy grows from open coding: a confirmed note pattern becomes a tag.

The config's tags come first; tags promoted from note patterns are stored in SQLite
(`taxonomy_tags`, migration m005) and follow them, each with the first hotkey no other key
of the review screen uses. Promoting tags every confirmed trace of the pattern (one
journaled bulk tag, so the review screen's undo can take it back trace by trace) and merges
the pattern into the new tag's, so its notes, renames and action item follow it. Undoing the
promotion (`pattern_edits.undo_last`) removes the tag from those traces and the taxonomy.
A tag of the same name later added to the YAML config takes over (its key, action, cost).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from tracereader.config import Settings, TagSpec
from tracereader.patterns import edits as pattern_edits
from tracereader.review import ReviewLog
from tracereader.store import Store
from tracereader.timeutil import to_iso, utcnow

if TYPE_CHECKING:  # patterns imports numpy and scipy; the app's launch reads tags without them
    from tracereader.patterns.finding import Pattern

HOTKEYS = "1234567890" + "acdfhiotvwxyz"
"""Keys a promoted tag may take, in order; the review screen's own keys are skipped."""
NAME_LIMIT = 40


class PromoteError(ValueError):
    """A pattern that cannot become a tag; the message says why."""


def promoted_tags(store: Store) -> list[TagSpec]:
    """Tags promoted from note patterns, oldest first."""
    rows = store.execute(
        "select name, key, description from taxonomy_tags order by created_at, name"
    ).fetchall()
    return [TagSpec(name=name, key=key, description=text or "") for name, key, text in rows]


def with_promoted(settings: Settings, store: Store) -> Settings:
    """The settings with the promoted tags after the config's (the config wins a name or key)."""
    names = {t.name for t in settings.tags}
    keys = {t.key for t in settings.tags if t.key}
    extra: list[TagSpec] = []
    for tag in promoted_tags(store):
        if tag.name in names:
            continue
        key = tag.key if tag.key and tag.key not in keys else None
        if key:
            keys.add(key)
        extra.append(replace(tag, key=key))
    if not extra:
        return settings
    return replace(settings, tags=(*settings.tags, *extra))


def tag_name_for(label: str, taken: Iterable[str]) -> str:
    """A tag name from a pattern's label: lower-case words joined by `_`, unique among `taken`."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    base = ""
    for word in words:
        candidate = f"{base}_{word}" if base else word
        if len(candidate) > NAME_LIMIT:
            break
        base = candidate
    base = base or "note_pattern"
    used = set(taken)
    name, suffix = base, 2
    while name in used:
        name = f"{base}_{suffix}"
        suffix += 1
    return name


def free_hotkey(settings: Settings, reserved: Iterable[str]) -> str | None:
    """The first key of `HOTKEYS` neither a tag nor any of `reserved` (the screen's keys) uses."""
    used = {t.key for t in settings.tags if t.key} | set(reserved)
    return next((k for k in HOTKEYS if k not in used), None)


def promote(
    store: Store,
    settings: Settings,
    pattern: Pattern,
    *,
    reserved: Iterable[str] = (),
    name: str | None = None,
    reviewer: str = "",
) -> TagSpec:
    """Turn a note pattern into a taxonomy tag carried by its confirmed traces; one transaction."""
    if pattern.tags:
        raise PromoteError(f"{pattern.label!r} is already the tag {pattern.tags[0]!r}")
    if not pattern.note_ids:
        raise PromoteError("only a pattern of notes can become a tag")
    effective = with_promoted(settings, store)
    taken = {t.name for t in effective.tags} | {
        row[0] for row in store.execute("select distinct tag from tags").fetchall()
    }
    if name is not None:
        clean = name.strip()
        if not re.fullmatch(r"[A-Za-z0-9_\-]{1,80}", clean):
            raise PromoteError("a tag name is letters, digits, _ or - (at most 80)")
        if clean in taken:
            raise PromoteError(f"there is already a tag {clean!r}")
        chosen = clean
    else:
        chosen = tag_name_for(pattern.label, taken)
    tag = TagSpec(name=chosen, key=free_hotkey(effective, reserved), description=pattern.label)
    automatic = set(pattern.automatic_ids)
    confirmed = [tid for tid in pattern.trace_ids if tid not in automatic]
    log = ReviewLog(store, reviewer or settings.reviewer_name)
    with store.atomic(immediate=True):
        store.execute(
            "insert into taxonomy_tags (name, key, description, source_key, reviewer, created_at)"
            " values (?, ?, ?, ?, ?, ?)",
            [tag.name, tag.key, tag.description, pattern.key, log.reviewer, to_iso(utcnow())],
        )
        log.add_tag_to_many(confirmed, tag.name)
        pattern_edits.promoted(store, pattern.key, tag.name, reviewer=log.reviewer)
    return tag


def revert_promotion(store: Store, tag_name: str, *, reviewer: str = "") -> None:
    """Take a promoted tag back: off every trace that carries it, and out of the taxonomy."""
    log = ReviewLog(store, reviewer or "reviewer")
    with store.atomic(immediate=True):
        carrying = [
            row[0]
            for row in store.execute(
                "select trace_id from tags where tag = ? order by trace_id", [tag_name]
            ).fetchall()
        ]
        for trace_id in carrying:
            log.toggle_tag(trace_id, tag_name)
        store.execute("delete from taxonomy_tags where name = ?", [tag_name])


def promoted_text(store: Store, subject: str, tag: TagSpec) -> str:
    """What promoting `subject` (a pattern, as shown) made: the tag, its hotkey and how many
    traces carry it now."""
    (carrying,) = store.execute(
        "select count(distinct trace_id) from tags where tag = ?", [tag.name]
    ).fetchone()
    key = f"hotkey {tag.key}" if tag.key else "no free hotkey (the command palette has it)"
    return (
        f"{subject} is now the tag {tag.name} ({key}), on {carrying} trace{'s' * (carrying != 1)}."
    )
