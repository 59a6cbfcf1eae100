"""The broadcast engine: workers pull rows, how many run at once, and the drain at the end.

Each worker takes one row at a time and hands it to the
:class:`~whatsapp_async.bulk._row_send.RowSender`. A run starts with a few
workers and adds one per finished row up to its concurrency (slow start),
then adds more while sends rather than the throttle hold it back (tuning).
A shared run (one of many worker processes on a campaign) takes its rows
from the journal's claims instead of its input (:mod:`whatsapp_async.bulk._shared`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import time
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING

from .._journal_backend import JournalBackend
from ..errors import ConfigurationError
from ._control import RunControl
from ._journaling import load_for_run, open_for_run
from ._pending import RowAttempts
from ._row_send import RowFate, RowSender
from ._shared import SharedDuplicate, SharedRows
from ._tally import Tally
from ._types import BroadcastReport, Recipient

if TYPE_CHECKING:
    from ..client import WhatsAppClient

__all__ = ["Engine"]

log = logging.getLogger("whatsapp_async")

#: Workers a run starts with; each finished row adds one until the concurrency is reached.
_SLOW_START = 8


def _rate_of(wa: WhatsAppClient) -> float | None:
    throttle = wa.throttle
    rate_for = getattr(throttle, "rate_for", None)
    if callable(rate_for) and wa.phone_number_id is not None:
        value = rate_for(wa.phone_number_id)
    else:
        value = getattr(throttle, "rate", None)
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


class Engine:
    """Runs the workers of one broadcast until its input ends or it stops.

    Attributes:
        max_concurrency: The most rows it will ever have in flight.
        report: The report, once :meth:`run` has ended.
    """

    def __init__(
        self, client: WhatsAppClient,
        rows: Iterable[Recipient | str] | AsyncIterable[Recipient | str],
        sender: RowSender, control: RunControl, tally: Tally, *, concurrency: int | None,
        drain_timeout: float, journal: str | os.PathLike[str] | JournalBackend | None,
        campaign: str, resume: bool, shared: bool = False, lease: float = 30.0,
    ) -> None:
        self._client = client
        self._rows = rows
        self._sender = sender
        self._control = control
        self._tally = tally
        self._drain_timeout = drain_timeout
        self._journal_arg = journal
        self._campaign = campaign
        self._resume = resume
        self._journal: JournalBackend | None = None
        self._own_journal = False
        self._shared = shared
        self._lease = lease
        self._claims: SharedRows | None = None
        self._fixed_concurrency = concurrency
        rate = _rate_of(client)
        pool = client.max_connections
        if concurrency is not None:
            start = concurrency
        elif rate is None:
            start = pool
        else:
            # Enough rows in flight to keep the throttle busy at ~250 ms per send;
            # raised later if sends turn out slower (see _tune).
            start = max(8, min(pool, math.ceil(rate * 0.25) + 8))
        self.max_concurrency = concurrency or max(start, pool * 4)
        self._concurrency = start
        self._iter: Iterator[Recipient | str] | None = None
        self._aiter: AsyncIterator[Recipient | str] | None = None
        self._pull_lock = asyncio.Lock()
        self._next_index = 0
        self._input_error: BaseException | None = None
        self._workers: set[asyncio.Task[None]] = set()
        self._live = 0
        self._idle = asyncio.Event()
        self._pulling: set[asyncio.Task[None]] = set()
        self._exhausted = False
        self._window_start = 0.0
        self._window_done = 0
        self.report: BroadcastReport | None = None

    async def run(self) -> None:
        """Send every row (or until stopped), record everything, then set :attr:`report`.

        Raises:
            BaseException: What the input, or opening the journal, raised.
        """
        control = self._control
        tally = self._tally
        tally.started = time.monotonic()
        self._window_start = tally.started
        failure: BaseException | None = None
        try:
            await self._sender.prepare(self._client)
            self._journal, self._own_journal = await open_for_run(
                self._journal_arg, campaign=self._campaign, resume=self._resume
            )
            if self._journal is not None:
                self._sender.journal = self._journal
                self._sender.set_campaign(self._journal.campaign)
            if self._shared:
                self._claims = await self._join_shared(self._journal)
            else:
                if self._journal is not None:
                    await load_for_run(self._journal, resume=self._resume,
                                       seen=self._sender.seen)
                rows = self._rows
                if isinstance(rows, AsyncIterable):
                    self._aiter = aiter(rows)
                else:
                    self._iter = iter(rows)
            # Slow start: a few workers, one more per finished row up to the target, so
            # connections open gradually instead of a pool's worth at once (whose setup
            # delay would make the first sends reach the API in a clump).
            for _ in range(min(self._concurrency, _SLOW_START)):
                self._spawn()
            await self._wait_workers()
        except BaseException as exc:  # the journal could not open, or a bug
            failure = exc
            control.stop(f"error: {type(exc).__name__}: {exc}")
            await self._wait_workers()
        finally:
            if self._claims is not None:
                await self._claims.close()
            if self._journal is not None and self._own_journal:
                await self._journal.close()
            tally.finished = time.monotonic()
            self.report = tally.report(
                cancelled=control.stopping, stop_reason=control.stop_reason,
                journal=self._journal,
            )
            tally.report_progress(control.in_flight, force=True)
            if control.channel is not None:
                control.channel.unbound()
                control.channel.close()
        failure = failure or self._input_error
        if failure is not None:
            raise failure

    async def _join_shared(self, journal: JournalBackend | None) -> SharedRows:
        """Join (or load, as its first worker) the shared campaign the journal holds."""
        from .._journal_pg import PostgresJournal

        if not isinstance(journal, PostgresJournal):
            raise ConfigurationError("shared=True needs a PostgreSQL journal "
                                     "(journal='postgresql://...'): workers share its rows")
        await journal.claim(shared=True)
        claims = SharedRows(journal, self._control, self._sender.seen, lease=self._lease,
                            batch=max(8, self._concurrency))
        await claims.load(self._rows)
        return claims

    def _spawn(self) -> None:
        self._live += 1
        self._idle.clear()
        task = asyncio.create_task(self._worker(), name="whatsapp-async-broadcast-worker")
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)

    async def _wait_workers(self) -> None:
        """Wait for the workers; once stopped, give rows in flight ``drain_timeout`` seconds."""
        if self._live == 0:
            return
        idle = asyncio.ensure_future(self._idle.wait())
        stopped = asyncio.ensure_future(self._control.stopped.wait())
        try:
            await asyncio.wait({idle, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if idle.done():
                return
            done, _ = await asyncio.wait({idle}, timeout=self._drain_timeout)
            if done:
                return
            log.warning(
                "broadcast: %d sends still in flight after %.0fs; cancelling them",
                len(self._control.sending), self._drain_timeout,
            )
            for task in (*self._control.sending, *self._pulling):
                task.cancel()
            self._control.unbind_channel()
            await idle
        finally:
            idle.cancel()
            stopped.cancel()

    async def _worker(self) -> None:
        """Take rows one at a time until the input ends or the run stops."""
        task = asyncio.current_task()
        assert task is not None
        rows = self._iter
        tune = self._fixed_concurrency is None
        control = self._control
        process = self._sender.process
        claims = self._claims
        # One row at a time per worker, so one counter (and one view carrying
        # it) serves all of the worker's rows. It sits after the throttle step,
        # where it also writes each row's pending mark (see _pending).
        counter = RowAttempts()
        client = self._client.with_middleware(counter)
        try:
            while not control.stopping:
                row: Recipient | str | SharedDuplicate
                if rows is not None:
                    try:
                        row = next(rows)
                    except StopIteration:
                        self._exhausted = True
                        return
                    except Exception as exc:
                        self._input_failed(exc)
                        return
                    index = self._next_index
                    self._next_index += 1
                else:
                    self._pulling.add(task)
                    try:
                        pulled = await self._pull()
                    finally:
                        self._pulling.discard(task)
                    if pulled is None:
                        return
                    index, row = pulled
                control.in_flight += 1
                fate: RowFate
                try:
                    if isinstance(row, SharedDuplicate):
                        fate = await self._sender.duplicate(index, row.to, row.first_row)
                    else:
                        fate = await process(index, row, task, client, counter)
                finally:
                    control.in_flight -= 1
                if claims is not None:
                    await claims.settle(index, fate)
                if self._live < self._concurrency and not control.stopping:
                    self._spawn()
                elif tune:
                    self._tune()
        finally:
            self._live -= 1
            if self._live == 0:
                self._idle.set()

    async def _pull(self) -> tuple[int, Recipient | str | SharedDuplicate] | None:
        # An async generator must not be advanced by two tasks at once.
        async with self._pull_lock:
            if self._claims is not None:
                return await self._claim()
            if self._control.stopping or self._exhausted or self._aiter is None:
                return None
            try:
                row = await anext(self._aiter)
            except StopAsyncIteration:
                self._exhausted = True
                return None
            except Exception as exc:
                self._input_failed(exc)
                return None
            index = self._next_index
            self._next_index += 1
            return index, row

    async def _claim(self) -> tuple[int, Recipient | SharedDuplicate] | None:
        assert self._claims is not None
        if self._control.stopping or self._exhausted:
            return None
        try:
            pulled = await self._claims.next()
        except Exception as exc:
            if self._input_error is None:
                self._input_error = exc
            self._control.stop(f"the shared campaign's rows could not be claimed: {exc}")
            return None
        if pulled is None:
            self._exhausted = True
        return pulled

    def _input_failed(self, exc: BaseException) -> None:
        if self._input_error is None:
            self._input_error = exc
        self._control.stop(f"the input raised {type(exc).__name__}: {exc}")

    def _tune(self) -> None:
        """Add workers when sends, not the throttle, are holding the run back."""
        self._window_done += 1
        now = time.monotonic()
        elapsed = now - self._window_start
        if elapsed < 1.0:
            return
        achieved = self._window_done / elapsed
        rate = _rate_of(self._client)
        control = self._control
        if (
            rate is not None
            and achieved < 0.9 * rate
            and control.in_flight >= self._live
            and self._live < self.max_concurrency
            and not control.stopping
        ):
            extra = min(self.max_concurrency - self._live, max(1, self._live // 4))
            for _ in range(extra):
                self._spawn()
        self._window_start, self._window_done = now, 0
