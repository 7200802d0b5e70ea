"""The audit log: who looked at participant-level data, and who exported it.

JSON lines in a file of its own (the program database stays read-only), times in UTC, appended and
never rewritten. A line names the user, their role, the page, the event and the filters in force,
never a participant: a name typed into a search box is logged only as "a name search was used".
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

AUDIT_LOG_VARIABLE = "LEAD_AUDIT_LOG"
DEFAULT_AUDIT_LOG = Path(__file__).resolve().parents[1] / "logs" / "audit.jsonl"
VIEW, EXPORT = "view", "export"


class AuditLogUnavailable(Exception):
    """The audit log cannot be written: nothing participant-level may be shown or exported until it can."""


def audit_log_path() -> Path:
    return Path(os.environ.get(AUDIT_LOG_VARIABLE, DEFAULT_AUDIT_LOG))


def record(
    *, event: str, user: str | None, role: str, page: str, filters: dict[str, Any], path: Path | None = None
) -> dict[str, Any]:
    """Append one line to the audit log and return it; ``AuditLogUnavailable`` if it cannot be written."""
    line = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "event": event,
        "user": user,
        "role": role,
        "page": page,
        "filters": filters,
    }
    path = path or audit_log_path()
    encoded = (json.dumps(line, default=str, sort_keys=True) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND makes each line's write land whole at the end, even with several sessions writing.
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, encoded)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise AuditLogUnavailable(f"the audit log {path} cannot be written: {error}") from error
    return line
