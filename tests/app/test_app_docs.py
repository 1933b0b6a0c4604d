"""The README's keys table is the one generated from the bindings, so it cannot drift."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from tracereader.app.bindings import REVIEW_BINDINGS, keys_markdown
from tracereader.config import load_settings

DOC = Path(__file__).resolve().parents[2] / "README.md"


def test_doc_lists_every_binding_with_its_default_keys() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert keys_markdown(load_settings(create=False)) in text
    for binding in REVIEW_BINDINGS:
        assert f"`{binding.id}`" in text


def test_every_review_binding_has_an_id_and_a_description() -> None:
    ids = [b.id for b in REVIEW_BINDINGS]
    assert all(ids) and len(set(ids)) == len(ids)
    assert all(b.description for b in REVIEW_BINDINGS)


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n### ", start + len(heading))
    return text[start : end if end >= 0 else len(text)]


def test_the_patterns_section_lists_every_key_of_the_patterns_screen() -> None:
    from tracereader.app.screens.patterns import PATTERNS_BINDINGS

    section = _section(DOC.read_text(encoding="utf-8"), "### The patterns screen")
    ids = [b.id for b in PATTERNS_BINDINGS if isinstance(b, Binding)]
    assert all(ids)
    missing = [i for i in ids if f"`{i}`" not in section]
    assert missing == []


def test_the_suggested_merges_section_lists_every_key_of_its_screen() -> None:
    from tracereader.app.screens.merge_suggestions import MergeSuggestionsScreen

    section = _section(DOC.read_text(encoding="utf-8"), "### Suggested merges")
    ids = [b.id for b in MergeSuggestionsScreen.BINDINGS if isinstance(b, Binding)]
    assert all(ids) and [i for i in ids if f"`{i}`" not in section] == []
