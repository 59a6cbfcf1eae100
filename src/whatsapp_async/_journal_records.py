"""What the journal records: :class:`JournalEntry`, and the SQLite statements that write one.

A :class:`JournalEntry` is a recipient's state (``pending`` before its send,
the final outcome after) or a row entry (a duplicate or invalid row). Every
backend takes the same entries; the statements here are the SQLite backend's
(:class:`whatsapp_async.journal.Journal`), each a function of the writer
thread's connection.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["JournalEntry", "unmark_pending", "upsert_many", "upsert_params", "upsert_row"]

_UPSERT = (
    "INSERT INTO outcomes (campaign, recipient, row, status, message_id, error_code, "
    "error_type, error_message, attempts, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT (campaign, recipient) DO UPDATE SET row=excluded.row, "
    "status=excluded.status, message_id=excluded.message_id, error_code=excluded.error_code, "
    "error_type=excluded.error_type, error_message=excluded.error_message, "
    "attempts=excluded.attempts, updated_at=excluded.updated_at"
)

_UPSERT_ROW = (
    "INSERT OR REPLACE INTO row_outcomes (campaign, row, recipient, status, duplicate_of, "
    "error_code, error_type, error_message, updated_at) VALUES (?,?,?,?,?,?,?,?,?)"
)

@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One recipient's state in a campaign, or one row's (see :meth:`Journal.record_row`).

    Attributes:
        recipient: Normalised number (``+15551234567``), or the raw input for an
            invalid row.
        status: ``pending``, ``sent``, ``failed``, ``unknown`` or ``skipped``.
        row: 0-based position of the row among the rows given to the broadcast.
        message_id: The ``wamid`` of a sent message.
        error_code: Graph error code of a failure, when there was one.
        error_type: Exception class name of a failure, or why a row was skipped
            (``Duplicate``, ``ValidationError``).
        error_message: Failure text.
        attempts: HTTP attempts made for the send.
        duplicate_of: For a duplicate row, the position of the row its recipient
            was sent from.
    """

    recipient: str
    status: str
    row: int | None = None
    message_id: str | None = None
    error_code: int | None = None
    error_type: str | None = None
    error_message: str | None = None
    attempts: int = 0
    duplicate_of: int | None = None


def upsert_params(campaign: str, e: JournalEntry) -> tuple[Any, ...]:
    """The values that write recipient entry ``e`` of ``campaign`` (see :func:`upsert_many`)."""
    return (
        campaign, e.recipient, e.row, e.status, e.message_id, e.error_code, e.error_type,
        e.error_message, e.attempts, time.time(),
    )


def upsert_many(conn: sqlite3.Connection, entries: list[tuple[Any, ...]]) -> None:
    """Write recipient entries (each from :func:`upsert_params`), each replacing its earlier state.

    Later entries of a recipient win over earlier ones in the same list.
    """
    conn.executemany(_UPSERT, entries)


def upsert_row(campaign: str, e: JournalEntry) -> Callable[[sqlite3.Connection], None]:
    """The write of row entry ``e`` of ``campaign``, keyed by its row."""
    params = (
        campaign, e.row, e.recipient, e.status, e.duplicate_of, e.error_code, e.error_type,
        e.error_message, time.time(),
    )

    def run(conn: sqlite3.Connection) -> None:
        conn.execute(_UPSERT_ROW, params)

    return run


def unmark_pending(
    campaign: str, to: str, prior_status: str | None
) -> Callable[[sqlite3.Connection], None]:
    """Undo the ``pending`` mark of ``to``: back to ``prior_status``, or deleted when None."""

    def run(conn: sqlite3.Connection) -> None:
        if prior_status is not None:
            conn.execute(
                "UPDATE outcomes SET status = ? WHERE campaign = ? AND recipient = ? "
                "AND status = 'pending'", (prior_status, campaign, to),
            )
        else:
            conn.execute(
                "DELETE FROM outcomes WHERE campaign = ? AND recipient = ? "
                "AND status = 'pending'", (campaign, to),
            )

    return run
