"""Key bindings, each with an id users can rebind through `keymap:` in YAML, and their help rows.

Every screen's help (`?`) and the README's keys table are generated from these lists, so
they cannot drift. The footers show only the keys a daily user needs and fit in 80 columns;
`?` lists every key of the screen it is pressed on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingsMap, BindingType

from tracereader.config import Settings, TagSpec

REVIEW_BINDINGS: list[Binding] = [
    Binding("space", "read_on", "Next", id="read-on", key_display="spc"),
    Binding("j,right", "next", "Next", id="next", show=False),
    Binding("k,left", "previous", "Previous", id="previous", show=False),
    Binding("g", "mark_good", "Good", id="mark-good"),
    Binding("b", "mark_bad", "Bad", id="mark-bad"),
    Binding("n", "note", "Note", id="note"),
    Binding("s", "skip", "Skip", id="skip", show=False),
    Binding("u", "undo", "Undo", id="undo"),
    Binding("slash", "filter", "Filter", id="filter", key_display="/"),
    Binding("p", "patterns", "Patterns", id="patterns"),
    Binding("l", "queue_list", "List", id="queue-list", show=False),
    Binding("N", "notes_list", "My notes", id="notes-list", show=False),
    Binding("a", "last_answer", "Last answer", id="last-answer", show=False),
    Binding("tab", "switch_pane", "Scroll the other pane", id="switch-pane", show=False),
    Binding("home", "scroll_home", "Top", id="top", show=False),
    Binding("end", "scroll_end", "Bottom", id="bottom", show=False),
    Binding("y", "copy_id", "Copy trace id", id="copy-id", show=False),
    Binding("number_sign", "goto_id", "Go to trace id", id="goto-id", key_display="#", show=False),
    Binding("escape", "end_walk", "Back", id="end-walk"),
    Binding("r", "refresh_queue", "Refresh queue", id="refresh", show=False),
    Binding("e", "expand", "Expand/fold long parts", id="expand", show=False),
    Binding("question_mark", "help", "Keys", id="help", key_display="?"),
    Binding("q", "quit_app", "Quit", id="quit"),
    Binding("down", "scroll_conversation(1)", "Scroll down", id="scroll-down", show=False),
    Binding("up", "scroll_conversation(-1)", "Scroll up", id="scroll-up", show=False),
    Binding("pagedown", "page_conversation(1)", "Page down", id="page-down", show=False),
    Binding("pageup", "page_conversation(-1)", "Page up", id="page-up", show=False),
]
"""Defaults; tag bindings (`tag-<name>`) are added per taxonomy entry by `add_tag_bindings`."""

LONG_DESCRIPTIONS = {
    # review screen
    "read-on": "Page down; at the end of the trace, next trace",
    "next": "Next trace (counts as reviewed once read: see min_read_seconds)",
    "previous": "Previous trace",
    "mark-good": "Mark good (pass) and move on, once read (see min_read_seconds)",
    "mark-bad": "Mark bad (fail) and stay",
    "note": "Write a note (Enter saves, Esc cancels)",
    "skip": "Skip to the back of the queue",
    "undo": "Undo the last action (repeatable; says what it undid)",
    "filter": "Filter: text, trace id, note, tag, release, model, dates",
    "patterns": "Patterns: tags and notes with rates per release",
    "queue-list": "Queue list: sort, mark, bulk-tag, open",
    "notes-list": "The notes you wrote, newest first (Enter opens one)",
    "last-answer": "Jump to the last assistant answer",
    "switch-pane": "Arrows, pages, Home/End scroll the other pane (side panel)",
    "top": "Top of the pane",
    "bottom": "Bottom of the pane",
    "copy-id": "Copy the trace id to the clipboard",
    "goto-id": "Go to a trace by its id (outside the queue)",
    "end-walk": "Back from a pattern's traces (or a trace by id) to the queue",
    "refresh": "Look for newly ingested traces now",
    "expand": "Expand/fold system prompt, long tools",
    "help": "The keys of this screen",
    "quit": "Quit (saved as you go; prints today's summary)",
    # patterns screen
    "patterns-back": "Back: from a pattern's traces to the list, from the list to reviewing",
    "patterns-compare": "Compare the pattern across its fix's release and record the verdict",
    "patterns-fixed": "Mark the pattern's fix as shipped in a release",
    "patterns-export": "Write the action items to a file (asks where)",
    "patterns-mark": "Mark the pattern under the cursor for merging",
    "patterns-merge": "Merge the marked pattern into the one under the cursor",
    "patterns-rename": "Rename the pattern (empty restores the default)",
    "patterns-split": "In a pattern's traces: move that trace's note out",
    "patterns-undo": "Undo the last pattern edit",
    "patterns-merges": "Suggested merges: answer y (merge or confirm) or n (different) to each",
    "patterns-promote": "Make the note pattern a taxonomy tag with a free hotkey",
    "patterns-signals": "Show or hide signal calibration and satisfaction",
    "patterns-help": "The keys of this screen",
    "patterns-down": "Cursor down",
    "patterns-up": "Cursor up",
    "merges-accept": "Yes: confirm the automatic member, or merge the two patterns",
    "merges-reject": "No: take the automatic member out, or keep the two apart for good",
    "merges-accept-automatic": "Yes to every automatic member listed, in one go",
    "merges-undo": "Undo the last pattern edit (an answer here too)",
    "merges-back": "Back to the patterns",
    "merges-help": "The keys of this screen",
    "patterns-first": "First row (in the list and in a pattern's traces)",
    "patterns-last": "Last row (in the list and in a pattern's traces)",
}
"""What the help screens and the README say for each binding id (the footers stay terse)."""


TAG_BINDING_PREFIX = "tag-"


def tag_binding_id(tag: TagSpec) -> str:
    """The binding id of a taxonomy tag, e.g. `tag-wrong_tool`."""
    return f"{TAG_BINDING_PREFIX}{tag.name}"


def keys_span(keys: list[str]) -> str:
    """The tag keys in few characters for the footer: `1-7` for a run of digits, else joined."""
    if len(keys) > 2 and all(k.isdigit() and len(k) == 1 for k in keys):
        numbers = [int(k) for k in keys]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return f"{keys[0]}-{keys[-1]}"
    return "".join(keys) if all(len(k) == 1 for k in keys) else ",".join(keys)


def tag_bindings(settings: Settings, action: str, *, show: bool = False) -> list[Binding]:
    """One binding per taxonomy tag with a key, calling `action(index)`.

    With `show`, the footer gets one entry for them all (`1-7 Tag`, on the first binding).
    """
    tagged = [(index, tag) for index, tag in enumerate(settings.tags) if tag.key]
    span = keys_span([tag.key or "" for _, tag in tagged])
    return [
        Binding(
            tag.key or "",
            f"{action}({index})",
            "Tag" if show and position == 0 else f"Tag {tag.name}",
            show=show and position == 0,
            key_display=span if show and position == 0 else None,
            id=tag_binding_id(tag),
        )
        for position, (index, tag) in enumerate(tagged)
    ]


def add_tag_bindings(
    bindings: BindingsMap,
    settings: Settings,
    action: str,
    *,
    after: str | None = None,
    show: bool = False,
) -> None:
    """Bind each taxonomy tag's key to `action(index)`, placed after the key `after` (footer
    order) or at the end."""
    existing = list(bindings.key_to_bindings.items())
    new = tag_bindings(settings, action, show=show)
    position = next((i + 1 for i, (key, _) in enumerate(existing) if key == after), len(existing))
    ordered = dict(existing[:position])
    for binding in new:
        ordered.setdefault(binding.key, []).append(binding)
    for key, items in existing[position:]:
        ordered.setdefault(key, []).extend(items)
    bindings.key_to_bindings.clear()
    bindings.key_to_bindings.update(ordered)


def review_keys(settings: Settings) -> set[str]:
    """Every key the review screen's own bindings use (after the keymap), tags left out."""
    keys: set[str] = set()
    for binding in REVIEW_BINDINGS:
        chosen = settings.keymap.get(binding.id or "", binding.key)
        keys.update(k.strip() for k in chosen.split(",") if k.strip())
    return keys


