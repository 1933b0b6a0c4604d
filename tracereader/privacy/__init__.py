"""Privacy: every string anonymized at ingestion, and what is stored audited afterwards.

The entry points are `Anonymizer` (ingest), `audit_store` (the `audit` command) and the
errors they raise; the detectors, the analyzer and the redaction rules are private to the
package. Importing it loads neither Presidio nor spaCy (`Anonymizer.create` does).
"""

from __future__ import annotations

from tracereader.privacy.anonymizer import (
    Anonymizer,
    AnonymizerError,
    NerUnavailable,
    SaltError,
)

__all__ = ["Anonymizer", "AnonymizerError", "NerUnavailable", "SaltError"]
