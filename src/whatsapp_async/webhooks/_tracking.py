"""``router.track(journal)``: status webhooks recorded in a broadcast's journal.

The tracker is an ordinary status handler. Each status becomes a
:class:`~whatsapp_async.journal.StatusUpdate` handed to the journal's writer,
which commits the ones that arrive together in one transaction; the journal
keeps them idempotently and in any order (see
:mod:`whatsapp_async._journal_tracking`). The receiving web app is usually
not the process that broadcasts: it opens the same file (SQLite in WAL mode
lets both write).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._journal_tracking import TRACKED_STATUSES, StatusUpdate, TrackResult
from ..types.webhooks import Status
from ._events import StatusEvent

if TYPE_CHECKING:
    from .._journal_backend import JournalBackend

__all__ = ["StatusTracker", "TrackerCounts", "update_of"]

log = logging.getLogger("whatsapp_async.webhooks")


@dataclass
class TrackerCounts:
    """What a tracker did since it started.

    Attributes:
        applied: Statuses recorded for a message of the journal.
        unknown: Statuses of a wamid the journal does not know (ignored).
        ignored: Statuses of a kind that is not tracked.
        errors: Statuses that could not be written (the journal failed).
    """

    applied: int = 0
    unknown: int = 0
    ignored: int = 0
    errors: int = 0


def update_of(status: Status) -> StatusUpdate:
    """The journal's record of one parsed status webhook.

    Args:
        status: The ``statuses[]`` item.

    Returns:
        The update: Meta's time, the echoed tag, the failure and pricing.
    """
    try:
        stamp = float(status.timestamp)
    except ValueError:
        stamp = 0.0
    error = status.errors[0] if status.errors else None
    pricing = status.pricing
    return StatusUpdate(
        message_id=status.id, status=status.status, timestamp=stamp,
        callback_data=status.biz_opaque_callback_data,
        error_code=error.code if error is not None else None,
        error_title=(error.title or error.message) if error is not None else None,
        error_detail=error.details if error is not None else None,
        pricing_category=pricing.category if pricing is not None else None,
        billable=pricing.billable if pricing is not None else None,
    )


class StatusTracker:
    """Records every status webhook a router receives in a journal.

    Made by :meth:`WebhookRouter.track <whatsapp_async.webhooks.WebhookRouter.track>`.

    Args:
        journal: An open journal (any campaign: statuses are matched by their
            tag and wamid, across the campaigns of the file).

    Attributes:
        journal: The journal written to.
        counts: What it did so far.
    """

    def __init__(self, journal: JournalBackend) -> None:
        self.journal = journal
        self.counts = TrackerCounts()
        self._batch: list[StatusUpdate] = []
        self._waiters: list[asyncio.Future[TrackResult]] = []
        self._writes: set[asyncio.Future[TrackResult]] = set()  # held until done

    def __repr__(self) -> str:
        c = self.counts
        return (f"<StatusTracker {self.journal!r} applied={c.applied} unknown={c.unknown} "
                f"ignored={c.ignored}>")

    async def handle(self, event: StatusEvent) -> None:
        """Record one status event (the router calls this; so can you).

        Statuses handled in the same turn of the event loop (a batch Meta
        posted, or many posts at once) go to the journal as one write; each
        call returns once its status is durable.

        Raises:
            JournalError: The journal could not take it; the router logs it
                (the webhook was answered already, so Meta will not resend it).
        """
        status = event.status
        if status.status not in TRACKED_STATUSES:
            self.counts.ignored += 1
            return
        loop = asyncio.get_running_loop()
        if not self._batch:
            loop.call_soon(self._flush)
        self._batch.append(update_of(status))
        # A future per handler: one timed out by the router cancels its own wait only.
        waiter: asyncio.Future[TrackResult] = loop.create_future()
        self._waiters.append(waiter)
        await waiter

    def _flush(self) -> None:
        batch, waiters = self._batch, self._waiters
        self._batch, self._waiters = [], []
        write = asyncio.ensure_future(self.journal.apply_statuses(batch))
        self._writes.add(write)
        write.add_done_callback(lambda task: self._settle(task, waiters))

    def _settle(
        self, task: asyncio.Future[TrackResult], waiters: list[asyncio.Future[TrackResult]]
    ) -> None:
        self._writes.discard(task)
        exc = None if task.cancelled() else task.exception()
        if task.cancelled() or exc is not None:
            self.counts.errors += len(waiters)
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc or asyncio.CancelledError())
            return
        result = task.result()
        self.counts.applied += result.applied
        self.counts.unknown += result.unknown
        self.counts.ignored += result.ignored
        if result.unknown:
            log.debug("%d status(es) of unknown messages ignored", result.unknown)
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(result)
