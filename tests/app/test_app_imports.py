"""The app opens without importing Presidio or spaCy (they cost seconds), and the domain never
imports Textual."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from review_traces import fill_store

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    sys.path[:0] = [sys.argv[2], sys.argv[3]]
    from app_helpers import frozen_options
    from review_traces import review_settings
    import tracereader.commands.review
    from tracereader.app import build_app

    async def main():
        app = build_app(sys.argv[1], review_settings(), frozen_options(show_banner=True))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("1", "j", "l", "escape", "question_mark", "escape")
            await app.workers.wait_for_complete()
    asyncio.run(main())
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("presidio_analyzer", "spacy"))
    print("HEAVY", heavy)
    """
)


def test_the_app_never_imports_presidio_or_spacy(tmp_path: Path) -> None:
    db = tmp_path / "imports.db"
    fill_store(db, 3)
    here = Path(__file__).resolve().parent
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db), str(here), str(here.parent)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "HEAVY []" in result.stdout


def test_domain_modules_of_the_review_app_do_not_import_textual() -> None:
    code = (
        "import sys, tracereader.review.queue, tracereader.review.log, tracereader.review.session, "
        "tracereader.review.daily, tracereader.sanitize; "
        "print(sorted(m for m in sys.modules if m.startswith('textual')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
