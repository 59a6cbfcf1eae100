"""A broadcast journal in PostgreSQL: the SQLite journal's records and rules on a shared server.

:class:`PostgresJournal` keeps the same tables as the SQLite file (see
:mod:`whatsapp_async._journal_pg_schema`) and the same semantics: an entry is
durable when :meth:`~PostgresJournal.record` returns (committed; the records
written at the same moment share one transaction, see
:mod:`whatsapp_async._journal_pg_writer`), ``pending`` before a send and final after, row
entries keyed by row, deliveries filled in idempotently. What differs is
where it lives: processes on several machines can share it, and the web app
tracking status webhooks writes to the same database as the broadcaster.

Records go through one writer task and its connection; everything else
through an asyncio connection pool (psycopg 3). Tracking, reports
and exports are in :mod:`whatsapp_async._journal_pg_tracking`. One run at a
time per campaign: :meth:`~PostgresJournal.claim` takes a session advisory
lock, which the server drops when the holder's connection ends, however the
holder died (shared workers take it in shared mode, see
:mod:`whatsapp_async._journal_pg_claims`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._campaign_lock import describe_holder, holder_record, read_holder
from ._journal_backend import redact_dsn
from ._journal_pg_schema import advisory_key, ensure_schema, pg_error, psycopg_module
from ._journal_pg_tracking import PgTrackingMixin
from ._journal_pg_writer import DONE, FORGET, OUTCOME, ROW, PgWriter
from ._journal_records import JournalEntry
from .errors import CampaignBusyError, ConfigurationError, ValidationError

if TYPE_CHECKING:
    import psycopg
    import psycopg_pool

__all__ = ["PostgresJournal"]

class PostgresJournal(PgTrackingMixin):
    """The PostgreSQL journal of one campaign (``pip install 'whatsapp-async[postgres]'``).

    Use as an async context manager (or call :meth:`open` and :meth:`close`)::

        async with PostgresJournal("postgresql://app@db/broadcasts", campaign="spring") as j:
            await j.record(JournalEntry("+15551234567", "pending", row=0))

    Usually made by :func:`whatsapp_async.journal.open_journal` or by passing
    the DSN as ``journal=`` to a broadcast. The tables are created in the
    DSN's database (and schema, with ``?options=-csearch_path%3D...``) when missing.

    Args:
        dsn: A libpq connection URL, ``postgresql://user:password@host:port/database``.
        campaign: Name that keeps several broadcasts apart in one database.
        pool_size: Most connections of the pool (reads, claims, tracking) at
            once; the records' writer has one more of its own.

    Raises:
        ConfigurationError: ``campaign`` is empty, or ``pool_size`` is below 1.
    """

    def __init__(self, dsn: str, *, campaign: str = "default", pool_size: int = 8) -> None:
        if not campaign:
            raise ConfigurationError("campaign must be a non-empty name")
        if pool_size < 1:
            raise ConfigurationError("pool_size must be >= 1")
        self.dsn = dsn
        self.campaign = campaign
        self._pool_size = pool_size
        self._pool: psycopg_pool.AsyncConnectionPool[Any] | None = None
        self._claim: psycopg.AsyncConnection[Any] | None = None
        self._writer: PgWriter | None = None

    def __repr__(self) -> str:
        return f"PostgresJournal({self.location!r}, campaign={self.campaign!r})"

    @property
    def location(self) -> str:
        """The DSN without its password."""
        return redact_dsn(self.dsn)

    async def __aenter__(self) -> PostgresJournal:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---------------------------------------------------------------- lifecycle

    @property
    def is_open(self) -> bool:
        """Whether :meth:`open` has run and :meth:`close` has not (records are accepted)."""
        return self._pool is not None

    async def open(self) -> None:
        """Connect, create the tables when missing, and register the campaign.

        Raises:
            ConfigurationError: psycopg is not installed.
            JournalError: The server cannot be reached, or refused the tables.
        """
        if self._pool is not None:
            return
        psycopg = psycopg_module()
        from psycopg_pool import AsyncConnectionPool

        try:
            # A first connection of our own: an unreachable server fails here at once,
            # where a pool would keep retrying in the background.
            async with await psycopg.AsyncConnection.connect(
                self.dsn, autocommit=True, connect_timeout=10
            ) as conn:
                await ensure_schema(conn)
                await conn.execute(
                    "INSERT INTO campaigns (name, created_at) VALUES (%s, %s) "
                    "ON CONFLICT (name) DO NOTHING", (self.campaign, time.time()),
                )
        except psycopg.Error as exc:
            raise pg_error(self.dsn, exc) from exc
        # Checked on checkout: the records no longer go through the pool (the writer keeps
        # its own connection), so the check costs a claim of a batch or a read, not a row.
        pool: psycopg_pool.AsyncConnectionPool[Any] = AsyncConnectionPool(
            self.dsn, min_size=1, max_size=self._pool_size, open=False, timeout=30.0,
            kwargs={"autocommit": True}, check=AsyncConnectionPool.check_connection,
            name=f"whatsapp-journal-{self.campaign}",
        )
        writer = PgWriter(self._connect, self.dsn, self.campaign)
        try:
            await pool.open(wait=True, timeout=30.0)
            await writer.start()
        except psycopg.Error as exc:
            await pool.close()
            raise pg_error(self.dsn, exc) from exc
        self._pool = pool
        self._writer = writer

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        connection: psycopg.AsyncConnection[Any] = await psycopg_module().AsyncConnection.connect(
            self.dsn, autocommit=True, connect_timeout=10
        )
        return connection

    async def claim(self, *, shared: bool = False) -> None:
        """Take the right to run this campaign: one process at a time, until :meth:`close`.

        The right is a session advisory lock on a connection of its own; the
        server drops it when that connection ends, so a killed run does not
        block the resume that follows it. Claiming twice is a no-op.

        Args:
            shared: Take it as one of many workers of a shared campaign
                (``broadcast(shared=True)``): workers do not exclude each
                other, but a run of its own is refused while any works, and
                workers are refused while such a run holds the campaign.

        Raises:
            RuntimeError: The journal is not open.
            CampaignBusyError: Another process holds the campaign; the error names
                its pid, host and start.
            JournalError: The server cannot be reached.
        """
        self._need_pool()
        if self._claim is not None:
            return
        psycopg = psycopg_module()
        key = advisory_key("campaign", self.campaign)
        try:
            conn = await psycopg.AsyncConnection.connect(
                self.dsn, autocommit=True, connect_timeout=10
            )
        except psycopg.Error as exc:
            raise pg_error(self.dsn, exc) from exc
        try:
            take = "pg_try_advisory_lock_shared" if shared else "pg_try_advisory_lock"
            row = await (await conn.execute(f"SELECT {take}(%s)", (key,))).fetchone()
            if row is None or not row[0]:
                found = await (await conn.execute(
                    "SELECT holder FROM campaigns WHERE name = %s", (self.campaign,)
                )).fetchone()
                holder = read_holder(found[0] if found else None)
                raise CampaignBusyError(
                    f"campaign {self.campaign!r} of the journal {self.location} is being run "
                    f"by another process ({describe_holder(holder)}); one run at a time may "
                    "use a campaign (or many workers, each with shared=True / --shared): "
                    "wait for it to end (or stop it), then resume",
                    holder,
                )
            await conn.execute("UPDATE campaigns SET holder = %s WHERE name = %s",
                               (json.dumps(holder_record()), self.campaign))
        except BaseException as exc:
            await conn.close()
            if isinstance(exc, psycopg.Error):
                raise pg_error(self.dsn, exc) from exc
            raise
        self._claim = conn

    async def close(self) -> None:
        """Wait for writes under way, disconnect, give up a claim. Safe to call twice."""
        writer, self._writer = self._writer, None
        pool, self._pool = self._pool, None
        claim, self._claim = self._claim, None
        if writer is not None:
            await writer.stop()  # what was recorded is committed before the claim ends
        if claim is not None:
            await claim.close()  # the advisory lock ends with its session
        if pool is not None:
            await pool.close()

    def connection(self) -> contextlib.AbstractAsyncContextManager[psycopg.AsyncConnection[Any]]:
        """A connection of the journal's pool (autocommit), for ``async with``.

        Raises:
            RuntimeError: The journal is not open.
        """
        return self._need_pool().connection()

    def _need_pool(self) -> psycopg_pool.AsyncConnectionPool[Any]:
        if self._pool is None:
            raise RuntimeError("the journal is not open")
        return self._pool

    def _need_writer(self) -> PgWriter:
        if self._writer is None:
            raise RuntimeError("the journal is not open")
        return self._writer

    async def _fetch(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        psycopg = psycopg_module()
        pool = self._need_pool()
        try:
            async with pool.connection() as conn:
                cur = await conn.execute(sql, params)
                rows: list[tuple[Any, ...]] = await cur.fetchall()
                return rows
        except psycopg.Error as exc:
            raise pg_error(self.dsn, exc) from exc

    # ---------------------------------------------------------------- writing

    async def record(self, entry: JournalEntry) -> None:
        """Write ``entry`` (replacing the recipient's earlier state); return once committed.

        Raises:
            RuntimeError: The journal is not open.
            JournalError: The write failed (the server went away, ...).
        """
        await self.record_nowait(entry)

    def record_nowait(self, entry: JournalEntry) -> asyncio.Future[None]:
        """Queue the write of ``entry`` and return at once: :meth:`record` without the wait.

        See :meth:`whatsapp_async.journal.Journal.record_nowait`.

        Returns:
            A future done once the entry is committed (or with the JournalError
            of a failed write).

        Raises:
            RuntimeError: The journal is not open.
        """
        e = entry
        return self._need_writer().submit(OUTCOME, (e.recipient,), (
            e.recipient, e.row, e.status, e.message_id, e.error_code, e.error_type,
            e.error_message, e.attempts, time.time(),
        ))

    async def record_row(self, entry: JournalEntry) -> None:
        """Write the outcome of one source row without a send of its own; return once committed.

        See :meth:`whatsapp_async.journal.Journal.record_row`.

        Raises:
            ValidationError: ``entry.row`` is None or negative.
            RuntimeError: The journal is not open.
            JournalError: The write failed.
        """
        e = entry
        if e.row is None or e.row < 0:
            raise ValidationError("row", f"a row entry needs the row's position (>= 0), "
                                  f"got {e.row!r}")
        await self._need_writer().submit(ROW, (e.row,), (
            e.row, e.recipient, e.status, e.duplicate_of, e.error_code, e.error_type,
            e.error_message, time.time(),
        ))

    async def forget_pending(self, to: str, prior_status: str | None = None) -> None:
        """Undo a ``pending`` mark written for a send that never went out.

        See :meth:`whatsapp_async.journal.Journal.forget_pending`.

        Raises:
            RuntimeError: The journal is not open.
            JournalError: The write failed.
        """
        await self._need_writer().submit(FORGET, (to,), (prior_status,))

    async def mark_done(self, rows: list[int], worker: str) -> int:
        """Mark a shared campaign's ``rows`` held by ``worker`` done; return once committed.

        Goes through the records' writer, so it shares their transactions.

        Returns:
            How many of the rows were marked (those ``worker`` still held).

        Raises:
            RuntimeError: The journal is not open.
            JournalError: The write failed.
        """
        marked: int = await self._need_writer().submit(DONE, tuple(rows), (worker,))
        return marked

    # ---------------------------------------------------------------- reading

    async def has_entries(self) -> bool:
        """Whether this campaign already has any recorded recipient or row entry."""
        rows = await self._fetch(
            "SELECT EXISTS (SELECT 1 FROM outcomes WHERE campaign = %s) OR "
            "EXISTS (SELECT 1 FROM row_outcomes WHERE campaign = %s)",
            (self.campaign, self.campaign),
        )
        return bool(rows[0][0])

    async def campaigns(self) -> list[str]:
        """The names of the campaigns in this database that have recorded entries, sorted."""
        rows = await self._fetch(
            "SELECT campaign FROM outcomes UNION SELECT campaign FROM row_outcomes ORDER BY 1", (),
        )
        return [name for (name,) in rows]

    async def scan(self, consume: Callable[[str, str], None], *, chunk: int = 10_000) -> int:
        """Call ``consume(recipient, status)`` for every recipient of the campaign.

        Rows arrive ``chunk`` at a time through a server-side cursor;
        ``consume`` runs on the event loop between chunks, so it must be quick.

        Returns:
            The number of rows scanned.
        """
        psycopg = psycopg_module()
        pool = self._need_pool()
        count = 0
        try:
            async with pool.connection() as conn, conn.transaction(), conn.cursor(
                name="journal_scan"
            ) as cur:
                await cur.execute(
                    "SELECT recipient, status FROM outcomes WHERE campaign = %s",
                    (self.campaign,),
                )
                while rows := await cur.fetchmany(chunk):
                    for recipient, status in rows:
                        consume(recipient, status)
                    count += len(rows)
        except psycopg.Error as exc:
            raise pg_error(self.dsn, exc) from exc
        return count

    async def counts(self) -> dict[str, int]:
        """How many source rows of the campaign are in each status, over all its runs."""
        rows = await self._fetch(
            "SELECT status, COUNT(*) FROM (SELECT status FROM outcomes WHERE campaign = %s "
            "UNION ALL SELECT status FROM row_outcomes WHERE campaign = %s) AS s "
            "GROUP BY status", (self.campaign, self.campaign),
        )
        return {status: int(count) for status, count in rows}

    async def entries(self, *, status: str | None = None) -> list[JournalEntry]:
        """The recipients' entries of the campaign (optionally of one status), in input order."""
        sql = ("SELECT recipient, status, row, message_id, error_code, error_type, "
               "error_message, attempts FROM outcomes WHERE campaign = %s")
        args: tuple[str, ...] = (self.campaign,)
        if status is not None:
            sql += " AND status = %s"
            args += (status,)
        return [JournalEntry(*r) for r in await self._fetch(sql + " ORDER BY row", args)]

    async def row_entries(self) -> list[JournalEntry]:
        """The row entries of the campaign (duplicates, invalid rows), in input order."""
        rows = await self._fetch(
            "SELECT recipient, status, row, NULL, error_code, error_type, error_message, "
            "0, duplicate_of FROM row_outcomes WHERE campaign = %s ORDER BY row",
            (self.campaign,),
        )
        return [JournalEntry(*r) for r in rows]
