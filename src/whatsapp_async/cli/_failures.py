"""The failures CSV: the rows of a broadcast that were not sent, each on its own line."""

from __future__ import annotations

import csv
import heapq
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..bulk import SendOutcome

#: Columns of the failures CSV. ``line`` is the line the row starts on in the
#: source CSV (the header is line 1), as in the command's CSV error messages;
#: ``duplicate_of_line`` is, for a duplicate, the line its recipient was sent from.
FAILURE_COLUMNS = (
    "phone", "line", "status", "error_code", "error_type", "error_message",
    "duplicate_of_line",
)

#: Skipped rows that are listed: invalid input, and duplicates (sent once, from another line).
_LISTED_SKIPS = frozenset({"ValidationError", "Duplicate"})

LineOf = Callable[[int], "int | None"]


def listed(outcome: SendOutcome) -> bool:
    """Whether ``outcome`` goes to the failures CSV: failed, unknown, invalid or a duplicate.

    Rows done in an earlier run and rows a stopped run never sent (left for
    ``--resume``) are not listed.
    """
    if outcome.status == "sent":
        return False
    if outcome.status == "skipped":
        return outcome.error is not None and outcome.error.type in _LISTED_SKIPS
    return True


class FailureWriter:
    """Writes failed, unknown, invalid and duplicate rows to a CSV, opened on the first one.

    Args:
        path: The CSV to write.
        line_of: The source file line of a row by its 0-based position; without
            it (rows that come from no file) the line columns stay empty.
    """

    def __init__(self, path: Path, line_of: LineOf | None = None) -> None:
        self.path = path
        self.count = 0
        self._line_of = line_of
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def add(self, outcome: SendOutcome) -> None:
        """Write ``outcome`` when it is listed (see :func:`listed`)."""
        if not listed(outcome):
            return
        if self._writer is None:
            self._handle = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(FAILURE_COLUMNS)
        error = outcome.error
        self._writer.writerow((
            outcome.to, self._line(outcome.row), outcome.status,
            "" if error is None or error.code is None else error.code,
            "" if error is None else error.type, "" if error is None else error.message,
            "" if outcome.duplicate_of is None else self._line(outcome.duplicate_of),
        ))
        self.count += 1

    def _line(self, index: int) -> int | str:
        line = self._line_of(index) if self._line_of is not None else None
        return "" if line is None else line

    def close(self) -> None:
        """Close the file, if a row was written."""
        if self._handle is not None:
            self._handle.close()


class RowListing:
    """The first rows (by line) that a run would not send, for ``--dry-run``; the rest counted.

    Outcomes arrive a little out of order (rows run concurrently), so the
    lowest lines seen are kept in a bounded heap rather than the first to arrive.

    Args:
        line_of: The source file line of a row by its 0-based position.
        shown: How many rows to list at most.
    """

    def __init__(self, line_of: LineOf, shown: int = 20) -> None:
        self.count = 0
        self._line_of = line_of
        self._shown = shown
        self._heap: list[tuple[int, str]] = []

    def add(self, outcome: SendOutcome) -> None:
        """Keep ``outcome`` when it is listed (see :func:`listed`)."""
        if not listed(outcome):
            return
        self.count += 1
        item = (-outcome.row, self._describe(outcome))
        if len(self._heap) < self._shown:
            heapq.heappush(self._heap, item)
        elif item > self._heap[0]:
            heapq.heapreplace(self._heap, item)

    def _describe(self, outcome: SendOutcome) -> str:
        line = self._line_of(outcome.row)
        where = f"line {line}" if line is not None else f"row {outcome.row}"
        error = outcome.error
        if error is not None and error.type == "Duplicate":
            first = None if outcome.duplicate_of is None else self._line_of(outcome.duplicate_of)
            of = f"line {first}" if first is not None else "an earlier line"
            return f"{where}: {outcome.to} again, a duplicate of {of}; one message per recipient"
        reason = error.message if error is not None else outcome.status
        return f"{where}: {outcome.to!r} {outcome.status}: {reason}"

    def lines(self) -> list[str]:
        """The kept rows in file order, then how many more there are."""
        shown = [text for _, text in sorted(self._heap, reverse=True)]
        more = self.count - len(shown)
        if more:
            shown.append(f"... and {more} more")
        return shown
