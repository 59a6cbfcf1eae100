"""The journal's SQLite tables, the in-place upgrade of files written by older versions,
and what an SQLite failure on the file means for the user.

Two tables hold a campaign's outcomes:

* ``outcomes``: one row per distinct recipient, the state of its send
  (``pending`` before, the final outcome after), keyed by recipient;
* ``row_outcomes``: one row per source row that did not get a send of its
  own, keyed by the row's position: a duplicate of an earlier row (naming
  that row in ``duplicate_of``) or a row whose number is not a phone number.

Together they give every source row exactly one recorded outcome. A third,
``deliveries``, holds what status webhooks said about each sent message
(keyed by wamid; written by :mod:`whatsapp_async._journal_tracking`). The file's
``PRAGMA user_version`` says which layout it has; an older file is upgraded
when a journal opens it, and the ``outcomes`` table keeps its layout, so older
versions of the library can still read and resume the file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

from ._validation import normalize_phone_number
from .errors import JournalError, ValidationError

__all__ = ["SCHEMA_VERSION", "Synchronous", "connect", "journal_error"]

Synchronous = Literal["OFF", "NORMAL", "FULL"]

#: The layout this version writes: 1 added ``row_outcomes``, 2 ``deliveries`` and the
#: index of ``outcomes`` by wamid.
SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS campaigns (
    name TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS outcomes (
    campaign TEXT NOT NULL,
    recipient TEXT NOT NULL,
    row INTEGER,
    status TEXT NOT NULL,
    message_id TEXT,
    error_code INTEGER,
    error_type TEXT,
    error_message TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL,
    PRIMARY KEY (campaign, recipient)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS row_outcomes (
    campaign TEXT NOT NULL,
    row INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL,
    duplicate_of INTEGER,
    error_code INTEGER,
    error_type TEXT,
    error_message TEXT,
    updated_at REAL NOT NULL,
    PRIMARY KEY (campaign, row)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
    message_id TEXT PRIMARY KEY,
    campaign_key TEXT,
    row INTEGER,
    sent_at REAL,
    delivered_at REAL,
    read_at REAL,
    played_at REAL,
    failed_at REAL,
    error_code INTEGER,
    error_title TEXT,
    error_detail TEXT,
    pricing_category TEXT,
    billable INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_by_row ON deliveries (campaign_key, row);
CREATE INDEX IF NOT EXISTS outcomes_by_message ON outcomes (message_id)
    WHERE message_id IS NOT NULL;
"""


def connect(path: Path, synchronous: Synchronous) -> sqlite3.Connection:
    """Open (creating or upgrading) the journal at ``path`` for writing.

    Args:
        path: The database file.
        synchronous: SQLite ``synchronous`` setting.

    Returns:
        The connection, with the current layout in place.

    Raises:
        sqlite3.Error: The file cannot be used.
    """
    conn = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.executescript(_SCHEMA)
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version < SCHEMA_VERSION:
            _upgrade(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _upgrade(conn: sqlite3.Connection) -> None:
    """Bring an older file to the current layout, in one transaction.

    The tables and indexes of versions 1 and 2 are created by the schema
    script itself (``IF NOT EXISTS``); only version 0 has data to move
    (:func:`_move_invalid_rows`). Version 2 adds nothing older versions of the
    library trip over: they read and resume the file as before.
    """
    with conn:
        # IMMEDIATE: two processes opening an old file at once upgrade it one after the other.
        conn.execute("BEGIN IMMEDIATE")
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version >= SCHEMA_VERSION:
            return
        if version < 1:
            _move_invalid_rows(conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _move_invalid_rows(conn: sqlite3.Connection) -> None:
    """Version 0 to 1: the invalid rows' entries move from ``outcomes`` to ``row_outcomes``.

    Version 0 wrote an invalid row into ``outcomes`` under its raw text, so all
    the rows with the same bad text shared one entry (carrying the last row's
    position). Those entries move to ``row_outcomes``; the rows they hid get
    their own entries when the campaign is resumed.
    """
    stale = [
        row for row in conn.execute(
            "SELECT campaign, recipient, row, status, error_code, error_type, "
            "error_message, updated_at FROM outcomes WHERE status = 'skipped' "
            "AND error_type = 'ValidationError' AND row IS NOT NULL"
        )
        if not _is_recipient(row[1])
    ]
    conn.executemany(
        "INSERT OR IGNORE INTO row_outcomes (campaign, recipient, row, status, error_code, "
        "error_type, error_message, updated_at) VALUES (?,?,?,?,?,?,?,?)", stale,
    )
    conn.executemany(
        "DELETE FROM outcomes WHERE campaign = ? AND recipient = ?",
        [(row[0], row[1]) for row in stale],
    )


def _is_recipient(text: str) -> bool:
    """Whether ``text`` is a normalised number (a recipient), not the raw text of a bad row."""
    try:
        return normalize_phone_number("to", text) == text
    except ValidationError:
        return False


def journal_error(path: Path, exc: sqlite3.Error) -> JournalError:
    """The :class:`JournalError` of an SQLite failure on ``path``, saying what to do."""
    text = str(exc)
    if "full" in text:
        advice = "the disk is full: free some space, then resume the campaign"
    elif "unable to open" in text or "readonly" in text or "read-only" in text:
        advice = ("it cannot be opened for writing (a missing folder, or the file or its "
                  "folder is read-only): check the path and its permissions")
    elif isinstance(exc, sqlite3.OperationalError):
        advice = "SQLite could not use it; the campaign can be resumed once that is fixed"
    else:
        advice = ("it is not a usable journal (corrupt, truncated, or another kind of "
                  "file): move it aside and give another path; its campaigns cannot be "
                  "resumed from it")
    return JournalError(f"the journal {path} cannot be used ({text}): {advice}", str(path))
