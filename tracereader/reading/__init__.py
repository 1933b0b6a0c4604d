"""Reading trace files: records streamed out of JSONL, JSON, YAML and gzip, held to limits.

The entry points are `RecordReader` (one file, record by record, or a content-free rejection
per bad record), `file_kind` and `sha256_file`; the JSON and YAML streams, the record limits
and the per-record time budget (`deadline`, which ingest's anonymizing batches use too) are
private to the package.
"""

from __future__ import annotations

from tracereader.reading.readers import RecordReader, file_kind, sha256_file

__all__ = ["RecordReader", "file_kind", "sha256_file"]
