"""Importer throughput and memory: converting trace exports vs. only parsing them (the baseline).

Run: `python benchmarks/importers.py [COPIES [LABEL…]]` (default 2,000 copies of each fixture;
labels pick some of SOURCES). Builds big files from the committed fixtures (fresh ids per copy),
then for each format measures `json.loads` of every line (the JSON parse alone), the record
reader alone (the parse plus its limits), the reader plus decoding the JSON held in string
fields, and reader + conversion (all CPU time, timed alternately, best of 5), and the peak
Python memory of the conversion (tracemalloc), for contiguous files, for files whose traces
are interleaved pairwise, and for one JSON array of the same records (the JSON reader's
path). `xjson` is the conversion's cost in units of the JSON parse alone.

`python benchmarks/importers.py --instructions [COPIES [LABEL…]]` (default 50 copies) counts
executed instructions instead, under valgrind's callgrind: processes that build the file and
then parse every line with `json.loads` once or three times, or convert it once or three
times; half the difference is one warm pass (first-call costs such as compiling patterns fall
in the first), string hashing seeded alike in every process. The machine's load moves CPU
time by a third from one run to the next; it does not move these counts.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tracereader.formats import FORMATS  # noqa: E402
from tracereader.formats.base import RawRecord  # noqa: E402
from tracereader.model import Trace  # noqa: E402
from tracereader.reading import RecordReader  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures"
MIN_SECONDS = 0.2
"""Each timing repeats its step until the JSON parse alone would take this long."""


def _copies(
    rows: list[dict[str, Any]], n: int, rename: Callable[[str, int], str]
) -> list[list[str]]:
    """`n` copies of a fixture's lines with unique ids, as one list of lines per copy."""
    text = "\n".join(json.dumps(r) for r in rows)
    return [rename(text, i).splitlines() for i in range(n)]


def _langsmith(text: str, i: int) -> str:
    return text.replace("00000000-0000-0000-0000-6c73", f"{i:08x}-0000-0000-0000-6c73")


def _otlp(text: str, i: int) -> str:
    return text.replace('"0000000000000000a0000000', f'"{i:016x}a0000000')


def _braintrust(text: str, i: int) -> str:
    return text.replace('"00000000000000000000627430', f'"{i:020x}627430')


def _langfuse(text: str, i: int) -> str:
    return text.replace("lf-trace-000", f"lf-trace-{i}-")


def _responses(text: str, i: int) -> str:
    return text.replace('"resp_0', f'"resp_{i}_')


def _agents(text: str, i: int) -> str:
    return text.replace('"trace_00000000', f'"trace_{i:08x}')


def _claude_code(text: str, i: int) -> str:
    return text.replace("00000000-0000-4000-8000-", f"{i:08x}-0000-4000-8000-")


def _vercel(text: str, i: int) -> str:
    return text.replace('"00000000000000000000', f'"{i:020x}')


def _same(text: str, i: int) -> str:
    return text  # one record per trace: copies need no fresh ids to stay apart


SOURCES: dict[str, tuple[str, str, Callable[[str, int], str]]] = {
    "langsmith": ("langsmith", "langsmith/runs.jsonl", _langsmith),
    "langfuse": ("langfuse", "langfuse/observations_v2.jsonl", _langfuse),
    "langfuse-v4": ("langfuse", "langfuse/trace-lf-trace-0001-v4.json", _langfuse),
    "langfuse-tbl": ("langfuse", "langfuse/traces-export.jsonl", _langfuse),
    "otlp": ("otlp", "otlp/genai_collector.jsonl", _otlp),
    "vercel-ai": ("vercel-ai", "vercel-ai/generate_text.jsonl", _vercel),
    "braintrust": ("braintrust", "braintrust/logs.jsonl", _braintrust),
    "anthropic": ("anthropic", "anthropic/messages_log.jsonl", _same),
    "responses": ("openai-responses", "openai-responses/responses_log.jsonl", _responses),
    "litellm": ("litellm", "litellm/standard_logging.jsonl", _same),
    "agents": ("openai-agents", "openai-agents/traces.jsonl", _agents),
    "claude-code": ("claude-code", "claude-code/session.jsonl", _claude_code),
}
"""label -> (format, fixture, how to give a copy fresh ids)."""


