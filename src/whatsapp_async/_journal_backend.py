"""The seam between a broadcast and where its journal lives: :class:`JournalBackend`.

A backend keeps the same records with the same rules whatever stores them:

* one recipient entry per distinct recipient of a campaign, ``pending``
  before its send and the final outcome after (:meth:`JournalBackend.record`);
  one row entry per source row without a send of its own (a duplicate, an
  invalid row; :meth:`JournalBackend.record_row`);
* each write is durable when its coroutine returns, so a killed run leaves
  every recipient untouched, ``pending`` (may have been sent: a resumed run
  reports it ``unknown`` and never resends it) or final;
* status webhooks fill in a ``deliveries`` record per wamid, earliest time per
  status, first value per detail, so applying them is idempotent and
  order-independent (:meth:`JournalBackend.apply_statuses`);
* the counts, the report and the export read those records back.

Two backends exist: the SQLite file (:class:`whatsapp_async.journal.Journal`)
and PostgreSQL (:class:`whatsapp_async.journal.PostgresJournal`);
:func:`whatsapp_async.journal.open_journal` picks one from its target.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import asyncio

    from ._journal_records import JournalEntry
    from ._journal_report import CampaignReport
    from ._journal_tracking import StatusUpdate, TrackResult

__all__ = ["DSN_SCHEMES", "JournalBackend", "is_dsn", "redact_dsn"]

#: The URL schemes that name a PostgreSQL journal.
DSN_SCHEMES = ("postgresql://", "postgres://")


def is_dsn(target: object) -> bool:
    """Whether ``target`` is a PostgreSQL DSN (``postgresql://...`` or ``postgres://...``)."""
    return isinstance(target, str) and target.lower().startswith(DSN_SCHEMES)


def redact_dsn(dsn: str) -> str:
    """``dsn`` with its password masked, fit for messages, logs and reports."""
    masked = re.sub(r"^([a-zA-Z]+://[^/?#@:]*):[^/?#@]*@", r"\1:***@", dsn)
    return re.sub(r"(?i)(password=)[^&\s]*", r"\1***", masked)


class JournalBackend(Protocol):
    """What a broadcast, its tracking, report and export need of a journal.

    Attributes:
        campaign: The campaign this journal object records.
    """

    campaign: str

    @property
    def location(self) -> str:
        """Where the journal is, for messages (a path, or a DSN without its password)."""
        ...

    @property
    def is_open(self) -> bool:
        """Whether :meth:`open` has run and :meth:`close` has not."""
        ...

    async def __aenter__(self) -> JournalBackend: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def open(self) -> None:
        """Connect, creating the tables when missing (a JournalError when it cannot)."""
        ...

    async def close(self) -> None:
        """Flush, disconnect and give up a claim. Safe to call twice."""
        ...

    async def claim(self) -> None:
        """Take the right to run the campaign (a CampaignBusyError naming the holder if taken)."""
        ...

    async def record(self, entry: JournalEntry) -> None:
        """Write a recipient's entry (replacing its earlier state); return once durable."""
        ...

    def record_nowait(self, entry: JournalEntry) -> asyncio.Future[None]:
        """Queue a recipient entry's write; the future is done once it is durable.

        The write goes ahead even if the future is cancelled, and before any
        write queued after it (a broadcast's pending mark, then its outcome or
        ``forget_pending``).
        """
        ...

    async def record_row(self, entry: JournalEntry) -> None:
        """Write a row entry keyed by ``entry.row``; return once durable."""
        ...

    async def forget_pending(self, to: str, prior_status: str | None = None) -> None:
        """Undo a ``pending`` mark of a send that never went out."""
        ...

    async def has_entries(self) -> bool:
        """Whether the campaign has any recorded recipient or row entry."""
        ...

    async def campaigns(self) -> list[str]:
        """The campaigns the journal holds entries of, sorted."""
        ...

    async def scan(self, consume: Callable[[str, str], None], *, chunk: int = 10_000) -> int:
        """Call ``consume(recipient, status)`` for every recipient entry; return how many."""
        ...

    async def counts(self) -> dict[str, int]:
        """Source rows of the campaign per status (recipients and row entries)."""
        ...

    async def entries(self, *, status: str | None = None) -> list[JournalEntry]:
        """The recipients' entries, in input order."""
        ...

    async def row_entries(self) -> list[JournalEntry]:
        """The row entries, in input order."""
        ...

    async def apply_statuses(self, updates: Sequence[StatusUpdate]) -> TrackResult:
        """Record status webhooks of messages the journal's broadcasts sent."""
        ...

    async def report(self, campaign: str | None = None) -> CampaignReport:
        """The funnel of a campaign (this journal's when None)."""
        ...

    async def export(
        self, destination: str | os.PathLike[str], *, format: str = "csv",
        campaign: str | None = None,
    ) -> int:
        """Write one line per source row (CSV or JSON lines); return how many."""
        ...

    async def export_csv(
        self, destination: str | os.PathLike[str], *, statuses: tuple[str, ...] | None = None
    ) -> int:
        """Write the campaign's entries in the :data:`CSV_COLUMNS` layout; return how many."""
        ...
