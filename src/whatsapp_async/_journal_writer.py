"""The thread that owns an SQLite journal's connection, and the batches it commits.

The event loop never touches SQLite: it hands the writer *commands* (a
function of the connection, or a recipient entry to upsert) and awaits each
one's future. Commands are gathered on the loop and handed over a batch at a
time, with at most one batch with the thread: while the thread commits one,
the next gathers. So the thread wakes once per batch, not once per command,
and settles the whole batch with one wake-up of the loop.

That matters because the two threads share the GIL, and on a busy loop each
wake-up of the other thread costs a context switch. The broadcast's pending
mark awaits the plain future :meth:`Writer.submit` returns (through
``Journal.record_nowait``), not a task of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from ._journal_records import upsert_many

__all__ = ["MAX_BATCH", "Command", "Writer"]

#: Most commands one transaction takes; bounds how long the last of them waits.
MAX_BATCH = 512

_STOP = object()

_Result = tuple["Command", Any, "BaseException | None"]


class Command:
    """One piece of journal work: ``fn(connection)``, or (``fn`` None) an entry's upsert.

    Attributes:
        fn: The work, or None for a recipient entry upsert of ``params``.
        params: The upsert's values (see :func:`~whatsapp_async._journal_records.upsert_params`).
        future: Settled on the loop with ``fn``'s result (None for an upsert) or its error.
        own: The journal's own statement, whose ``sqlite3.Error`` becomes a JournalError.
    """

    __slots__ = ("fn", "future", "own", "params")

    def __init__(
        self, fn: Callable[[sqlite3.Connection], Any] | None, params: tuple[Any, ...] | None,
        future: asyncio.Future[Any], own: bool,
    ) -> None:
        self.fn = fn
        self.params = params
        self.future = future
        self.own = own


class Writer:
    """A journal's writer thread and the loop's side of handing it work.

    A submitted command runs even if its future is cancelled meanwhile, and
    commands run in the order submitted.

    Args:
        name: The thread's name.
        connect: Opens the connection, on the thread (raises ``sqlite3.Error``).
        journal_error: Turns an ``sqlite3.Error`` of the journal's own statements
            into the error their callers get.
    """

    def __init__(
        self, name: str, connect: Callable[[], sqlite3.Connection],
        journal_error: Callable[[sqlite3.Error], Exception],
    ) -> None:
        self._name = name
        self._connect = connect
        self._journal_error = journal_error
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outbox: list[Command] = []
        self._handing = False  # a batch is with the thread, or a hand-over is scheduled

    @property
    def running(self) -> bool:
        """Whether the thread is started and not stopped."""
        return self._thread is not None

    async def start(self) -> None:
        """Start the thread and open the connection on it.

        Raises:
            sqlite3.Error: The connection could not be opened (what ``connect`` raised).
        """
        loop = self._loop = asyncio.get_running_loop()
        self._outbox = []
        self._handing = False
        ready: asyncio.Future[None] = loop.create_future()
        self._thread = threading.Thread(
            target=self._work, args=(ready, loop), name=self._name, daemon=True,
        )
        self._thread.start()
        try:
            await ready
        except BaseException as exc:
            self._thread = None
            self._fail_submitted(exc)
            raise

    async def stop(self) -> None:
        """Commit everything submitted, then end the thread. Safe to call twice."""
        thread = self._thread
        self._thread = None
        if thread is None:
            return
        if self._outbox:
            # Behind any batch still with the thread; the thread takes them in order.
            self._queue.put(self._outbox)
            self._outbox = []
        self._queue.put(_STOP)
        await asyncio.to_thread(thread.join)

    def submit(
        self, fn: Callable[[sqlite3.Connection], Any] | None, params: tuple[Any, ...] | None = None,
        *, own: bool = True,
    ) -> asyncio.Future[Any]:
        """Queue ``fn`` (or, with ``fn`` None, the upsert of ``params``) for the next transaction.

        Args:
            fn: The work, run on the thread with the connection.
            params: The values of a recipient entry's upsert.
            own: The journal's own statement: an ``sqlite3.Error`` it raises
                reaches the future as a JournalError; else as it is.

        Returns:
            The future of its result.

        Raises:
            RuntimeError: The writer is not running.
        """
        loop = self._loop
        if self._thread is None or loop is None:
            raise RuntimeError("the journal is not open")
        future: asyncio.Future[Any] = loop.create_future()
        self._outbox.append(Command(fn, params, future, own))
        if not self._handing:
            # Hand over at the end of this loop iteration, with whatever else it submits.
            self._handing = True
            loop.call_soon(self._hand_over)
        return future

    # ------------------------------------------------------------------ the loop's side

    def _hand_over(self) -> None:
        outbox = self._outbox
        if not outbox or self._thread is None:
            self._handing = False
            return
        if len(outbox) > MAX_BATCH:
            batch, self._outbox = outbox[:MAX_BATCH], outbox[MAX_BATCH:]
        else:
            batch, self._outbox = outbox, []
        self._queue.put(batch)

    def _fail_submitted(self, exc: BaseException) -> None:
        """Fail what was submitted while the thread was starting: it will never run."""
        failed = self._outbox
        self._outbox = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP:  # a close() that came while the open was failing
                failed += item
        self._settle([(command, None, exc) for command in failed])

    def _settle(self, results: list[_Result]) -> None:
        for command, value, exc in results:
            future = command.future
            if future.done():
                continue  # its waiter gave up (cancelled)
            if exc is None:
                future.set_result(value)
            elif command.own and isinstance(exc, sqlite3.Error):
                future.set_exception(self._journal_error(exc))
            else:
                future.set_exception(exc)
        # The thread is free: what gathered meanwhile is the next batch.
        self._hand_over()

    # ------------------------------------------------------------------ the thread

    def _work(self, ready: asyncio.Future[None], loop: asyncio.AbstractEventLoop) -> None:
        try:
            conn = self._connect()
        except BaseException as exc:
            # What was submitted meanwhile is failed by start() once it sees this.
            loop.call_soon_threadsafe(_start_failed, ready, exc)
            return
        loop.call_soon_threadsafe(_started, ready)
        try:
            while (batch := self._queue.get()) is not _STOP:
                results = _run_batch(conn, batch)
                if not loop.is_closed():
                    # The loop may close meanwhile; then nobody is waiting.
                    with contextlib.suppress(RuntimeError):
                        loop.call_soon_threadsafe(self._settle, results)
        finally:
            conn.close()


def _run_batch(conn: sqlite3.Connection, batch: list[Command]) -> list[_Result]:
    """Run ``batch`` in one transaction; each command's result, or the error that undid it."""
    results: list[_Result] = []
    try:
        with conn:  # one transaction, committed (and synced) on exit
            entries: list[tuple[Any, ...]] = []
            for command in batch:
                if command.fn is None:
                    assert command.params is not None
                    entries.append(command.params)
                    results.append((command, None, None))
                    continue
                if entries:  # written before the command, which may read them
                    upsert_many(conn, entries)
                    entries = []
                results.append((command, command.fn(conn), None))
            if entries:
                upsert_many(conn, entries)
    except BaseException as exc:
        # The transaction was rolled back: nothing in it is durable.
        results = [(c, None, exc) for c in batch]
    return results


def _started(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


def _start_failed(ready: asyncio.Future[None], exc: BaseException) -> None:
    if not ready.done():
        ready.set_exception(exc)