def _fixture_copies(label: str, n: int) -> list[list[str]]:
    """`n` copies of a label's fixture, fresh ids in each (see `_copies`)."""
    _, fixture, rename = SOURCES[label]
    rows = [json.loads(line) for line in (FIXTURES / fixture).read_text().splitlines()]
    return _copies(rows, n, rename)


LAYOUTS = ("contiguous", "interleaved", "json-array")
"""JSONL with each trace's records together or two traces' alternating, and one JSON array."""


def write(path: Path, copies: list[list[str]], interleave: bool, array: bool = False) -> int:
    """Write copies contiguously, or two traces' records alternating, as JSONL or (`array`) as
    one JSON array with an element per line; returns the record count."""
    lines: list[str] = []
    if interleave:
        for a, b in zip(copies[::2], copies[1::2], strict=False):
            for pair in zip(a, b, strict=False):
                lines.extend(pair)
            lines.extend(a[len(b) :] + b[len(a) :])
    else:
        for copy in copies:
            lines.extend(copy)
    if array:
        path.write_text("[\n" + ",\n".join(lines) + "\n]\n")
    else:
        path.write_text("\n".join(lines) + "\n")
    return len(lines)


def _convert(path: Path, fmt_name: str) -> int:
    records = (r for r in RecordReader(path) if isinstance(r, RawRecord))
    return sum(isinstance(t, Trace) for t in FORMATS[fmt_name].convert(records))


def _timed(run: Callable[[], object]) -> float:
    """CPU seconds of this process: the other work on a shared machine does not count."""
    started = time.process_time()
    run()
    return time.process_time() - started


def _decode_inner(value: object) -> int:
    """Parse the JSON that string fields hold (exports double-encode): the rest of the parse."""
    if isinstance(value, str):
        if value[:1] in ("{", "[", '"'):
            try:
                return 1 + _decode_inner(json.loads(value))
            except ValueError:
                return 0
        return 0
    if isinstance(value, dict):
        return sum(_decode_inner(v) for v in value.values())
    if isinstance(value, list):
        return sum(_decode_inner(v) for v in value)
    return 0


def _json_only(path: Path) -> int:
    """`json.loads` of every record's line, nothing else: the JSON parse alone.

    For a JSON array too, each element (one per line) is parsed on its own: `json.loads` of
    the whole array would build every record at once and be slower (its garbage collections
    walk them all), a baseline that would flatter the streaming reader.
    """
    with path.open("rb") as handle:
        if path.suffix != ".json":
            return sum(1 for line in handle if json.loads(line) is not None)
        return sum(
            1 for line in handle if line not in (b"[\n", b"]\n") and json.loads(line.rstrip(b",\n"))
        )


def _parse_all(path: Path) -> int:
    return sum(_decode_inner(r.value) for r in RecordReader(path) if isinstance(r, RawRecord))


def measure(
    path: Path, fmt_name: str, rounds: int = 5
) -> tuple[float, float, float, float, int, float]:
    """(json.loads s, reader s, reader + JSON held in strings s, read+convert s, traces, MiB).

    All are CPU time, timed alternately `rounds` times with the fastest of each kept (each
    timing repeats its step to last `MIN_SECONDS` at least): on a shared machine wall time
    drifts with the other work, and alternating keeps all measured under the same conditions.
    """
    # Small files are read several times per timing, so that every timing lasts ~0.2 s or
    # more: a 10 ms baseline on a shared machine varies by a third from one run to the next.
    reps = max(1, math.ceil(MIN_SECONDS / max(_timed(lambda: _json_only(path)), 1e-4)))

    def timed(run: Callable[[], object]) -> float:
        return _timed(lambda: [run() for _ in range(reps)]) / reps

    loads, reads, fulls, converts = [], [], [], []
    for _ in range(rounds):
        loads.append(timed(lambda: _json_only(path)))
        reads.append(timed(lambda: sum(1 for _ in RecordReader(path))))
        fulls.append(timed(lambda: _parse_all(path)))
        converts.append(timed(lambda: _convert(path, fmt_name)))
    traces = _convert(path, fmt_name)
    tracemalloc.start()  # a separate pass: tracing slows allocation-heavy code several times
    _convert(path, fmt_name)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return min(loads), min(reads), min(fulls), min(converts), traces, peak


