"""Status: traffic per day, the advisor's row, pipeline health, and the `status` document.

The entry points are `collect_status` and `status_lines` (the `status` command), `advise`
and `per_day_text` (the advisor, which the header and exports show), and `check_health`;
counting conversations per day (`volume`) is private to the package.
"""

from __future__ import annotations

from tracereader.status.advice import STATUS_KEYS, status_lines
from tracereader.status.advisor import Advice, advise, header_banner, per_day_text
from tracereader.status.health import Alert, check_health
from tracereader.status.summary import collect_status

__all__ = [
    "STATUS_KEYS",
    "Advice",
    "Alert",
    "advise",
    "check_health",
    "collect_status",
    "header_banner",
    "per_day_text",
    "status_lines",
]
