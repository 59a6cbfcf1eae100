"""The failures CSV: the rows of a broadcast that need someone's attention."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

from ..bulk import SendOutcome

#: Columns of the failures CSV.
FAILURE_COLUMNS = ("phone", "row", "status", "error_code", "error_type", "error_message")


class FailureWriter:
    """Writes failed, unknown and invalid rows to a CSV, opened on the first one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def add(self, outcome: SendOutcome) -> None:
        """Write ``outcome`` when it needs attention (failed, unknown or invalid)."""
        error = outcome.error
        if outcome.status == "skipped" and (error is None or error.type != "ValidationError"):
            return  # duplicates and rows done earlier are not failures
        if outcome.status == "sent":
            return
        if self._writer is None:
            self._handle = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(FAILURE_COLUMNS)
        self._writer.writerow((
            outcome.to, outcome.row, outcome.status,
            "" if error is None or error.code is None else error.code,
            "" if error is None else error.type, "" if error is None else error.message,
        ))
        self.count += 1

    def close(self) -> None:
        """Close the file, if a row was written."""
        if self._handle is not None:
            self._handle.close()
