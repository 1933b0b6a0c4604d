"""Fuzz: one mutated record in a fixture of every format costs only itself.

For every fixture file in tests/fixtures and sample_traces (each format, JSONL, JSON arrays
and single documents, an export envelope element by element of its list, plus YAML documents,
a YAML root list and gzip versions of the native traces) the mutator in
`fuzz_mutations.py` damages one record at a time, and `tracereader ingest` runs through
`cli.main` in-process on the file. Each run must exit 0 or 1 with no traceback, every line
it prints must be a `PATH:LINE: reason` (or the summary's own lines), and every trace that
lands without the damaged record must land with it too.

The real anonymizer runs (Presidio's recognizers, no NER model), made once per module.
`TRACEREADER_FUZZ_EXAMPLES=500` runs more cases per fixture (default 10).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from fuzz_mutations import mutate, serialize

from tracereader.cli import cli
from tracereader.store import Store

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("TRACEREADER_FUZZ_EXAMPLES", "10"))
SEED = int(os.environ.get("TRACEREADER_FUZZ_SEED", "14"))
NATIVE_SAMPLE = REPO / "sample_traces" / "native" / "2026-10-19.jsonl"


def fixture_files() -> list[Path]:
    """Every trace file of the fixtures and the sample traces, each distinct content once."""
    seen: set[str] = set()
    found: list[Path] = []
    fixtures = REPO / "tests" / "fixtures"
    candidates = sorted(
        p for p in fixtures.rglob("*.json*") if p.relative_to(fixtures).parts[0] != "makers"
    )  # makers/ holds the fixture makers (a Node project's package files among them)
    candidates += [NATIVE_SAMPLE, REPO / "sample_traces" / "openai" / "chat_logs.jsonl"]
    candidates += sorted((REPO / "sample_traces").glob("[!n]*/*.jsonl"))
    for path in candidates:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            found.append(path)
    return found


CASES = [(p, "as is") for p in fixture_files()] + [
    (NATIVE_SAMPLE, "yaml"),
    (NATIVE_SAMPLE, "yaml list"),
    (NATIVE_SAMPLE, "gz"),
]
ENVELOPE_LISTS = ("data", "events", "observations", "resourceSpans")
"""A single-document fixture holding one of these lists is fuzzed element by element."""


class Layout:
    """A fixture's records and how to write them back: JSONL lines, a JSON array, YAML, …"""

    def __init__(self, path: Path, variant: str) -> None:
        text = path.read_text(encoding="utf-8")
        self.gzip = variant == "gz"
        self.yaml_list = variant == "yaml list"
        self.envelope: tuple[dict[str, Any], str] | None = None  # (the object, its list's key)
        if path.suffix == ".jsonl":
            self.records: list[Any] = [json.loads(line) for line in text.splitlines() if line]
            self.array = False
        else:
            document = json.loads(text)
            self.array = isinstance(document, list)
            self.records = document if self.array else [document]
            key = next(
                (k for k in ENVELOPE_LISTS if isinstance(document, dict) and k in document), None
            )
            if key is not None and len(document[key]) > 1:  # its elements are the records
                self.envelope, self.records, self.array = (document, key), document[key], True
        self.suffix = {"yaml": ".yaml", "yaml list": ".yaml", "gz": ".jsonl.gz"}.get(
            variant, path.suffix
        )
        self.kind = "yaml" if variant.startswith("yaml") else "json"

    def encode(self, parts: list[bytes]) -> bytes:
        if self.yaml_list:  # each `---` document becomes an item of one root list
            items = [b"- " + p.removeprefix(b"---\n").replace(b"\n", b"\n  ") for p in parts]
            data = b"\n".join(i.rstrip(b" ") for i in items) + b"\n"
        elif self.kind == "yaml":
            data = b"\n".join(parts) + b"\n"
        elif self.envelope is not None:
            document, key = self.envelope
            head = json.dumps({k: v for k, v in document.items() if k != key})[:-1].encode()
            comma = b", " if len(document) > 1 else b""
            data = (
                head + comma + json.dumps(key).encode() + b": [\n" + b",\n".join(parts) + b"\n]}\n"
            )
        elif self.array:
            data = b"[\n" + b",\n".join(parts) + b"\n]\n"
        else:
            data = b"\n".join(parts) + b"\n"
        return gzip.compress(data, 1) if self.gzip else data

    def file_with(self, replaced: dict[int, bytes | None]) -> bytes:
        """The file with record i's bytes replaced (None: left out)."""
        parts = []
        for i, record in enumerate(self.records):
            if i in replaced:
                part = replaced[i]
                if part is not None:
                    parts.append(part)
            else:
                parts.append(serialize(record, self.kind))
        return self.encode(parts)