PASSES = ("json", "convert")
"""What an instruction-counting child does, once or three times, after building its file."""


def _count_child(label: str, n: int, step: str, times: int, path: Path) -> None:
    """The measured process: build the file, then run one pass over it `times` times."""
    fmt_name = SOURCES[label][0]
    write(path, _fixture_copies(label, n), interleave=False)
    for _ in range(times):
        if step == "json":
            _json_only(path)
        else:
            _convert(path, fmt_name)


def _instructions(label: str, n: int, step: str, times: int, path: Path) -> int:
    """Instructions a child executes, as callgrind counts them."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--count-child",
            label,
            str(n),
            step,
            str(times),
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count for {label} {step}: {done.stderr[-300:]}")
    return int(found.group(1))


def count_main(args: list[str]) -> None:
    """Instructions of the JSON parse alone and of the conversion, per label (contiguous JSONL)."""
    n = int(args[0]) if args else 50
    labels = args[1:] or list(SOURCES)
    print(f"{'format':<12} {'records':>8} {'json Minstr':>12} {'conv Minstr':>12} {'xjson':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "counted.jsonl"
        for label in labels:
            parse, convert = (
                (_instructions(label, n, step, 3, path) - _instructions(label, n, step, 1, path))
                / 2
                for step in PASSES
            )
            records = sum(1 for _ in path.open("rb"))
            print(
                f"{label:<12} {records:>8} {parse / 1e6:>12.1f} {convert / 1e6:>12.1f} "
                f"{convert / parse:>6.1f}"
            )


def main() -> None:
    if sys.argv[1:2] == ["--count-child"]:
        label, n, step, times, path = sys.argv[2:7]
        _count_child(label, int(n), step, int(times), Path(path))
        return
    if sys.argv[1:2] == ["--instructions"]:
        count_main(sys.argv[2:])
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    print(
        f"{'format':<12} {'layout':<11} {'records':>8} {'MiB':>6} {'json s':>7} {'read s':>7} "
        f"{'+inner':>7} {'conv s':>7} {'xjson':>6} {'xread':>6} {'xinner':>6} {'traces/s':>9} "
        f"{'peak MiB':>9}"
    )
    only = set(sys.argv[2:])
    with tempfile.TemporaryDirectory() as tmp:
        for name, (fmt_name, _, _) in SOURCES.items():
            if only and name not in only:
                continue
            copies = _fixture_copies(name, n)
            for layout in LAYOUTS:
                suffix = ".json" if layout == "json-array" else ".jsonl"
                path = Path(tmp) / f"{name}-{layout}{suffix}"
                count = write(path, copies, layout == "interleaved", layout == "json-array")
                size = path.stat().st_size / 2**20
                parse, read_only, full, converted, traces, peak = measure(path, fmt_name)
                print(
                    f"{name:<12} {layout:<11} {count:>8} {size:>6.1f} {parse:>7.2f} "
                    f"{read_only:>7.2f} {full:>7.2f} {converted:>7.2f} {converted / parse:>6.1f} "
                    f"{converted / read_only:>6.1f} {converted / full:>6.1f} "
                    f"{traces / converted:>9.0f} {peak:>9.1f}"
                )
                path.unlink()


if __name__ == "__main__":
    main()
