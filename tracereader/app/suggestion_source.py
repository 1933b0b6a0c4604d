"""The note box's suggestion index for the app: reused while nothing changed, rebuilt off the
main thread on a connection of its own when reviews, pattern edits or the taxonomy changed.

The similarity modules (numpy, scipy, WordLlama: about two seconds to import) are imported
by `build`, on the worker, so neither the app's launch nor the note box's opening waits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from tracereader.config import Settings
from tracereader.store import Store

if TYPE_CHECKING:
    from tracereader.patterns.suggestions import SuggestionIndex


class SuggestionSource:
    """Hands the note box a ready index, or builds one (`build` is safe on a worker thread)."""

    def __init__(self, store: Store, settings: Callable[[], Settings]) -> None:
        self.store = store
        self._settings = settings
        self._lock = threading.Lock()
        self._index: SuggestionIndex | None = None
        self._version: tuple[int, ...] | None = None

    @property
    def in_thread(self) -> bool:
        """Whether `build` may run on a worker (an in-memory store has one connection only)."""
        return self.store.path is not None

    def ready(self) -> SuggestionIndex | None:
        """The index when it still matches the database (a few cheap counts), else None."""
        with self._lock:
            index, built_for = self._index, self._version
        if index is None:
            return None
        from tracereader.patterns import suggestions  # imported already: an index was built

        return index if built_for == suggestions.version(self.store) else None

    def latest(self) -> SuggestionIndex | None:
        """The last index built, current or not (shown while a fresh one is built)."""
        with self._lock:
            return self._index

    def build(self) -> SuggestionIndex:
        """Read the patterns and vectorise them; keeps the result for `ready`."""
        from tracereader.patterns import suggestions

        store = Store.open(self.store.path, create=False) if self.in_thread else self.store
        try:
            built_for = suggestions.version(store)
            index = suggestions.build(store, self._settings())
        finally:
            if store is not self.store:
                store.close()
        with self._lock:
            self._index, self._version = index, built_for
        return index