@pytest.fixture(scope="module")
def anonymizer() -> Any:
    """The real anonymizer without NER, created once: its text cache keeps the runs quick."""
    from tracereader.privacy import Anonymizer
    from tracereader.privacy.analyzer import TextAnalyzer

    return Anonymizer(b"fuzz-salt-" * 4, TextAnalyzer(None), None)


def ingest(path: Path, db: Path) -> tuple[Result, set[str]]:
    """`tracereader ingest` through the click group's own `main` (what `cli.main` calls)."""
    result = CliRunner().invoke(cli, ["ingest", "--no-ner", "--db", str(db), str(path)])
    store = Store.open(db)
    try:
        ids = {row[0] for row in store.execute("select id from traces")}
    finally:
        store.close()
    return result, ids


ALLOWED = [
    r"{path}: read as .+",
    r"{path}:\d+: \S.*",
    r"{path}: \d+ \S.*",  # a reader's once-per-file notice (text it did not place)
    r"… and \d+ more rejected records not listed",
    r"warning: names are NOT being detected.*",
]
DETECTION = re.compile(r"records match (several formats|no known format)")


def check_output(result: Result, path: Path, damaged_sampled: bool, lines_in_file: int) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the bug this test exists for
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.output
    if result.exit_code == 2:  # a usage answer, allowed only for format detection
        assert damaged_sampled and len(lines) == 1 and DETECTION.search(lines[0]), lines
        return
    assert result.exit_code in (0, 1), result.output
    patterns = [re.compile(p.format(path=re.escape(str(path)))) for p in ALLOWED]
    for line in lines:
        assert any(p.fullmatch(line) for p in patterns), line
        named = re.match(re.escape(str(path)) + r":(\d+): ", line)
        if named:  # the line it names exists in the file
            assert 1 <= int(named.group(1)) <= lines_in_file + 1, line


@pytest.mark.parametrize(("source", "variant"), CASES, ids=lambda v: str(v).split("/")[-1])
def test_one_mutated_record_costs_only_itself(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    anonymizer: Any,
    source: Path,
    variant: str,
) -> None:
    from tracereader.privacy import anonymizer as anonymize

    monkeypatch.setattr(anonymize.Anonymizer, "create", lambda *a, **k: anonymizer)
    layout = Layout(source, variant)
    rng = random.Random(f"{SEED}:{source.name}:{variant}")
    path = tmp_path / f"fuzz{layout.suffix}"
    path.write_bytes(layout.file_with({}))
    pristine, everything = ingest(path, tmp_path / "pristine.db")
    assert pristine.exit_code == 0 and everything, pristine.output  # the fixture itself is good
    without: dict[int, set[str]] = {}
    for case in range(EXAMPLES):
        index = rng.randrange(len(layout.records))
        if index not in without:
            path.write_bytes(layout.file_with({index: None}))
            _, without[index] = ingest(path, tmp_path / f"without-{index}.db")
        damaged, mutation = mutate(layout.records[index], layout.kind, rng)
        data = layout.file_with({index: damaged})
        path.write_bytes(data)
        result, landed = ingest(path, tmp_path / f"case-{case}.db")
        lines_in_file = (gzip.decompress(data) if layout.gzip else data).count(b"\n")
        where = f"case {case}: {mutation} of record {index} ({source.name}, {variant})"
        try:
            check_output(result, path, index < 5, lines_in_file)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from None
        if result.exit_code == 2:  # the allowed detection answer: nothing was read, none lost
            continue
        lost = without[index] - landed
        assert not lost, f"{where}: good traces lost: {sorted(lost)[:5]}"


def test_the_mutator_covers_every_mutation_and_every_format() -> None:
    from fuzz_mutations import MUTATIONS

    rng = random.Random(SEED)
    names = set()
    record = json.loads(NATIVE_SAMPLE.read_text().splitlines()[0])
    for _ in range(400):
        names.add(mutate(record, "json", rng)[1])
    assert {m.__name__ for m in MUTATIONS} | {"truncated", "garbage"} <= names
    assert {p.parent.name for p in fixture_files()} >= {
        "braintrust",
        "langfuse",
        "langsmith",
        "otlp",
        "native",
        "openai",
    }
    assert yaml.safe_load(serialize(record, "yaml")) == record
