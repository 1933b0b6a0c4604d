"""The review screen's key bindings, each with an id users can rebind through `keymap:` in YAML."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingsMap

from tracereader.config import Settings, TagSpec

REVIEW_BINDINGS: list[Binding] = [
    Binding("space,j,right", "next", "Next", id="next", key_display="spc"),
    Binding("k,left", "previous", "Previous", id="previous", show=False),
    Binding("g", "mark_good", "Good", id="mark-good"),
    Binding("b", "mark_bad", "Bad", id="mark-bad"),
    Binding("n", "note", "Note", id="note"),
    Binding("s", "skip", "Skip", id="skip"),
    Binding("u", "undo", "Undo", id="undo"),
    Binding("slash", "filter", "Filter", id="filter", key_display="/", show=False),
    Binding("l", "queue_list", "List", id="queue-list"),
    Binding("p", "patterns", "Patterns", id="patterns", show=False),
    Binding("r", "refresh_queue", "Refresh queue", id="refresh", show=False),
    Binding("e", "expand", "Expand/fold long parts", id="expand", show=False),
    Binding("question_mark", "help", "Help", id="help", key_display="?"),
    Binding("q", "quit_app", "Quit", id="quit"),
    Binding("down", "scroll_conversation(1)", "Scroll down", id="scroll-down", show=False),
    Binding("up", "scroll_conversation(-1)", "Scroll up", id="scroll-up", show=False),
    Binding("pagedown", "page_conversation(1)", "Page down", id="page-down", show=False),
    Binding("pageup", "page_conversation(-1)", "Page up", id="page-up", show=False),
]
"""Defaults; tag bindings (`tag-<name>`) are added per taxonomy entry by `add_tag_bindings`."""

LONG_DESCRIPTIONS = {
    "next": "Next trace (saves it as seen)",
    "previous": "Previous trace",
    "mark-good": "Mark good (pass) and move on",
    "mark-bad": "Mark bad (fail) and stay",
    "note": "Write a note (Enter saves, Esc cancels)",
    "skip": "Skip to the back of the queue",
    "undo": "Undo the last action (repeatable)",
    "filter": "Filter: text, tag, release, model, dates",
    "queue-list": "Queue list: sort, mark, bulk-tag, open",
    "patterns": "Patterns: tags and notes with rates",
    "refresh": "Look for newly ingested traces now",
    "expand": "Expand/fold system prompt, long tools",
    "help": "This help",
    "quit": "Quit (everything is already saved)",
}
"""What the help screen and the README say for each binding id (the footer stays terse)."""


TAG_BINDING_PREFIX = "tag-"


def tag_binding_id(tag: TagSpec) -> str:
    """The binding id of a taxonomy tag, e.g. `tag-wrong_tool`."""
    return f"{TAG_BINDING_PREFIX}{tag.name}"


def add_tag_bindings(bindings: BindingsMap, settings: Settings, action: str) -> None:
    """Bind each taxonomy tag's key to `action(index)` on a screen's bindings map."""
    for index, tag in enumerate(settings.tags):
        if not tag.key:
            continue
        binding = Binding(
            tag.key,
            f"{action}({index})",
            f"Tag {tag.name}",
            show=False,
            id=tag_binding_id(tag),
        )
        bindings.key_to_bindings.setdefault(tag.key, []).append(binding)


def review_keys(settings: Settings) -> set[str]:
    """Every key the review screen's own bindings use (after the keymap), tags left out."""
    keys: set[str] = set()
    for binding in REVIEW_BINDINGS:
        chosen = settings.keymap.get(binding.id or "", binding.key)
        keys.update(k.strip() for k in chosen.split(",") if k.strip())
    return keys


@dataclass(frozen=True)
class KeyHelp:
    """One row of the help screen and of the documented keys table."""

    keys: str
    description: str
    binding_id: str


def _display(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "space": "space", "right": "→", "left": "←"}
    names |= {"down": "↓", "up": "↑"}
    return names.get(key, key)


def key_help(settings: Settings, keymap: dict[str, str] | None = None) -> list[KeyHelp]:
    """Every review binding with the keys in effect under `keymap`, tags included, in order."""
    keymap = keymap or {}
    rows: list[KeyHelp] = []
    entries = [
        (b.id or "", b.key, LONG_DESCRIPTIONS.get(b.id or "", b.description))
        for b in REVIEW_BINDINGS
    ]
    entries += [(tag_binding_id(t), t.key or "", f"Tag {t.name}") for t in settings.tags if t.key]
    for binding_id, default_keys, description in entries:
        keys = keymap.get(binding_id, default_keys)
        shown = ", ".join(_display(k.strip()) for k in keys.split(",") if k.strip())
        rows.append(KeyHelp(shown, description, binding_id))
    return rows


def keys_markdown(settings: Settings) -> str:
    """The default keys as a Markdown table (the README's table is checked against it)."""
    lines = ["| keys | action | binding id |", "| --- | --- | --- |"]
    for row in key_help(settings):
        keys = row.keys.replace("|", "\\|")
        lines.append(f"| `{keys}` | {row.description} | `{row.binding_id}` |")
    return "\n".join(lines)
