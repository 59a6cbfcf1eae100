"""A shared campaign's rows in PostgreSQL: loaded once, claimed in leased batches by many workers.

The first worker of a campaign copies its source rows into ``campaign_rows``
(``COPY``, one transaction) with a fingerprint of the source in
``campaign_sources``; a worker given other rows under the same campaign name
is refused, one given the same rows joins. Each row is then in one of three
states:

* ``ready``: nobody holds it;
* ``claimed``: a worker holds it until ``lease_until`` (server time, seconds
  since the epoch), renewing the lease while it is alive;
* ``done``: its outcome is in the journal.

Workers claim batches with ``SELECT ... FOR UPDATE SKIP LOCKED``, so two never
get the same row; a claimed row whose lease expired (its worker died) is
claimable again. What the journal already says about a claimed row's
recipient comes with the claim, so the taker applies the resume rules: a
``pending`` recipient (the dead worker may have sent it) becomes ``unknown``
and is not resent, a final one is not touched. Lease times are the server's
clock, so workers on machines whose clocks disagree still agree on expiry.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._journal_pg_schema import advisory_key, pg_error, psycopg_module
from .errors import ConfigurationError

if TYPE_CHECKING:
    from ._journal_pg import PostgresJournal

__all__ = ["CampaignRows", "ClaimedRow", "PreparedRow"]

#: One source row as loaded: position, payload (JSON), normalised recipient
#: (None when invalid), and the earlier row it repeats (None when first).
PreparedRow = tuple[int, str, "str | None", "int | None"]

_NOW = "extract(epoch FROM clock_timestamp())"

_CLAIM = f"""
WITH picked AS (
    SELECT row FROM campaign_rows
    WHERE campaign = %(campaign)s AND state <> 'done'
      AND (state = 'ready' OR lease_until < {_NOW})
    ORDER BY row LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE campaign_rows AS r
SET state = 'claimed', lease_owner = %(worker)s, lease_until = {_NOW} + %(lease)s
FROM picked WHERE r.campaign = %(campaign)s AND r.row = picked.row
RETURNING r.row, r.payload, r.recipient, r.duplicate_of
"""


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    """A row a worker now holds.

    Attributes:
        row: Its position in the source.
        payload: The row as loaded (JSON: ``to``, ``params``, ``callback_data``).
        recipient: Its normalised number, None when the number is invalid.
        duplicate_of: The earlier row with the same recipient, when it repeats one.
        status: What the journal already holds for the recipient (``pending``,
            ``sent``...), None when nothing; only for rows that are not duplicates.
    """

    row: int
    payload: str
    recipient: str | None
    duplicate_of: int | None
    status: str | None


class CampaignRows:
    """One worker's handle on a shared campaign's rows.

    Args:
        journal: The open PostgreSQL journal of the campaign.
        worker: This worker's id (host, pid and a random part), the lease owner.
        lease: Seconds a claim lasts without renewal.
    """

    def __init__(self, journal: PostgresJournal, worker: str, lease: float) -> None:
        self.journal = journal
        self.campaign = journal.campaign
        self.worker = worker
        self.lease = lease

    async def load(
        self, rows: Iterable[PreparedRow] | AsyncIterable[PreparedRow],
        fingerprint: Callable[[], str],
    ) -> bool:
        """Load the source rows, or check they are the rows already loaded.

        ``rows`` is read exactly once; ``fingerprint()`` is asked after the
        last row and must by then cover all of them.

        Returns:
            True when this worker loaded the rows, False when it joined.

        Raises:
            ConfigurationError: The campaign was loaded from other rows.
            JournalError: The database failed; nothing was loaded.
            Exception: What reading ``rows`` raised; nothing was loaded.
        """
        psycopg = psycopg_module()
        try:
            async with self.journal.connection() as conn, conn.transaction():
                if await self._source(conn) is None:
                    # The first worker loads; the others wait here, then find the source.
                    await conn.execute("SELECT pg_advisory_xact_lock(%s)",
                                       (advisory_key("load", self.campaign),))
                source = await self._source(conn)
                if source is not None:
                    count = await _count(rows)
                    self._check(source, fingerprint(), count)
                    return False
                count = await self._copy(conn, rows)
                await conn.execute(
                    "INSERT INTO campaign_sources (campaign, fingerprint, total, loaded_at, "
                    "loaded_by) VALUES (%s, %s, %s, %s, %s)",
                    (self.campaign, fingerprint(), count, time.time(), self.worker),
                )
                return True
        except psycopg.Error as exc:
            raise pg_error(self.journal.dsn, exc) from exc

    async def _source(self, conn: Any) -> tuple[str, int] | None:
        cur = await conn.execute(
            "SELECT fingerprint, total FROM campaign_sources WHERE campaign = %s",
            (self.campaign,),
        )
        found: tuple[str, int] | None = await cur.fetchone()
        return found

    def _check(self, source: tuple[str, int], mine: str, count: int) -> None:
        theirs, total = source
        if theirs != mine:
            raise ConfigurationError(
                f"campaign {self.campaign!r} of the journal {self.journal.location} was loaded "
                f"from other rows ({total} rows, fingerprint {theirs[:12]}; these are {count} "
                f"rows, fingerprint {mine[:12]}): every worker of a shared campaign must be "
                "given the same rows; use another campaign name for another list"
            )

    async def _copy(self, conn: Any, rows: Iterable[PreparedRow] | AsyncIterable[PreparedRow]
                    ) -> int:
        count = 0
        async with conn.cursor() as cur, cur.copy(
            "COPY campaign_rows (campaign, row, payload, recipient, duplicate_of) FROM STDIN"
        ) as copy:
            if isinstance(rows, AsyncIterable):
                async for row, payload, recipient, duplicate_of in rows:
                    await copy.write_row((self.campaign, row, payload, recipient, duplicate_of))
                    count += 1
            else:
                for row, payload, recipient, duplicate_of in rows:
                    await copy.write_row((self.campaign, row, payload, recipient, duplicate_of))
                    count += 1
        return count

    async def claim(self, limit: int) -> list[ClaimedRow]:
        """Take up to ``limit`` rows nobody holds (or whose holder's lease expired), in order.

        Returns:
            The rows, by position, each with its recipient's journaled status.

        Raises:
            JournalError: The database failed; nothing was claimed.
        """
        psycopg = psycopg_module()
        try:
            async with self.journal.connection() as conn, conn.transaction():
                cur = await conn.execute(_CLAIM, {
                    "campaign": self.campaign, "limit": limit, "worker": self.worker,
                    "lease": self.lease,
                })
                taken = sorted(await cur.fetchall())
                recipients = [r[2] for r in taken if r[2] is not None and r[3] is None]
                states: dict[str, str] = {}
                if recipients:
                    cur = await conn.execute(
                        "SELECT recipient, status FROM outcomes WHERE campaign = %s "
                        "AND recipient = ANY(%s)", (self.campaign, recipients),
                    )
                    states = dict(await cur.fetchall())
        except psycopg.Error as exc:
            raise pg_error(self.journal.dsn, exc) from exc
        return [
            ClaimedRow(row, payload, recipient, duplicate_of,
                       states.get(recipient) if recipient and duplicate_of is None else None)
            for row, payload, recipient, duplicate_of in taken
        ]

    async def renew(self) -> int:
        """Extend the lease of every row this worker holds.

        Returns:
            How many rows it still holds.

        Raises:
            JournalError: The database failed.
        """
        return await self._update(
            f"UPDATE campaign_rows SET lease_until = {_NOW} + %s WHERE campaign = %s "
            "AND lease_owner = %s AND state = 'claimed'", (self.lease, self.campaign, self.worker),
        )

    async def done(self, rows: list[int]) -> int:
        """Mark ``rows`` (held by this worker, their outcomes journaled) done.

        It shares a transaction with the records written at the same moment.

        Returns:
            How many of them this worker still held.
        """
        return await self.journal.mark_done(rows, self.worker)

    async def release(self, rows: list[int]) -> int:
        """Give ``rows`` back unsent (taken but never started), for any worker to claim."""
        return await self._update(
            "UPDATE campaign_rows SET state = 'ready', lease_owner = NULL, lease_until = NULL "
            "WHERE campaign = %s AND row = ANY(%s) AND lease_owner = %s AND state = 'claimed'",
            (self.campaign, rows, self.worker),
        )

    async def open_rows(self) -> int:
        """How many rows of the campaign are not done (held by someone, or ready)."""
        psycopg = psycopg_module()
        try:
            async with self.journal.connection() as conn:
                cur = await conn.execute(
                    "SELECT count(*) FROM campaign_rows WHERE campaign = %s AND state <> 'done'",
                    (self.campaign,),
                )
                found = await cur.fetchone()
        except psycopg.Error as exc:
            raise pg_error(self.journal.dsn, exc) from exc
        return int(found[0]) if found else 0

    async def _update(self, sql: str, params: tuple[Any, ...]) -> int:
        psycopg = psycopg_module()
        try:
            async with self.journal.connection() as conn:
                cur = await conn.execute(sql, params)
                return int(cur.rowcount)
        except psycopg.Error as exc:
            raise pg_error(self.journal.dsn, exc) from exc


async def _count(rows: Iterable[PreparedRow] | AsyncIterable[PreparedRow]) -> int:
    """Read ``rows`` to the end (so the fingerprint covers them) and count them."""
    count = 0
    if isinstance(rows, AsyncIterable):
        async for _ in rows:
            count += 1
    else:
        for _ in rows:
            count += 1
    return count
