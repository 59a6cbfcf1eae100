"""Reading a journal back, row by row, on either backend: the streams reports and exports fold.

Both backends hold the same tables with the same columns, so the queries are
shared; a :class:`JournalReader` only says how to run one (SQLite's ``?``
placeholders, PostgreSQL's server-side cursors) and whether a table exists
(an SQLite file of an older layout lacks some, and a PostgreSQL database that
no journal opened yet has none). Reads are blocking: run them off the event
loop. Rows stream in chunks, so a campaign of millions is never held at once.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ._campaign_tag import campaign_key

if TYPE_CHECKING:
    import psycopg

__all__ = ["JournalReader", "PostgresReader", "SqliteReader", "reader_of"]

_CHUNK = 5_000
_names = itertools.count(1)


class JournalReader:
    """The reads of a journal's records; subclasses run the queries on their connection."""

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[Any]:
        """The rows of ``sql`` (``?`` placeholders), streamed in chunks."""
        raise NotImplementedError

    def has_table(self, name: str) -> bool:
        """Whether the journal has the table ``name``."""
        raise NotImplementedError

    def campaigns(self) -> list[str]:
        """The campaigns with recorded recipients or row entries, sorted."""
        if not self.has_table("outcomes"):
            return []
        sql = "SELECT campaign FROM outcomes"
        if self.has_table("row_outcomes"):
            sql += " UNION SELECT campaign FROM row_outcomes"
        return [name for (name,) in self.query(sql + " ORDER BY 1")]

    def recipient_rows(self, campaign: str) -> Iterator[Any]:
        """Each recipient of ``campaign`` with what status webhooks said, in row order.

        Columns: the outcome's ``status, row, error_code, error_type,
        error_message, updated_at``; the delivery's ``delivered_at, read_at,
        played_at, failed_at, error_code, error_title, pricing_category,
        billable``; then ``recipient, message_id, attempts``, the delivery's
        ``sent_at, error_detail``. Delivery columns are NULL without a status.
        """
        if not self.has_table("outcomes"):
            return iter(())
        if self.has_table("deliveries"):
            source = "outcomes o LEFT JOIN deliveries d ON d.message_id = o.message_id"
            cols = ("d.delivered_at, d.read_at, d.played_at, d.failed_at, d.error_code, "
                    "d.error_title, d.pricing_category, d.billable, o.recipient, o.message_id, "
                    "o.attempts, d.sent_at, d.error_detail")
        else:  # a file of an older layout, read as it is
            source = "outcomes o"
            cols = ("NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, o.recipient, "
                    "o.message_id, o.attempts, NULL, NULL")
        return self.query(
            "SELECT o.status, o.row, o.error_code, o.error_type, o.error_message, "
            f"o.updated_at, {cols} FROM {source} WHERE o.campaign = ? ORDER BY o.row",
            (campaign,),
        )

    def row_entries(self, campaign: str) -> Iterator[Any]:
        """The row entries of ``campaign`` in row order.

        Columns: ``status, row, error_type, error_message, recipient, duplicate_of, error_code``.
        """
        if not self.has_table("row_outcomes"):
            return iter(())
        return self.query(
            "SELECT status, row, error_type, error_message, recipient, duplicate_of, "
            "error_code FROM row_outcomes WHERE campaign = ? ORDER BY row", (campaign,),
        )

    def unknown_seen(self, campaign: str) -> int:
        """Rows of ``campaign`` recorded ``unknown`` that a status webhook shows were sent."""
        if not self.has_table("deliveries"):
            return 0
        for (count,) in self.query(
            "SELECT COUNT(*) FROM outcomes o WHERE o.campaign = ? AND o.status = 'unknown' "
            "AND EXISTS (SELECT 1 FROM deliveries d WHERE d.campaign_key = ? AND d.row = o.row)",
            (campaign, campaign_key(campaign)),
        ):
            return int(count)
        return 0


class SqliteReader(JournalReader):
    """Reads through an SQLite connection to a journal file (any layout version)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[Any]:
        cur = self.conn.execute(sql, args)
        while rows := cur.fetchmany(_CHUNK):
            yield from rows

    def has_table(self, name: str) -> bool:
        found = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return found is not None


class PostgresReader(JournalReader):
    """Reads through a (blocking) psycopg connection, inside its transaction.

    Each query is a server-side cursor, so PostgreSQL sends its rows a chunk at
    a time; several may be open at once (the export merges two streams).
    """

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self._tables: dict[str, bool] = {}

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[Any]:
        # Our statements hold no literal "?", so this is the only placeholder change.
        with self.conn.cursor(name=f"journal_read_{next(_names)}") as cur:
            cur.itersize = _CHUNK
            cur.execute(sql.replace("?", "%s"), args)
            yield from cur

    def has_table(self, name: str) -> bool:
        if name not in self._tables:
            row = self.conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
            self._tables[name] = bool(row and row[0])
        return self._tables[name]


def reader_of(source: sqlite3.Connection | JournalReader) -> JournalReader:
    """``source`` as a reader: an SQLite connection is wrapped, a reader returned as is."""
    if isinstance(source, sqlite3.Connection):
        return SqliteReader(source)
    return source
