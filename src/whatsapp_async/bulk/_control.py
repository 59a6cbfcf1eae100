"""What the parts of one broadcast run share: its stop state, sends in flight, outcome queue."""

from __future__ import annotations

import asyncio
import logging

from ._channel import OutcomeChannel

__all__ = ["RunControl"]

log = logging.getLogger("whatsapp_async")


class RunControl:
    """The stop switch of a run, seen by its handle, its workers and its rows.

    Attributes:
        stopping: No more rows are taken.
        aborted: Sends in flight were cancelled too.
        stop_reason: Why it is stopping.
        stopped: Set once stopping (for waiting on it).
        in_flight: Rows taken but without an outcome yet.
        sending: The worker tasks inside a send (cancelled by :meth:`abort`).
        channel: Where outcomes go, when somebody iterates the run.
    """

    __slots__ = ("aborted", "channel", "in_flight", "sending", "stop_reason", "stopped",
                 "stopping")

    def __init__(self) -> None:
        self.stopping = False
        self.aborted = False
        self.stop_reason: str | None = None
        self.stopped = asyncio.Event()
        self.in_flight = 0
        self.sending: set[asyncio.Task[None]] = set()
        self.channel: OutcomeChannel | None = None

    def stop(self, reason: str = "stopped") -> None:
        """Stop taking rows (the first reason given is kept)."""
        if not self.stopping:
            self.stopping = True
            self.stop_reason = reason
            self.stopped.set()
            log.info("broadcast stopping (%s): %d rows in flight", reason, self.in_flight)

    def abort(self) -> None:
        """Stop now, cancelling the sends in flight."""
        self.aborted = True
        self.stop("aborted")
        for task in list(self.sending):
            task.cancel()

    def unbind_channel(self) -> None:
        """Let every outcome through without waiting for a reader (who may have left)."""
        if self.channel is not None:
            self.channel.unbound()