@dataclass(frozen=True)
class KeyHelp:
    """One row of a help screen and of the documented keys table."""

    keys: str
    description: str
    binding_id: str


def _display(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "space": "space", "right": "→", "left": "←"}
    names |= {"down": "↓", "up": "↑", "number_sign": "#", "enter": "Enter", "escape": "Esc"}
    return names.get(key, key)


def key_rows(
    bindings: Iterable[BindingType], keymap: dict[str, str] | None = None
) -> list[KeyHelp]:
    """Help rows for bindings with ids, keys as rebound by `keymap`, in order."""
    keymap = keymap or {}
    rows: list[KeyHelp] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.id:
            continue
        keys = keymap.get(binding.id, binding.key)
        shown = ", ".join(_display(k.strip()) for k in keys.split(",") if k.strip())
        description = LONG_DESCRIPTIONS.get(binding.id, binding.description)
        rows.append(KeyHelp(shown, description, binding.id))
    return rows


def key_help(settings: Settings, keymap: dict[str, str] | None = None) -> list[KeyHelp]:
    """Every review binding with the keys in effect under `keymap`, tags included, in order."""
    return key_rows([*REVIEW_BINDINGS, *tag_bindings(settings, "toggle_tag")], keymap)


def keys_markdown(settings: Settings) -> str:
    """The default keys as a Markdown table (the README's table is checked against it)."""
    lines = ["| keys | action | binding id |", "| --- | --- | --- |"]
    for row in key_help(settings):
        keys = row.keys.replace("|", "\\|")
        lines.append(f"| `{keys}` | {row.description} | `{row.binding_id}` |")
    return "\n".join(lines)


