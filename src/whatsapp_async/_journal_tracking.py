"""Status webhooks applied to the journal: what became of each message a broadcast sent.

One ``deliveries`` row per wamid (see :mod:`whatsapp_async._journal_schema`)
keeps the first time each status was seen (``sent``, ``delivered``, ``read``,
``played``, ``failed``), the failure's code and title, and the pricing. Each
status only ever fills in its own column, keeping the earliest time, so
applying them is idempotent and order-independent: a ``read`` that comes
before its ``delivered`` stays read, a late ``delivered`` changes nothing
that was known, and a redelivered webhook leaves the row as it was.

A status is matched to its campaign and row by its campaign tag
(:func:`whatsapp_async.bulk.parse_tag`), or else by its wamid in
``outcomes``. One the journal cannot match (another app's message, another
journal's campaign) is ignored and counted as ``unknown``.

The matching (:func:`delivery_rows`) is shared by both backends; each
upserts the rows with the same rule (per status column, keep the earliest
time; per detail, keep the first value). The SQLite one is here, the
PostgreSQL one in :mod:`whatsapp_async._journal_pg`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import msgspec

from ._campaign_tag import campaign_key, parse_tag

if TYPE_CHECKING:
    from ._journal_report import CampaignReport

__all__ = [
    "DETAIL_COLUMNS", "TIME_COLUMNS", "TRACKED_STATUSES", "StatusUpdate", "TrackResult",
    "TrackingMixin", "apply_updates", "delivery_rows", "tagged_keys", "untagged_wamids",
]

T = TypeVar("T")

#: The statuses tracked, and the column each one fills in.
TRACKED_STATUSES = {
    "sent": "sent_at", "delivered": "delivered_at", "read": "read_at",
    "played": "played_at", "failed": "failed_at",
}

#: The time columns of ``deliveries``, one per tracked status, and the details kept.
TIME_COLUMNS = tuple(TRACKED_STATUSES.values())
DETAIL_COLUMNS = ("error_code", "error_title", "error_detail", "pricing_category", "billable")


def _upsert_sql() -> str:
    columns = ("message_id", "campaign_key", "row", *TIME_COLUMNS, *DETAIL_COLUMNS)
    # min() of SQLite is NULL when either side is: the coalesce keeps whichever is set.
    times = [f"{c} = coalesce(min({c}, excluded.{c}), {c}, excluded.{c})" for c in TIME_COLUMNS]
    firsts = [f"{c} = coalesce({c}, excluded.{c})"
              for c in ("campaign_key", "row", *DETAIL_COLUMNS)]
    return (
        f"INSERT INTO deliveries ({', '.join(columns)}) VALUES "
        f"({', '.join('?' * len(columns))}) ON CONFLICT (message_id) DO UPDATE SET "
        + ", ".join(times + firsts)
    )


_UPSERT = _upsert_sql()


class StatusUpdate(msgspec.Struct, frozen=True, gc=False):
    """One status webhook, as the journal keeps it.

    Attributes:
        message_id: The wamid the status is about.
        status: ``sent``, ``delivered``, ``read``, ``played`` or ``failed``
            (others are counted as ignored).
        timestamp: Meta's time of the status, in seconds since the epoch.
        callback_data: The echoed ``biz_opaque_callback_data`` (the campaign tag).
        error_code: The failure's code, on ``failed``.
        error_title: The failure's title, on ``failed``.
        error_detail: The failure's details, on ``failed``.
        pricing_category: ``marketing``, ``utility``, ... when the status says.
        billable: Whether the message is charged, when the status says.
    """

    message_id: str
    status: str
    timestamp: float
    callback_data: str | None = None
    error_code: int | None = None
    error_title: str | None = None
    error_detail: str | None = None
    pricing_category: str | None = None
    billable: bool | None = None


@dataclass(frozen=True, slots=True)
class TrackResult:
    """What applying a batch of statuses did.

    Attributes:
        applied: Statuses matched to a message of the journal and recorded.
        unknown: Statuses of a wamid the journal does not know (ignored).
        ignored: Statuses of a kind that is not tracked (``deleted``, ``warning``).
    """

    applied: int = 0
    unknown: int = 0
    ignored: int = 0


class _Campaigns:
    """The campaign keys of the file, reread when a tag names one not seen yet."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def knows(self, conn: sqlite3.Connection, key: str, reread: list[bool]) -> bool:
        if key in self.keys:
            return True
        if not reread[0]:
            # A campaign started after the last read; once per batch at most.
            reread[0] = True
            self.keys = {campaign_key(name) for (name,) in conn.execute(
                "SELECT name FROM campaigns")}
        return key in self.keys


#: How a status's campaign and row are looked up by its wamid: ``(campaign, row)`` or None.
FindMessage = Callable[[str], "tuple[str, int | None] | None"]


def tagged_keys(updates: Sequence[StatusUpdate]) -> set[str]:
    """The campaign keys the tracked statuses of ``updates`` are tagged with."""
    keys = set()
    for u in updates:
        if u.status in TRACKED_STATUSES and (tag := parse_tag(u.callback_data)) is not None:
            keys.add(tag.key)
    return keys


