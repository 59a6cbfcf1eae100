"""Journal export to CSV: the rows of a journal file as a spreadsheet."""

from __future__ import annotations

import csv
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["CSV_COLUMNS", "export_csv", "export_rows"]

#: Columns of :func:`export_csv`, in order.
CSV_COLUMNS = (
    "campaign", "recipient", "row", "status", "message_id", "error_code", "error_type",
    "error_message", "attempts", "updated_at",
)


def export_rows(
    conn: sqlite3.Connection,
    destination: str | os.PathLike[str],
    campaign: str | None,
    statuses: tuple[str, ...] | None,
) -> int:
    """Write the outcomes of ``campaign`` (all when None) read through ``conn`` as CSV.

    Returns:
        The number of rows written.
    """
    sql = f"SELECT {', '.join(CSV_COLUMNS)} FROM outcomes"
    where: list[str] = []
    args: list[str] = []
    if campaign is not None:
        where.append("campaign = ?")
        args.append(campaign)
    if statuses:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        args.extend(statuses)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY campaign, row"
    count = 0
    with open(destination, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for row in _iter_rows(conn, sql, args):
            writer.writerow("" if v is None else v for v in row)
            count += 1
    return count


def _iter_rows(conn: sqlite3.Connection, sql: str, args: list[str]) -> Iterator[tuple[Any, ...]]:
    cur = conn.execute(sql, args)
    while rows := cur.fetchmany(5_000):
        yield from rows


def export_csv(
    journal_path: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    campaign: str | None = None,
    statuses: tuple[str, ...] | None = None,
) -> int:
    """Export a journal file to CSV (blocking; call it off the event loop).

    Columns are :data:`CSV_COLUMNS`; empty cells stand for missing values.

    Args:
        journal_path: The SQLite journal.
        destination: CSV file to write.
        campaign: Only this campaign (all campaigns when None).
        statuses: Only these statuses, e.g. ``("failed", "unknown")``.

    Returns:
        The number of rows written.

    Raises:
        FileNotFoundError: ``journal_path`` does not exist.
    """
    if not Path(journal_path).exists():
        raise FileNotFoundError(f"no journal at {journal_path}")
    conn = sqlite3.connect(f"file:{Path(journal_path).resolve()}?mode=ro", uri=True)
    try:
        return export_rows(conn, destination, campaign, statuses)
    finally:
        conn.close()
