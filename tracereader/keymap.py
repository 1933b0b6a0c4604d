"""The keys in effect: the user's `keymap:` over the default keys, and keys bound twice.

A keymap entry rebinds one binding id (`next: "j,f"` gives `next` exactly those keys) and
leaves every other binding on its default keys, so a config names only what it changes. Two
actions on one key of one screen would leave one of them unreachable without a word (Textual
drops the other), so that is a config error naming the file, the line and the keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tracereader.config import ConfigError, Settings, line_of

DefaultKeys = Sequence[tuple[str, str]]
"""(binding id, its default keys as Textual writes them, comma-separated), in order."""


@dataclass(frozen=True)
class KeyClash:
    """One key that two or more actions of one screen are bound to."""

    screen: str
    key: str
    binding_ids: tuple[str, ...]


def effective_keys(
    defaults: DefaultKeys,
    keymap: Mapping[str, str],
    normalize: Callable[[str], str] = str.strip,
) -> dict[str, tuple[str, ...]]:
    """Binding id -> its keys: the keymap's for the ids it names, the defaults for the rest."""
    keys: dict[str, tuple[str, ...]] = {}
    for binding_id, default in defaults:
        chosen = keymap.get(binding_id, default)
        named = [normalize(k.strip()) for k in chosen.split(",") if k.strip()]
        keys[binding_id] = tuple(dict.fromkeys([*keys.get(binding_id, ()), *named]))
    return keys


def clashes(
    scopes: Mapping[str, DefaultKeys],
    keymap: Mapping[str, str],
    normalize: Callable[[str], str] = str.strip,
) -> list[KeyClash]:
    """Every key bound to more than one action on one screen, once the keymap is applied."""
    found = []
    for screen, defaults in scopes.items():
        by_key: dict[str, list[str]] = {}
        for binding_id, keys in effective_keys(defaults, keymap, normalize).items():
            for key in keys:
                by_key.setdefault(key, []).append(binding_id)
        found += [KeyClash(screen, key, tuple(ids)) for key, ids in by_key.items() if len(ids) > 1]
    return found


def _where(settings: Settings, clash: KeyClash, tag_prefix: str) -> str:
    """`file:line` of the config entry that made the clash (a keymap entry, else a tag's key)."""
    path: Path | None = settings.path
    if path is None:
        return "config"
    for binding_id in clash.binding_ids:
        if binding_id in settings.keymap:
            line = line_of(path, "keymap", binding_id)
            if line is not None:
                return f"{path}:{line}"
    for binding_id in clash.binding_ids:
        if binding_id.startswith(tag_prefix):
            line = line_of(path, "tags", binding_id[len(tag_prefix) :], "key")
            if line is not None:
                return f"{path}:{line}"
    return str(path)


def check_keymap(
    settings: Settings,
    scopes: Mapping[str, DefaultKeys],
    *,
    normalize: Callable[[str], str] = str.strip,
    display: Callable[[str], str] = str,
    tag_prefix: str = "tag-",
) -> None:
    """Raise `ConfigError` (one line: file:line, the key and its actions) on the first clash,
    or on a keymap entry that names no binding."""
    known = {binding_id for defaults in scopes.values() for binding_id, _ in defaults}
    unknown = [binding_id for binding_id in settings.keymap if binding_id not in known]
    if unknown:
        path = settings.path
        line = line_of(path, "keymap", unknown[0]) if path is not None else None
        where = f"{path}:{line}" if line is not None else str(path or "config")
        raise ConfigError(
            f"{where}: keymap: no binding has the id {unknown[0]!r} (the ids are in the "
            "README's keys tables and on every screen's ?)"
        )
    found = clashes(scopes, settings.keymap, normalize)
    if not found:
        return
    clash = found[0]
    actions = " and ".join(clash.binding_ids)
    both = "both " if len(clash.binding_ids) == 2 else ""
    where = _where(settings, clash, tag_prefix)
    raise ConfigError(
        f"{where}: key {display(clash.key)!r} is bound to {both}{actions} "
        f"on the {clash.screen}; give one of them another key in keymap:"
    )
