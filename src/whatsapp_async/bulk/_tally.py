"""A run's counts: outcomes per status and per error, progress snapshots, the report."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

from .._journal_backend import JournalBackend
from ._types import BroadcastProgress, BroadcastReport, SendOutcome

__all__ = ["Tally"]

log = logging.getLogger("whatsapp_async")

#: Seconds of recent history the ETA's rate is measured over: long enough to
#: smooth out retries and bursts, short enough to follow a change of pace (the
#: fast skips at the start of a resumed run, a throttle that slows down).
ETA_WINDOW = 10.0
#: Less history than this gives no ETA: the first rows say little about the pace.
_ETA_MIN_SPAN = 1.0
#: At most one (time, done) sample per this many seconds, however often progress is asked.
_SAMPLE_EVERY = 0.25


class Tally:
    """The counts of one run, and the ``on_progress`` callback fed from them.

    Args:
        total: Rows expected, when known.
        on_progress: Called with a :class:`BroadcastProgress` at most every ``interval`` s.
        interval: Seconds between two progress calls (unless forced).
        clock: The clock of ``started`` and ``finished`` (the engine's ``time.monotonic``;
            tests pass their own).

    Attributes:
        counts: Outcomes per status.
        errors: Outcomes per error key (:attr:`SendError.key`).
        total: Rows expected, when known.
        started: ``time.monotonic()`` at the start (0 before).
        finished: ``time.monotonic()`` at the end (None before).
    """

    __slots__ = ("_clock", "_interval", "_last_progress", "_last_shown", "_on_progress",
                 "_samples", "counts", "errors", "finished", "started", "total")

    def __init__(
        self, total: int | None, on_progress: Callable[[BroadcastProgress], object] | None,
        interval: float, *, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.counts = {"sent": 0, "failed": 0, "unknown": 0, "skipped": 0}
        self.errors: dict[str, int] = {}
        self.total = total
        self.started = 0.0
        self.finished: float | None = None
        self._on_progress = on_progress
        self._interval = interval
        self._last_progress = 0.0
        # (done, in_flight) of the last snapshot given to on_progress.
        self._last_shown: tuple[int, int] | None = None
        self._clock = clock
        # (time, rows done) of the last ETA_WINDOW seconds, oldest first.
        self._samples: deque[tuple[float, int]] = deque()

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
        now = self.finished or self._clock()
        elapsed = now - self.started if self.started else 0.0
        requests = c["sent"] + c["failed"] + c["unknown"]
        done = sum(c.values())
        return BroadcastProgress(
            done=done, sent=c["sent"], failed=c["failed"], unknown=c["unknown"],
            skipped=c["skipped"], in_flight=in_flight, total=self.total,
            elapsed=elapsed, rate=requests / elapsed if elapsed > 0 else 0.0,
            eta=self._eta(now, done),
        )

    def _eta(self, now: float, done: int) -> float | None:
        """Seconds left at the pace of the last :data:`ETA_WINDOW` seconds, or None."""
        if self.total is None or not self.started:
            return None
        if done >= self.total:
            return 0.0
        if self.finished is not None:
            return None  # stopped short: this run will do no more rows
        samples = self._samples
        if not samples:
            samples.append((self.started, 0))
        if now - samples[-1][0] >= _SAMPLE_EVERY:
            samples.append((now, done))
        # Keep one sample at or before the window's start, so the span stays ~ETA_WINDOW.
        while len(samples) > 2 and samples[1][0] <= now - ETA_WINDOW:
            samples.popleft()
        since, done_then = samples[0]
        span = now - since
        if span < _ETA_MIN_SPAN or done <= done_then:
            return None
        return (self.total - done) * span / (done - done_then)

    def report_progress(self, in_flight: int, *, force: bool = False) -> None:
        """Call ``on_progress`` with a snapshot, at most once per interval unless ``force``.

        A forced snapshot (the run's last) is skipped when the counts are those
        of the last one given, so a progress printer does not print its last
        line twice.
        """
        callback = self._on_progress
        if callback is None:
            return
        now = self._clock()
        if not force and now - self._last_progress < self._interval:
            return
        shown = (sum(self.counts.values()), in_flight)
        if force and shown == self._last_shown:
            return
        self._last_progress = now
        self._last_shown = shown
        try:
            callback(self.progress(in_flight))
        except Exception:
            log.exception("broadcast: the progress callback raised")

    def report(
        self, *, cancelled: bool, stop_reason: str | None, journal: JournalBackend | None
    ) -> BroadcastReport:
        """The report of the run (``cancelled``: stopped before the input ended)."""
        c = self.counts
        duration = (self.finished or self._clock()) - self.started
        requests = c["sent"] + c["failed"] + c["unknown"]
        return BroadcastReport(
            total=sum(c.values()), sent=c["sent"], failed=c["failed"], unknown=c["unknown"],
            skipped=c["skipped"], errors=dict(self.errors), duration=duration,
            rate=requests / duration if duration > 0 else 0.0,
            cancelled=cancelled, stop_reason=stop_reason if cancelled else None,
            campaign=journal.campaign if journal is not None else None,
            journal=journal.location if journal is not None else None,
        )
