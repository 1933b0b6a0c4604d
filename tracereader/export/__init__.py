"""Export: actionable patterns as costed, ranked action items, and reviewed traces as datasets.

The entry points are `build_report`, `render`, `export_to_file` (and `default_filename`,
`write_text`, `ExportError`); the Markdown renderer, the dataset writer and the traffic figure
the priority uses are private to the package.
"""

from __future__ import annotations

from tracereader.export.items import (
    ExportError,
    build_report,
    default_filename,
    export_to_file,
    render,
    write_text,
)

__all__ = [
    "ExportError",
    "build_report",
    "default_filename",
    "export_to_file",
    "render",
    "write_text",
]
