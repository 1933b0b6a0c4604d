"""The keymap: the user's entries over the default keys, and two actions on one key refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracereader.config import ConfigError, line_of, load_settings
from tracereader.keymap import KeyClash, check_keymap, clashes, effective_keys

REVIEW = [("next", "j,right"), ("mark-good", "g"), ("copy-id", "y"), ("tag-tone", "7")]
PATTERNS = [("patterns-merges", "g"), ("patterns-compare", "c")]
SCOPES = {"review screen": REVIEW, "patterns screen": PATTERNS}


def test_an_entry_rebinds_its_id_and_every_other_id_keeps_its_default_keys() -> None:
    keys = effective_keys(REVIEW, {"mark-good": "y,G"})
    assert keys == {
        "next": ("j", "right"),
        "mark-good": ("y", "G"),
        "copy-id": ("y",),
        "tag-tone": ("7",),
    }


def test_a_key_clashes_only_within_one_screen() -> None:
    assert clashes(SCOPES, {}) == []  # g on both screens: different screens, no clash
    assert clashes(SCOPES, {"mark-good": "y"}) == [
        KeyClash("review screen", "y", ("mark-good", "copy-id"))
    ]
    assert clashes(SCOPES, {"mark-good": "y", "copy-id": "Y"}) == []  # moved out of the way


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_line_of_finds_keymap_entries_and_tag_keys(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        "reviewer: ana\ntags:\n  - name: tone\n    key: '7'\n  - plain\n"
        "keymap:\n  next: l\n  mark-good: y\n",
    )
    assert line_of(path, "keymap", "mark-good") == 8
    assert line_of(path, "tags", "tone", "key") == 4
    assert line_of(path, "tags", "plain") == 5
    assert line_of(path, "keymap", "nothing") is None
    assert line_of(tmp_path / "missing.yaml", "keymap") is None


def test_two_actions_on_one_key_is_a_one_line_error_with_file_line_and_keys(
    tmp_path: Path,
) -> None:
    path = _config(tmp_path, "tags:\n  - name: tone\n    key: '7'\nkeymap:\n  mark-good: y\n")
    settings = load_settings(path)
    with pytest.raises(ConfigError) as caught:
        check_keymap(settings, SCOPES)
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        f"{path}:5: key 'y' is bound to both mark-good and copy-id on the review screen; "
        "give one of them another key in keymap:"
    )


def test_a_tag_key_that_takes_an_action_key_points_at_the_tag(tmp_path: Path) -> None:
    path = _config(tmp_path, "tags:\n  - name: tone\n    key: g\n")
    scopes = {"review screen": [*REVIEW[:3], ("tag-tone", "g")]}
    with pytest.raises(ConfigError, match=rf"^{path}:3: key 'g' is bound to both mark-good"):
        check_keymap(load_settings(path), scopes)


def test_a_keymap_entry_naming_no_binding_is_an_error(tmp_path: Path) -> None:
    path = _config(tmp_path, "keymap:\n  mark_good: y\n")
    with pytest.raises(ConfigError, match=rf"^{path}:2: keymap: no binding has the id 'mark_good'"):
        check_keymap(load_settings(path), SCOPES)