def _ids_and_keys(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    return [(b.id, b.key) for b in bindings if isinstance(b, Binding) and b.id]


def keymap_scopes(settings: Settings) -> dict[str, list[tuple[str, str]]]:
    """Per screen, every binding id with its default keys (the app's own keys on each).

    The review screen and the queue list carry the taxonomy's tag keys. The other screens'
    modules are imported only when the config has a keymap (launch does not pay for them).
    """
    from tracereader.app.app import TraceReaderApp

    app_keys = _ids_and_keys(TraceReaderApp.BINDINGS)
    tags = _ids_and_keys(tag_bindings(settings, "toggle_tag"))
    scopes = {"review screen": [*app_keys, *_ids_and_keys(REVIEW_BINDINGS), *tags]}
    if not settings.keymap:
        return scopes
    from tracereader.app.screens import (
        action_keys,
        filter,
        goto,
        help,
        merge_suggestions,
        note,
        notes_list,
        pattern_rename,
        patterns,
        queue_list,
    )

    screens = {
        "patterns screen": patterns.PATTERNS_BINDINGS,
        "suggested-merges screen": merge_suggestions.MergeSuggestionsScreen.BINDINGS,
        "queue list": [*queue_list.QueueListScreen.BINDINGS, *tag_bindings(settings, "bulk_tag")],
        "notes list": notes_list.NOTES_BINDINGS,
        "note box": note.NoteModal.BINDINGS,
        "filter box": filter.FilterModal.BINDINGS,
        "help screen": help.HelpScreen.BINDINGS,
        "go-to box": goto.GotoModal.BINDINGS,
        "rename box": pattern_rename.RenameModal.BINDINGS,
        "release box": action_keys.ReleaseModal.BINDINGS,
        "export box": action_keys.ExportModal.BINDINGS,
    }
    for name, bindings in screens.items():
        scopes[name] = [*app_keys, *_ids_and_keys(bindings)]
    return scopes


def check_keymap(settings: Settings) -> None:
    """Raise `ConfigError` when the keymap names no binding or puts two actions on one key."""
    from textual.keys import _normalize_key_list

    from tracereader.keymap import check_keymap as check

    check(settings, keymap_scopes(settings), normalize=_normalize_key_list, display=_display)
