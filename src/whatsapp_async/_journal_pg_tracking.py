"""The PostgreSQL journal's tracking, report and export (mixed into ``PostgresJournal``).

Status webhooks are matched to their campaign and row by the rules shared
with the SQLite journal (:func:`whatsapp_async._journal_tracking.delivery_rows`)
and upserted with the same rule: per status, the earliest time; per detail,
the first value. Reports and exports fold the whole campaign, so they run on
a worker thread with a blocking connection of their own
(:func:`whatsapp_async._journal_pg_schema.read_only`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ._campaign_tag import campaign_key
from ._journal_pg_schema import pg_error, psycopg_module, read_only
from ._journal_tracking import (
    DETAIL_COLUMNS,
    TIME_COLUMNS,
    StatusUpdate,
    TrackResult,
    delivery_rows,
    tagged_keys,
    untagged_wamids,
)

if TYPE_CHECKING:
    import contextlib

    import psycopg

    from ._journal_reader import PostgresReader
    from ._journal_report import CampaignReport

__all__ = ["PgTrackingMixin"]

T = TypeVar("T")


def _deliveries_upsert() -> str:
    columns = ("message_id", "campaign_key", "row", *TIME_COLUMNS, *DETAIL_COLUMNS)
    # least() skips NULLs: the earliest time seen wins, whichever arrived first.
    times = [f"{c} = least(deliveries.{c}, excluded.{c})" for c in TIME_COLUMNS]
    firsts = [f"{c} = coalesce(deliveries.{c}, excluded.{c})"
              for c in ("campaign_key", "row", *DETAIL_COLUMNS)]
    return (f"INSERT INTO deliveries ({', '.join(columns)}) VALUES "
            f"({', '.join(['%s'] * len(columns))}) ON CONFLICT (message_id) DO UPDATE SET "
            + ", ".join(times + firsts))


_UPSERT_DELIVERY = _deliveries_upsert()


class PgTrackingMixin:
    """Tracking, report and export of a :class:`~whatsapp_async.journal.PostgresJournal`."""

    if TYPE_CHECKING:
        campaign: str
        dsn: str

        def connection(
            self,
        ) -> contextlib.AbstractAsyncContextManager[psycopg.AsyncConnection[Any]]: ...

        def _need_pool(self) -> object: ...

    _campaign_keys: frozenset[str] = frozenset()

    async def apply_statuses(self, updates: Sequence[StatusUpdate]) -> TrackResult:
        """Record status webhooks of messages this journal's broadcasts sent.

        Same rules as :meth:`whatsapp_async.journal.Journal.apply_statuses`;
        one transaction per call.

        Returns:
            How many were applied, unknown (ignored) and of untracked kinds.

        Raises:
            RuntimeError: The journal is not open.
            JournalError: The write failed.
        """
        psycopg = psycopg_module()
        batch = list(updates)
        try:
            async with self.connection() as conn, conn.transaction():
                if tagged_keys(batch) - self._campaign_keys:
                    # A campaign started after the last read; once per batch at most.
                    cur = await conn.execute("SELECT name FROM campaigns")
                    self._campaign_keys = frozenset(
                        campaign_key(n) for (n,) in await cur.fetchall())
                known = self._campaign_keys.__contains__
                found: dict[str, tuple[str, int | None]] = {}
                wamids = untagged_wamids(batch, known)
                if wamids:
                    cur = await conn.execute(
                        "SELECT message_id, campaign, row FROM outcomes "
                        "WHERE message_id = ANY(%s)", (wamids,),
                    )
                    found = {w: (c, r) for w, c, r in await cur.fetchall()}
                rows, result = delivery_rows(batch, known, found.get)
                if rows:
                    # One order for every writer: two trackers never wait on each other in a cycle.
                    rows.sort(key=lambda r: str(r[0]))
                    async with conn.cursor() as cur:
                        await cur.executemany(_UPSERT_DELIVERY, rows)
        except psycopg.Error as exc:
            raise pg_error(self.dsn, exc) from exc
        return result

    async def _read(self, fn: Callable[[PostgresReader], T]) -> T:
        """Run the blocking read ``fn`` on a worker thread, with a connection of its own."""
        self._need_pool()  # a closed journal refuses reads, as it refuses writes

        def run() -> T:
            with read_only(self.dsn) as reader:
                return fn(reader)

        return await asyncio.to_thread(run)

    async def report(self, campaign: str | None = None) -> CampaignReport:
        """The funnel of a campaign (this journal's when None); see ``Journal.report``.

        Raises:
            RuntimeError: The journal is not open.
            JournalError: The read failed.
        """
        from ._journal_report import build_report

        name = self.campaign if campaign is None else campaign
        return await self._read(lambda reader: build_report(reader, name))

    async def export(
        self, destination: str | os.PathLike[str], *, format: str = "csv",
        campaign: str | None = None,
    ) -> int:
        """Write one line per source row with its outcome and delivery; see ``Journal.export``.

        Returns:
            The number of rows written.

        Raises:
            ValidationError: ``format`` is neither ``csv`` nor ``jsonl``.
            RuntimeError: The journal is not open.
            JournalError: The read failed.
        """
        from ._journal_export import check_format, export_to

        check_format(format)
        name = self.campaign if campaign is None else campaign

        def run(reader: PostgresReader) -> int:
            with open(destination, "w", newline="", encoding="utf-8") as handle:
                return export_to(reader, handle, name, format)

        return await self._read(run)

    async def export_csv(
        self, destination: str | os.PathLike[str], *, statuses: tuple[str, ...] | None = None
    ) -> int:
        """Write the campaign's entries to a CSV file (the ``CSV_COLUMNS`` layout).

        Returns:
            The number of rows written.
        """
        from ._journal_csv import export_rows

        return await self._read(
            lambda reader: export_rows(reader, destination, self.campaign, statuses)
        )