def untagged_wamids(updates: Sequence[StatusUpdate], known: Callable[[str], bool]) -> list[str]:
    """The wamids of tracked statuses whose tag names no campaign ``known`` knows."""
    wamids = []
    for u in updates:
        if u.status not in TRACKED_STATUSES:
            continue
        tag = parse_tag(u.callback_data)
        if tag is None or not known(tag.key):
            wamids.append(u.message_id)
    return wamids


def delivery_rows(
    updates: Sequence[StatusUpdate], known: Callable[[str], bool], find: FindMessage
) -> tuple[list[tuple[object, ...]], TrackResult]:
    """Match ``updates`` to their campaign and row: the ``deliveries`` rows to upsert.

    A status is matched by its campaign tag when ``known`` knows the tag's
    campaign, else by its wamid through ``find``; one matched neither way is
    unknown. Each row fills in only its status's time column.

    Args:
        updates: The statuses, in any order, redeliveries included.
        known: Whether a campaign key is one of the journal's.
        find: The ``(campaign, row)`` of a wamid the journal recorded, or None.

    Returns:
        The rows, in the column order of the ``deliveries`` upsert, and the counts.
    """
    rows: list[tuple[object, ...]] = []
    unknown = ignored = 0
    for u in updates:
        column = TRACKED_STATUSES.get(u.status)
        if column is None:
            ignored += 1
            continue
        tag = parse_tag(u.callback_data)
        row: int | None
        if tag is not None and known(tag.key):
            key, row = tag.key, tag.row
        else:
            found = find(u.message_id)
            if found is None:
                unknown += 1
                continue
            key, row = campaign_key(found[0]), found[1]
        times = [u.timestamp if c == column else None for c in TIME_COLUMNS]
        rows.append((
            u.message_id, key, row, *times, u.error_code, u.error_title, u.error_detail,
            u.pricing_category, None if u.billable is None else int(u.billable),
        ))
    return rows, TrackResult(len(rows), unknown, ignored)


def apply_updates(
    conn: sqlite3.Connection, updates: Sequence[StatusUpdate], campaigns: _Campaigns | None = None
) -> TrackResult:
    """Record ``updates`` in the ``deliveries`` table through ``conn`` (inside a transaction).

    Args:
        conn: A connection to a journal of the current layout.
        updates: The statuses, in any order, redeliveries included.
        campaigns: The cache of campaign keys to reuse between calls.

    Returns:
        How many were applied, unknown and ignored.
    """
    known = campaigns if campaigns is not None else _Campaigns()
    reread = [False]

    def find(wamid: str) -> tuple[str, int | None] | None:
        found: tuple[str, int | None] | None = conn.execute(
            "SELECT campaign, row FROM outcomes WHERE message_id = ?", (wamid,)
        ).fetchone()
        return found

    rows, result = delivery_rows(updates, lambda key: known.knows(conn, key, reread), find)
    if rows:
        conn.executemany(_UPSERT, rows)
    return result


class TrackingMixin:
    """The journal's tracking, report and export methods (mixed into :class:`Journal`)."""

    if TYPE_CHECKING:
        campaign: str

        async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T: ...

    _tracked_campaigns: _Campaigns | None = None

    async def apply_statuses(self, updates: Sequence[StatusUpdate]) -> TrackResult:
        """Record status webhooks of messages this journal's broadcasts sent.

        Works on any campaign of the file (statuses name their message, not a
        campaign), from another process than the broadcaster's. Statuses that
        arrive together are committed together with the journal's other writes.

        Args:
            updates: The statuses; see :class:`StatusUpdate`.

        Returns:
            How many were applied, unknown (ignored) and of untracked kinds.

        Raises:
            RuntimeError: The journal is not open.
            JournalError: The write failed.
        """
        if self._tracked_campaigns is None:
            self._tracked_campaigns = _Campaigns()
        campaigns = self._tracked_campaigns
        batch = list(updates)
        return await self._run(lambda conn: apply_updates(conn, batch, campaigns))

    async def report(self, campaign: str | None = None) -> CampaignReport:
        """The funnel of a campaign: rows, accepted, delivered, read, failures, timings.

        Args:
            campaign: The campaign (this journal's when None).

        Returns:
            The report (:class:`~whatsapp_async.journal.CampaignReport`).

        Raises:
            RuntimeError: The journal is not open.
            JournalError: The read failed.
        """
        from ._journal_report import build_report

        name = self.campaign if campaign is None else campaign
        return await self._run(lambda conn: build_report(conn, name))

    async def export(
        self, destination: str | os.PathLike[str], *, format: str = "csv",
        campaign: str | None = None,
    ) -> int:
        """Write one line per source row with its send outcome and delivery (CSV or JSON lines).

        Args:
            destination: The file to write.
            format: ``"csv"`` or ``"jsonl"``.
            campaign: The campaign (this journal's when None).

        Returns:
            The number of rows written.

        Raises:
            ValidationError: ``format`` is neither.
            RuntimeError: The journal is not open.
            JournalError: The read failed.
        """
        from ._journal_export import check_format, export_to

        check_format(format)
        name = self.campaign if campaign is None else campaign

        def run(conn: sqlite3.Connection) -> int:
            with open(destination, "w", newline="", encoding="utf-8") as handle:
                return export_to(conn, handle, name, format)

        return await self._run(run)
