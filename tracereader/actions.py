"""The action-item lifecycle: which fixes were proven, which were not, and which still wait.

An action item is keyed by its pattern's stable `key` (`tag:wrong_tool`, `note:<id>`), so it
survives renames and regrouping. It moves open -> fixed (in release R) -> validated or
not_validated; the last judgement comes from `compare` between the release before R and R.
A pattern with no row is open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracereader import stored
from tracereader.store import Store
from tracereader.timeutil import to_iso, utcnow

if TYPE_CHECKING:
    from tracereader.config import Settings

OPEN = "open"
FIXED = "fixed"
VALIDATED = "validated"
NOT_VALIDATED = "not_validated"
STATES = (OPEN, FIXED, VALIDATED, NOT_VALIDATED)
TABLE = "action_items"


class ActionError(ValueError):
    """An action-item request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class ActionItem:
    """Where one pattern's fix stands."""

    key: str
    label: str
    state: str = OPEN
    release: str | None = None
    fixed_at: str | None = None
    validated_at: str | None = None
    last_compare: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form with stable keys."""
        return {
            "key": self.key,
            "label": self.label,
            "state": self.state,
            "release": self.release,
            "fixed_at": self.fixed_at,
            "validated_at": self.validated_at,
            "last_compare": self.last_compare,
        }

    def describe(self) -> str:
        """One short phrase for tables and exports, e.g. `fixed in v1.5, validated (p = 0.003)`."""
        if self.state == OPEN:
            return "open"
        text = f"fixed in {self.release}"
        if self.state in (VALIDATED, NOT_VALIDATED) and self.last_compare:
            p = self.last_compare.get("p_value")
            judged = "validated" if self.state == VALIDATED else "not validated"
            p_text = f" (p = {p:.2g})" if isinstance(p, float | int) else ""
            text += f", {judged}{p_text}"
        return text


def _row_to_item(row: dict[str, Any]) -> ActionItem:
    compare = stored.from_json(row.get("last_compare"), dict)
    return ActionItem(
        key=row["key"],
        label=row["label"] or row["key"],
        state=row["state"] if row["state"] in STATES else OPEN,
        release=row["release"],
        fixed_at=row["fixed_at"],
        validated_at=row["validated_at"],
        last_compare=compare,
    )


def states(store: Store) -> dict[str, ActionItem]:
    """Every stored action item by pattern key (patterns without one are open)."""
    rows = store.db.query(f"select * from [{TABLE}] order by key")
    return {row["key"]: _row_to_item(row) for row in rows}


def state_of(store: Store, key: str, label: str | None = None) -> ActionItem:
    """The item for one pattern key; an open item when none is stored."""
    rows = list(store.db.query(f"select * from [{TABLE}] where key = ?", [key]))
    if rows:
        return _row_to_item(rows[0])
    return ActionItem(key=key, label=label or key)


def held_keys(pattern: Any) -> list[str]:
    """Every key a pattern holds: its own, then `tag:<name>` and `note:<trace id>` of its members.

    A merge can give a pattern a new root key; an item stored under a member's key still
    belongs to it.
    """
    keys = [pattern.key]
    keys += [f"tag:{tag}" for tag in getattr(pattern, "tags", [])]
    keys += [f"note:{tid}" for tid in getattr(pattern, "note_ids", [])]
    return list(dict.fromkeys(keys))


def item_for(stored: dict[str, ActionItem], keys: list[str]) -> ActionItem | None:
    """The stored item for the first of `keys` (a pattern's held keys) that has one."""
    return next((stored[key] for key in keys if key in stored), None)


def is_validated(stored: dict[str, ActionItem], pattern: Any) -> bool:
    """Whether the pattern's fix was validated by compare (it is no longer an open problem)."""
    item = item_for(stored, held_keys(pattern))
    return item is not None and item.state == VALIDATED


def resolve(store: Store, key_or_label: str, settings: Settings | None = None) -> tuple[str, str]:
    """Find the (key, label) of a pattern given its key, its label or a tag name.

    Patterns come from `tracereader.patterns.find_patterns`; a tag name or `tag:NAME`
    from the taxonomy or the tags table also works, so a tag can be marked before it
    has grown into a pattern.
    """
    wanted = key_or_label.strip()
    if not wanted:
        raise ActionError("name the pattern: its label, its key or a tag name")
    if settings is None:
        from tracereader.config import load_settings

        settings = load_settings(create=False)
    patterns = current_patterns(store, settings)
    for pattern in patterns:
        if pattern.key == wanted:
            return pattern.key, pattern.label
    folded = wanted.casefold()
    for pattern in patterns:
        if pattern.label.casefold() == folded:
            return pattern.key, pattern.label
    tag = wanted.removeprefix("tag:")
    used = {row[0] for row in store.db.execute("select distinct tag from tags")}
    if settings.tag(tag) is not None or tag in used:
        return f"tag:{tag}", tag
    stored = states(store)
    if wanted in stored:
        return wanted, stored[wanted].label
    raise ActionError(
        f"unknown pattern {wanted!r}: use a label or key from `tracereader patterns`, or a tag name"
    )


def current_patterns(store: Store, settings: Settings) -> list[Any]:
    """The patterns as `tracereader.patterns.find_patterns` groups them now."""
    from tracereader.patterns import find_patterns

    return list(find_patterns(store, settings))


def mark_fixed(
    store: Store,
    pattern_key_or_label: str,
    release: str,
    *,
    settings: Settings | None = None,
    now: str | None = None,
) -> ActionItem:
    """Record that the pattern's fix ships in `release` (any earlier judgement is cleared)."""
    release = release.strip()
    if not release:
        raise ActionError("name the release that ships the fix (e.g. --release v1.5)")
    key, label = resolve(store, pattern_key_or_label, settings)
    moment = now or to_iso(utcnow())
    with store.db.atomic():
        row = store.db.execute(f"select created_at from [{TABLE}] where key = ?", [key]).fetchone()
        store.db.table(TABLE).upsert(
            {
                "key": key,
                "label": label,
                "state": FIXED,
                "release": release,
                "fixed_at": moment,
                "validated_at": None,
                "last_compare": None,
                "created_at": row[0] if row and row[0] else moment,
                "updated_at": moment,
            },
            pk="key",
        )
    return state_of(store, key)


def reopen(store: Store, key: str, *, now: str | None = None) -> ActionItem:
    """Move an item back to open (the fix was reverted, or it was marked by mistake)."""
    moment = now or to_iso(utcnow())
    with store.db.atomic():
        if not list(store.db.query(f"select key from [{TABLE}] where key = ?", [key])):
            raise ActionError(f"no action item {key!r} to reopen")
        store.db.table(TABLE).update(
            key,
            {
                "state": OPEN,
                "release": None,
                "fixed_at": None,
                "validated_at": None,
                "last_compare": None,
                "updated_at": moment,
            },
        )
    return state_of(store, key)


def judged_state(compare_result: dict[str, Any]) -> str:
    """validated when the test is significant and the rate went down; not_validated otherwise."""
    before = (compare_result.get("before") or {}).get("rate")
    after = (compare_result.get("after") or {}).get("rate")
    fell = before is not None and after is not None and after < before
    return VALIDATED if compare_result.get("significant") and fell else NOT_VALIDATED


def record_validation(
    store: Store,
    key: str,
    compare_result: dict[str, Any],
    *,
    release_after: str,
    now: str | None = None,
) -> ActionItem | None:
    """Store a compare result on a fixed item whose fix shipped in `release_after`.

    Returns the updated item, or None when the item is open or was fixed in another release
    (then the comparison says nothing about that fix and the state does not move).
    """
    item = state_of(store, key)
    if item.state == OPEN or item.release != release_after:
        return None
    moment = now or to_iso(utcnow())
    with store.db.atomic():
        store.db.table(TABLE).update(
            key,
            {
                "state": judged_state(compare_result),
                "validated_at": moment,
                "last_compare": json.dumps(compare_result, sort_keys=True, allow_nan=False),
                "updated_at": moment,
            },
        )
    return state_of(store, key)
