"""A run's counts: outcomes per status and per error, progress snapshots, the report."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ..journal import Journal
from ._types import BroadcastProgress, BroadcastReport, SendOutcome

__all__ = ["Tally"]

log = logging.getLogger("whatsapp_async")


class Tally:
    """The counts of one run, and the ``on_progress`` callback fed from them.

    Attributes:
        counts: Outcomes per status.
        errors: Outcomes per error key (:attr:`SendError.key`).
        total: Rows expected, when known.
        started: ``time.monotonic()`` at the start (0 before).
        finished: ``time.monotonic()`` at the end (None before).
    """

    __slots__ = ("_interval", "_last_progress", "_on_progress", "counts", "errors",
                 "finished", "started", "total")

    def __init__(
        self, total: int | None, on_progress: Callable[[BroadcastProgress], object] | None,
        interval: float,
    ) -> None:
        self.counts = {"sent": 0, "failed": 0, "unknown": 0, "skipped": 0}
        self.errors: dict[str, int] = {}
        self.total = total
        self.started = 0.0
        self.finished: float | None = None
        self._on_progress = on_progress
        self._interval = interval
        self._last_progress = 0.0

    def add(self, outcome: SendOutcome, in_flight: int) -> None:
        """Count ``outcome``, and call ``on_progress`` if its interval has passed."""
        self.counts[outcome.status] += 1
        error = outcome.error
        if error is not None:
            key = error.key
            self.errors[key] = self.errors.get(key, 0) + 1
        if self._on_progress is not None:
            self.report_progress(in_flight)

    def progress(self, in_flight: int) -> BroadcastProgress:
        """A snapshot of the counts so far."""
        c = self.counts
        elapsed = (self.finished or time.monotonic()) - self.started if self.started else 0.0
        requests = c["sent"] + c["failed"] + c["unknown"]
        return BroadcastProgress(
            done=sum(c.values()), sent=c["sent"], failed=c["failed"], unknown=c["unknown"],
            skipped=c["skipped"], in_flight=in_flight, total=self.total,
            elapsed=elapsed, rate=requests / elapsed if elapsed > 0 else 0.0,
        )

    def report_progress(self, in_flight: int, *, force: bool = False) -> None:
        """Call ``on_progress`` with a snapshot, at most once per interval unless ``force``."""
        callback = self._on_progress
        if callback is None:
            return
        now = time.monotonic()
        if not force and now - self._last_progress < self._interval:
            return
        self._last_progress = now
        try:
            callback(self.progress(in_flight))
        except Exception:
            log.exception("broadcast: the progress callback raised")

    def report(
        self, *, cancelled: bool, stop_reason: str | None, journal: Journal | None
    ) -> BroadcastReport:
        """The report of the run (``cancelled``: stopped before the input ended)."""
        c = self.counts
        duration = (self.finished or time.monotonic()) - self.started
        requests = c["sent"] + c["failed"] + c["unknown"]
        return BroadcastReport(
            total=sum(c.values()), sent=c["sent"], failed=c["failed"], unknown=c["unknown"],
            skipped=c["skipped"], errors=dict(self.errors), duration=duration,
            rate=requests / duration if duration > 0 else 0.0,
            cancelled=cancelled, stop_reason=stop_reason if cancelled else None,
            campaign=journal.campaign if journal is not None else None,
            journal=str(journal.path) if journal is not None else None,
        )
