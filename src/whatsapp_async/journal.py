"""A durable record of a broadcast, so a killed run can resume safely.

One entry per distinct recipient and campaign. It is written as ``pending``
*before* its message goes on the wire (after the throttle has let it through,
so a row still waiting for its turn is untouched) and overwritten with the
final outcome after, so after a crash (SIGKILL, power loss) every recipient is
in one of three states: never touched, ``pending`` (the send may or may not
have happened) or final.
Beside them, one *row entry* per source row that gets no send of its own: a
duplicate (naming the row it repeats) or a row whose number is invalid. So
every source row a run took has exactly one entry: its recipient's (at the
row the recipient was sent from) or its own row entry.

Two backends keep these records with the same rules (see
:class:`JournalBackend`): :class:`Journal`, an SQLite file (this module; its
tables and their upgrade are in :mod:`whatsapp_async._journal_schema`), and
:class:`PostgresJournal`, a PostgreSQL database (the ``postgres`` extra),
which many worker processes can share. :func:`open_journal` picks one from a
path or a ``postgresql://`` DSN.

All SQLite work happens on one writer thread that owns the connection; the
event loop only hands it records (:mod:`whatsapp_async._journal_writer`).
Writes that arrive together are committed in one transaction (group commit),
so a commit per recipient does not cap the send rate, yet
:meth:`Journal.record` returns only once its row is on disk.

Status webhooks are applied to it (:meth:`Journal.apply_statuses`, usually
through ``WebhookRouter.track``), and it reports and exports what became of
each row (:meth:`Journal.report`, :meth:`Journal.export`); that part is in
:mod:`whatsapp_async._journal_tracking`.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ._campaign_lock import CampaignLock
from ._journal_backend import JournalBackend, is_dsn
from ._journal_csv import CSV_COLUMNS, export_csv, export_rows
from ._journal_pg import PostgresJournal
from ._journal_records import JournalEntry, unmark_pending, upsert_params, upsert_row
from ._journal_report import CampaignReport
from ._journal_schema import Synchronous, connect, journal_error
from ._journal_tracking import StatusUpdate, TrackingMixin, TrackResult
from ._journal_writer import Writer
from .errors import ConfigurationError, JournalError, ValidationError

__all__ = [
    "CSV_COLUMNS", "CampaignReport", "Journal", "JournalBackend", "JournalEntry",
    "PostgresJournal", "StatusUpdate", "TrackResult", "export_csv", "open_journal",
]

T = TypeVar("T")


def open_journal(
    target: str | os.PathLike[str], *, campaign: str = "default"
) -> JournalBackend:
    """The journal at ``target``, on the backend it names; open it with ``async with``.

    A ``postgresql://`` (or ``postgres://``) DSN is a :class:`PostgresJournal`
    (needs ``pip install 'whatsapp-async[postgres]'``); anything else is the
    path of an SQLite :class:`Journal` file.

    Args:
        target: A file path or a PostgreSQL DSN.
        campaign: The campaign the journal records.

    Returns:
        The journal, not yet open.

    Raises:
        ConfigurationError: ``campaign`` is empty.
    """
    if isinstance(target, str) and is_dsn(target):
        return PostgresJournal(target, campaign=campaign)
    return Journal(target, campaign=campaign)


class Journal(TrackingMixin):
    """The SQLite journal of one campaign.

    Use as an async context manager (or call :meth:`open` and :meth:`close`)::

        async with Journal("campaign.db", campaign="spring-sale") as journal:
            await journal.record(JournalEntry("+15551234567", "pending", row=0))

    The database is in WAL mode. With ``synchronous="FULL"`` (the default) a
    commit survives power loss; ``"NORMAL"`` survives a killed process only
    and is faster on slow disks.

    Args:
        path: Database file; created when missing.
        campaign: Name that keeps several broadcasts apart in one file.
        synchronous: SQLite ``synchronous`` setting.

    Raises:
        ConfigurationError: ``campaign`` is empty (a ``ValueError`` too).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, campaign: str = "default",
        synchronous: Synchronous = "FULL",
    ) -> None:
        if not campaign:
            raise ConfigurationError("campaign must be a non-empty name")
        self.path = Path(path)
        self.campaign = campaign
        self._synchronous = synchronous
        self._writer = Writer(f"whatsapp-journal-{campaign}", self._connect, self._error)
        self._lock = CampaignLock(self.path, campaign)

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r}, campaign={self.campaign!r})"

    @property
    def location(self) -> str:
        """Where the journal is, for messages and reports: the file's path."""
        return str(self.path)

    async def __aenter__(self) -> Journal:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---------------------------------------------------------------- lifecycle

    @property
    def is_open(self) -> bool:
        """Whether :meth:`open` has run and :meth:`close` has not (records are accepted)."""
        return self._writer.running

    async def open(self) -> None:
        """Start the writer thread and create the tables.

        Raises:
            JournalError: The file cannot be used as a journal (not a database,
                corrupt, read-only, a missing folder); nothing was changed.
        """
        if self._writer.running:
            return
        try:
            await self._writer.start()
        except sqlite3.Error as exc:
            raise journal_error(self.path, exc) from exc

    async def claim(self) -> None:
        """Take the right to run this campaign: one process at a time, until :meth:`close`.

        The lock is the operating system's and dies with the process, so a
        killed run does not block the resume that follows it. Claiming twice
        is a no-op.

        Raises:
            CampaignBusyError: Another process (or another run in this one)
                holds the campaign; the error names its pid, host and start.
        """
        await asyncio.to_thread(self._lock.acquire)

    async def close(self) -> None:
        """Flush everything queued, stop the writer thread, give up a claim. Safe to call twice."""
        await self._writer.stop()
        self._lock.release()

    # ---------------------------------------------------------------- writing

    async def record(self, entry: JournalEntry) -> None:
        """Write ``entry`` (replacing the recipient's earlier state) and wait until it is durable.

        Raises:
            RuntimeError: The journal is not open.
            JournalError: The write failed (disk full, file removed, ...).
        """
        await self.record_nowait(entry)

    def record_nowait(self, entry: JournalEntry) -> asyncio.Future[None]:
        """Queue the write of ``entry`` and return at once: :meth:`record` without the wait.

        The write goes ahead even if the future is cancelled, and before any
        write queued after it.

        Returns:
            A future done once the entry is durable (or with the JournalError
            of a failed write).

        Raises:
            RuntimeError: The journal is not open.
        """
        return self._writer.submit(None, upsert_params(self.campaign, entry))

    async def record_row(self, entry: JournalEntry) -> None:
        """Write the outcome of one source row that gets no send of its own; wait until durable.

        For a duplicate of an earlier row (``duplicate_of`` names it) or a row
        whose input is invalid. Row entries are keyed by ``entry.row``, not by
        recipient, so each such row keeps its own entry and recording the same
        row again (a resumed run) replaces it instead of adding a second.

        Args:
            entry: The row's outcome; ``row`` is required.

        Raises:
            ValidationError: ``entry.row`` is None or negative.
            RuntimeError: The journal is not open.
            JournalError: The write failed.
        """
        if entry.row is None or entry.row < 0:
            raise ValidationError("row", f"a row entry needs the row's position (>= 0), "
                                  f"got {entry.row!r}")
        await self._run(upsert_row(self.campaign, entry))

    async def forget_pending(self, to: str, prior_status: str | None = None) -> None:
        """Undo a ``pending`` mark written for a send that never went out.

        A resumed run then treats the recipient as it was before the mark:
        with ``prior_status`` (the state an earlier run recorded, such as
        ``"unknown"`` or ``"failed"``) the entry goes back to that status, so
        an earlier "may have been sent" or refusal is not erased; with None the
        entry is deleted, as if never touched. An entry that is no longer
        ``pending`` (a final outcome was recorded meanwhile) is left alone.

        Args:
            to: The recipient, as recorded (normalised E.164).
            prior_status: The status to restore, or None to delete the entry.

        Raises:
            RuntimeError: The journal is not open.
            JournalError: The write failed.
        """
        await self._run(unmark_pending(self.campaign, to, prior_status))

    async def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(connection)`` on the writer thread inside its next transaction.

        Raises:
            RuntimeError: The journal is not open.
            sqlite3.Error: What ``fn`` raised.
        """
        result: T = await self._writer.submit(fn, own=False)
        return result

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """:meth:`call` for the journal's own statements: an SQLite failure is a JournalError."""
        result: T = await self._writer.submit(fn)
        return result

    def _error(self, exc: sqlite3.Error) -> JournalError:
        """The JournalError the journal's own statements raise for ``exc``."""
        error = journal_error(self.path, exc)
        error.__cause__ = exc
        return error

    # ---------------------------------------------------------------- reading

    async def has_entries(self) -> bool:
        """Whether this campaign already has any recorded recipient."""

        def query(conn: sqlite3.Connection) -> bool:
            # A campaign whose rows were all invalid or duplicates has row entries only.
            cur = conn.execute(
                "SELECT 1 FROM outcomes WHERE campaign = ? UNION ALL "
                "SELECT 1 FROM row_outcomes WHERE campaign = ? LIMIT 1",
                (self.campaign, self.campaign),
            )
            return cur.fetchone() is not None

        return await self._run(query)

    async def campaigns(self) -> list[str]:
        """The names of the campaigns in this file that have recorded recipients, sorted."""

        def query(conn: sqlite3.Connection) -> list[str]:
            rows = conn.execute(
                "SELECT campaign FROM outcomes UNION SELECT campaign FROM row_outcomes "
                "ORDER BY campaign"
            )
            return [name for (name,) in rows]

        return await self._run(query)

    async def scan(
        self, consume: Callable[[str, str], None], *, chunk: int = 10_000
    ) -> int:
        """Call ``consume(recipient, status)`` for every row of the campaign, on the writer thread.

        ``consume`` runs off the event loop and must not touch asyncio objects;
        it is meant for building a lookup table without holding every row twice.

        Returns:
            The number of rows scanned.
        """

        def run(conn: sqlite3.Connection) -> int:
            count = 0
            cur = conn.execute(
                "SELECT recipient, status FROM outcomes WHERE campaign = ?", (self.campaign,)
            )
            while rows := cur.fetchmany(chunk):
                for recipient, status in rows:
                    consume(recipient, status)
                count += len(rows)
            return count

        return await self._run(run)

    async def counts(self) -> dict[str, int]:
        """How many source rows of the campaign are in each status, over all its runs.

        Recipients and row entries (duplicates, invalid rows) are both counted,
        each once in its latest state.

        Raises:
            RuntimeError: The journal is not open.
            JournalError: The read failed.
        """

        def query(conn: sqlite3.Connection) -> dict[str, int]:
            rows = conn.execute(
                "SELECT status, COUNT(*) FROM (SELECT status FROM outcomes WHERE campaign = ? "
                "UNION ALL SELECT status FROM row_outcomes WHERE campaign = ?) GROUP BY status",
                (self.campaign, self.campaign),
            )
            return {status: count for status, count in rows}

        return await self._run(query)

    async def entries(self, *, status: str | None = None) -> list[JournalEntry]:
        """The recipients' entries of the campaign (optionally of one status), in input order.

        Row entries (duplicates, invalid rows) are in :meth:`row_entries`.
        Meant for small campaigns and tests; use :func:`export_csv` for big ones.
        """

        def run(conn: sqlite3.Connection) -> list[JournalEntry]:
            sql = (
                "SELECT recipient, status, row, message_id, error_code, error_type, "
                "error_message, attempts FROM outcomes WHERE campaign = ?"
            )
            args: tuple[str, ...] = (self.campaign,)
            if status is not None:
                sql += " AND status = ?"
                args += (status,)
            return [JournalEntry(*r) for r in conn.execute(sql + " ORDER BY row", args)]

        return await self._run(run)

    async def row_entries(self) -> list[JournalEntry]:
        """The row entries of the campaign (see :meth:`record_row`), in input order.

        Meant for small campaigns and tests; use :func:`export_csv` for big ones.
        """

        def run(conn: sqlite3.Connection) -> list[JournalEntry]:
            cur = conn.execute(
                "SELECT recipient, status, row, NULL, error_code, error_type, error_message, "
                "0, duplicate_of FROM row_outcomes WHERE campaign = ? ORDER BY row",
                (self.campaign,),
            )
            return [JournalEntry(*r) for r in cur]

        return await self._run(run)

    async def export_csv(
        self, destination: str | os.PathLike[str], *, statuses: tuple[str, ...] | None = None
    ) -> int:
        """Write the campaign's entries to a CSV file (see :func:`export_csv`).

        Returns:
            The number of rows written.
        """

        def run(conn: sqlite3.Connection) -> int:
            return export_rows(conn, destination, self.campaign, statuses)

        return await self._run(run)

    # ---------------------------------------------------------------- thread

    def _connect(self) -> sqlite3.Connection:
        """Open the file on the writer thread and register the campaign."""
        conn = connect(self.path, self._synchronous)
        try:
            conn.execute(
                "INSERT OR IGNORE INTO campaigns (name, created_at) VALUES (?, ?)",
                (self.campaign, time.time()),
            )
            conn.commit()
        except BaseException:
            conn.close()
            raise
        return conn
