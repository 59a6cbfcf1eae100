"""Journal export to CSV: the rows of a journal file as a spreadsheet."""

from __future__ import annotations

import csv
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from ._journal_backend import is_dsn
from ._journal_reader import JournalReader, SqliteReader, reader_of

__all__ = ["CSV_COLUMNS", "export_csv", "export_rows", "iso_utc"]

#: Columns of :func:`export_csv`, in order. ``row`` is the 0-based position of the
#: row among the rows given to the broadcast; ``updated_at`` is ISO 8601 in UTC
#: (``2026-12-02T14:05:07.120+00:00``); ``duplicate_of`` is set on a duplicate row
#: and names the row its recipient was sent from.
CSV_COLUMNS = (
    "campaign", "recipient", "row", "status", "message_id", "error_code", "error_type",
    "error_message", "attempts", "updated_at", "duplicate_of",
)

_RECIPIENT_COLUMNS = (
    "campaign, recipient, row, status, message_id, error_code, error_type, error_message, "
    "attempts, updated_at, NULL"
)
_ROW_COLUMNS = (
    "campaign, recipient, row, status, NULL, error_code, error_type, error_message, "
    "0, updated_at, duplicate_of"
)
_UPDATED_AT = CSV_COLUMNS.index("updated_at")


def export_rows(
    source: sqlite3.Connection | JournalReader,
    destination: str | os.PathLike[str],
    campaign: str | None,
    statuses: tuple[str, ...] | None,
) -> int:
    """Write the outcomes of ``campaign`` (all when None) read from ``source`` as CSV.

    Recipients' entries and row entries (duplicates, invalid rows) come out
    together, in input order: one line per source row.

    Returns:
        The number of rows written.
    """
    reader = reader_of(source)
    where: list[str] = []
    args: list[str] = []
    if campaign is not None:
        where.append("campaign = ?")
        args.append(campaign)
    if statuses:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        args.extend(statuses)
    condition = " WHERE " + " AND ".join(where) if where else ""
    sql = f"SELECT {_RECIPIENT_COLUMNS} FROM outcomes{condition}"
    if reader.has_table("row_outcomes"):  # a file written before row entries existed has none
        sql += f" UNION ALL SELECT {_ROW_COLUMNS} FROM row_outcomes{condition}"
        args += args
    sql += " ORDER BY campaign, row"
    count = 0
    with open(destination, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for row in reader.query(sql, tuple(args)):
            cells = ["" if v is None else v for v in row]
            cells[_UPDATED_AT] = iso_utc(row[_UPDATED_AT])
            writer.writerow(cells)
            count += 1
    return count


def iso_utc(timestamp: float | None) -> str:
    """``timestamp`` (seconds since the epoch) as ISO 8601 in UTC, to the millisecond.

    Returns:
        Text such as ``2026-12-02T14:05:07.120+00:00``; empty for None.
    """
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat(timespec="milliseconds")


def export_csv(
    journal_path: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    campaign: str | None = None,
    statuses: tuple[str, ...] | None = None,
) -> int:
    """Export a journal file to CSV (blocking; call it off the event loop).

    Columns are :data:`CSV_COLUMNS`; empty cells stand for missing values.
    A file written by an older version (before row entries) is read as it is,
    without being changed.

    Args:
        journal_path: The SQLite journal, or a PostgreSQL journal's DSN.
        destination: CSV file to write.
        campaign: Only this campaign (all campaigns when None).
        statuses: Only these statuses, e.g. ``("failed", "unknown")``.

    Returns:
        The number of rows written.

    Raises:
        FileNotFoundError: ``journal_path`` does not exist.
        JournalError: The PostgreSQL journal cannot be read.
    """
    if isinstance(journal_path, str) and is_dsn(journal_path):
        from ._journal_pg_schema import read_only

        with read_only(journal_path) as reader:
            return export_rows(reader, destination, campaign, statuses)
    if not Path(journal_path).exists():
        raise FileNotFoundError(f"no journal at {journal_path}")
    conn = sqlite3.connect(f"file:{Path(journal_path).resolve()}?mode=ro", uri=True)
    try:
        return export_rows(SqliteReader(conn), destination, campaign, statuses)
    finally:
        conn.close()
