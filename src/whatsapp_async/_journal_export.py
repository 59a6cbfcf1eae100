"""Export of a campaign row by row: send outcome and delivery, as CSV or JSON lines."""

from __future__ import annotations

import csv
import heapq
import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import IO, Any

from ._journal_csv import iso_utc
from ._journal_reader import JournalReader, reader_of
from .errors import ValidationError

__all__ = ["EXPORT_COLUMNS", "EXPORT_FORMATS", "check_format", "delivery_of", "export_to"]

#: The formats :func:`export_to` writes.
EXPORT_FORMATS = ("csv", "jsonl")

#: Columns of the export, in order. ``line`` is the row's line in the source CSV
#: (header = line 1); ``row`` its 0-based position; ``status`` the send outcome
#: (``sent``, ``failed``, ``unknown``, ``skipped``, ``pending``); ``delivery`` the
#: furthest status a webhook reported (``read``, ``delivered``, ``failed``, ``sent``,
#: empty without one); times are ISO 8601 in UTC.
EXPORT_COLUMNS = (
    "line", "row", "recipient", "status", "delivery", "wamid", "attempts", "error_code",
    "error", "accepted_at", "delivered_at", "read_at", "failed_at", "duplicate_of_line",
)

LineOf = Callable[[int], "int | None"]


def check_format(fmt: str) -> None:
    """Refuse an export format that is not one of :data:`EXPORT_FORMATS`.

    Raises:
        ValidationError: ``fmt`` is not ``csv`` or ``jsonl``.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValidationError("format", f"must be csv or jsonl, got {fmt!r}")


def header_line(row: int) -> int:
    """The line of row ``row`` in a CSV with a header and one line per row (row + 2)."""
    return row + 2


def delivery_of(delivered_at: float | None, read_at: float | None, failed_at: float | None,
                sent_at: float | None) -> str:
    """The furthest status a message reached: ``read`` > ``delivered`` > ``failed`` > ``sent``."""
    if read_at is not None:
        return "read"
    if delivered_at is not None:
        return "delivered"
    if failed_at is not None:
        return "failed"
    return "sent" if sent_at is not None else ""


def _records(reader: JournalReader, campaign: str, line_of: LineOf) -> Iterator[dict[str, Any]]:
    def recipients() -> Iterator[tuple[int, dict[str, Any]]]:
        for (status, row, code, _etype, message, at, delivered_at, read_at, played_at,
             failed_at, d_code, d_title, _cat, _bill, recipient, wamid, attempts, sent_at,
             d_detail) in reader.recipient_rows(campaign):
            seen_read = read_at if read_at is not None else played_at
            failed_delivery = failed_at is not None and delivered_at is None and seen_read is None
            error = message
            if failed_delivery and status == "sent":
                code, error = d_code, " - ".join(x for x in (d_title, d_detail) if x) or None
            yield row, {
                "line": line_of(row), "row": row, "recipient": recipient, "status": status,
                "delivery": delivery_of(delivered_at, seen_read, failed_at, sent_at),
                "wamid": wamid, "attempts": attempts, "error_code": code, "error": error,
                "accepted_at": iso_utc(at) if status in ("sent", "failed", "unknown") else "",
                "delivered_at": iso_utc(delivered_at), "read_at": iso_utc(seen_read),
                "failed_at": iso_utc(failed_at), "duplicate_of_line": None,
            }

    def entries() -> Iterator[tuple[int, dict[str, Any]]]:
        for status, row, _etype, message, recipient, duplicate_of, code in reader.row_entries(
            campaign
        ):
            yield row, {
                "line": line_of(row), "row": row, "recipient": recipient, "status": status,
                "delivery": "", "wamid": None, "attempts": 0, "error_code": code,
                "error": message, "accepted_at": "", "delivered_at": "", "read_at": "",
                "failed_at": "",
                "duplicate_of_line": None if duplicate_of is None else line_of(duplicate_of),
            }

    # Both streams come sorted by row: merge them into input order without holding either.
    for _, record in heapq.merge(recipients(), entries(), key=lambda item: item[0]):
        yield record


def export_to(
    source: sqlite3.Connection | JournalReader, handle: IO[str], campaign: str, fmt: str,
    line_of: LineOf = header_line,
) -> int:
    """Write the rows of ``campaign`` to ``handle``, one line (or CSV record) per source row.

    Args:
        source: A reader of the journal (either backend), or an SQLite connection to a file.
        handle: A text file opened with ``newline=""``.
        campaign: The campaign.
        fmt: ``csv`` (with a header of :data:`EXPORT_COLUMNS`) or ``jsonl``.
        line_of: The source line of a row (default: row + 2, a CSV with a
            header and one line per row, as the broadcast command reads).

    Returns:
        The number of rows written.
    """
    reader = reader_of(source)
    count = 0
    if fmt == "csv":
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for record in _records(reader, campaign, line_of):
            writer.writerow(["" if record[c] is None else record[c] for c in EXPORT_COLUMNS])
            count += 1
    else:
        for record in _records(reader, campaign, line_of):
            clean = {k: (None if v == "" else v) for k, v in record.items()}
            handle.write(json.dumps(clean, ensure_ascii=False) + "\n")
            count += 1
    return count
