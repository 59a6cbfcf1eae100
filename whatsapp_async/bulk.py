"""Bulk broadcast: one message or template to many recipients, nothing lost.

:meth:`WhatsAppClient.broadcast <whatsapp_async.WhatsAppClient.broadcast>` returns a
:class:`Broadcast`. Iterate it for outcomes as they happen, or await it for the
:class:`BroadcastReport`::

    rows = (Recipient(phone, params=[name]) for phone, name in read_customers())
    async for outcome in wa.broadcast(rows, template="spring_sale", journal="sale.db"):
        ...
    report = await wa.broadcast(rows, template="spring_sale", journal="sale.db", resume=True)

How it stays safe:

* rows are read lazily and at most ``concurrency`` are in flight, so a
  generator of a million rows is never held in memory;
* every send goes through the client's throttle (130429 slows the whole run)
  and retry policy (131056 backs off that one recipient);
* every row ends with exactly one :class:`SendOutcome`; a send whose fate is
  unknown is reported ``unknown`` and never resent automatically;
* with a journal, a recipient is recorded ``pending`` before the send and with
  its outcome after, so a resumed run never sends twice to anyone recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import time
from array import array
from collections import deque
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from ._validation import normalize_phone_number as _normalize
from .errors import (
    APIError,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    OutcomeUnknownError,
    PermissionDeniedError,
    PolicyError,
    SpamRateLimitError,
    TemplateError,
    ThrottleUnavailableError,
    TransportError,
    ValidationError,
    WhatsAppError,
)
from .journal import Journal, JournalEntry
from .middleware import AttemptCounter
from .types.messages import BodyComponent, Language, Message, Template, TextParameter

if TYPE_CHECKING:
    from .client import WhatsAppClient

__all__ = [
    "Broadcast",
    "BroadcastProgress",
    "BroadcastReport",
    "OutcomeStatus",
    "Recipient",
    "SendError",
    "SendOutcome",
    "normalize_phone_number",
    "template_message",
]

log = logging.getLogger("whatsapp_async")

OutcomeStatus = Literal["sent", "failed", "unknown", "skipped"]

#: Workers a run starts with; each finished row adds one until the concurrency is reached.
_SLOW_START = 8

#: Template codes that fail every later row the same way: the run stops on them.
_FATAL_TEMPLATE_CODES = frozenset({132001, 132015, 132016})



def normalize_phone_number(value: str) -> str:
    """Return ``value`` as E.164 (``"+<digits>"``), the form the journal keys on.

    The same rule as every send: spaces, dashes, brackets and dots are
    dropped, ``+`` is optional, 8 to 15 digits starting with the country code.

    Raises:
        ValidationError: Not a phone number (``field`` is ``"to"``).
    """
    return _normalize("to", value)


# --------------------------------------------------------------------------- public types


class Recipient(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    """One row of a broadcast.

    Args:
        to: The recipient's phone number, international format.
        params: Template body parameters: a sequence for ``{{1}}``, ``{{2}}``...
            or a mapping whose keys are positions (``"1"``) or parameter names.
        message: A message Struct for this recipient, instead of the broadcast's
            template or message.
    """

    to: str
    params: Sequence[str] | Mapping[str, str] | None = None
    message: Message | None = None


class SendError(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """Why a row was not sent, or not known to be.

    Attributes:
        type: The exception class (``"RecipientError"``, ``"OutcomeUnknownError"``)
            or the reason a row was skipped (``"Duplicate"``, ``"AlreadyDone"``,
            ``"ValidationError"``, ``"Interrupted"``, ``"Stopped"``).
        message: Human-readable text.
        code: Graph error code, when the API gave one.
    """

    type: str
    message: str
    code: int | None = None

    @property
    def key(self) -> str:
        """The key of :attr:`BroadcastReport.errors`: the code when known, else the type."""
        return str(self.code) if self.code is not None else self.type


class SendOutcome(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    """What happened to one row. Every row gets exactly one.

    Attributes:
        to: The number, normalised to E.164 when it was valid (else as given).
        status: ``sent`` (accepted by the API), ``failed`` (refused; ``error``
            says why), ``unknown`` (may have been sent; never resent
            automatically) or ``skipped`` (duplicate, invalid input, or already
            done in an earlier run).
        message_id: The ``wamid`` of a sent message.
        error: Why it was not sent (``failed``, ``unknown``, ``skipped``).
        attempts: HTTP attempts made for this row.
        row: 0-based position of the row in the input.
    """

    to: str
    status: OutcomeStatus
    message_id: str | None = None
    error: SendError | None = None
    attempts: int = 0
    row: int = -1


class BroadcastProgress(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A snapshot for progress bars, passed to ``on_progress``.

    Attributes:
        done: Rows with an outcome.
        sent: Outcomes ``sent``.
        failed: Outcomes ``failed``.
        unknown: Outcomes ``unknown``.
        skipped: Outcomes ``skipped``.
        in_flight: Rows taken but without an outcome yet.
        total: Number of rows when the input has a length (or ``total=`` was given).
        elapsed: Seconds since the run started.
        rate: Requests per second so far (sent + failed + unknown over elapsed).
    """

    done: int
    sent: int
    failed: int
    unknown: int
    skipped: int
    in_flight: int
    total: int | None
    elapsed: float
    rate: float


class BroadcastReport(msgspec.Struct, frozen=True, kw_only=True):
    """The summary of a broadcast.

    Attributes:
        total: Rows that got an outcome.
        sent: Outcomes ``sent``.
        failed: Outcomes ``failed``.
        unknown: Outcomes ``unknown``.
        skipped: Outcomes ``skipped``.
        errors: Count per error key: the Graph code (``"131026"``) when there
            was one, else the type (``"OutcomeUnknownError"``, ``"Duplicate"``).
        duration: Seconds from start to the last outcome.
        rate: Achieved requests per second (sent + failed + unknown over duration).
        cancelled: The run was stopped before the input was exhausted.
        stop_reason: Why it stopped early, if it did.
        campaign: Journal campaign name, when journaled.
        journal: Journal file, when journaled.
    """

    total: int
    sent: int
    failed: int
    unknown: int
    skipped: int
    errors: dict[str, int]
    duration: float
    rate: float
    cancelled: bool = False
    stop_reason: str | None = None
    campaign: str | None = None
    journal: str | None = None

    @property
    def ok(self) -> bool:
        """True when nothing failed or ended unknown and the run was not cut short."""
        return self.failed == 0 and self.unknown == 0 and not self.cancelled

    def summary(self) -> str:
        """A few lines of plain text for logs and terminals."""
        lines = [
            f"rows {self.total}: sent {self.sent}, failed {self.failed}, "
            f"unknown {self.unknown}, skipped {self.skipped}",
            f"duration {self.duration:.1f}s, rate {self.rate:.1f}/s",
        ]
        if self.errors:
            ranked = sorted(self.errors.items(), key=lambda kv: (-kv[1], kv[0]))
            lines.append("errors: " + ", ".join(f"{k} x{v}" for k, v in ranked))
        if self.cancelled:
            lines.append(f"stopped early: {self.stop_reason or 'cancelled'}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- internals

# Row states kept per recipient number (one byte each).
_NEW, _SEEN, _PREV_FINAL, _PREV_PENDING, _PREV_UNKNOWN, _PREV_FAILED = range(6)
# What a forgotten "pending" mark falls back to: a resumed row keeps its earlier state.
_PRIOR_STATUS = {_PREV_PENDING: "pending", _PREV_UNKNOWN: "unknown", _PREV_FAILED: "failed"}
_PREV_BY_STATUS = {
    "sent": _PREV_FINAL, "skipped": _PREV_FINAL, "failed": _PREV_FAILED,
    "unknown": _PREV_UNKNOWN, "pending": _PREV_PENDING,
}


def _prime_below(n: int) -> int:
    """The largest prime below ``n`` (n >= 3); table sizes, so keys spread by ``key % size``."""
    n -= 1
    while n > 2:
        if n % 2 and all(n % d for d in range(3, math.isqrt(n) + 1, 2)):
            return n
        n -= 1
    return 2


class _NumberTable:
    """A compact map from phone numbers to a one-byte state.

    A Python set of a million numbers costs ~64 MB; here the number's digits
    as a 64-bit integer (E.164 has at most 15, never a leading 0) sit in an
    open-addressing array kept at most half full: ~18 bytes per number at worst.
    """

    __slots__ = ("_bits", "_count", "_keys", "_size", "_vals")

    def __init__(self, bits: int = 12) -> None:
        self._bits = bits
        self._size = _prime_below(1 << bits)
        self._keys = array("q", bytes(8 * self._size))
        self._vals = bytearray(self._size)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def get(self, key: int) -> int:
        size = self._size
        keys = self._keys
        i = key % size
        while True:
            k = keys[i]
            if k == key:
                return self._vals[i]
            if k == 0:
                return _NEW
            i += 1
            if i == size:
                i = 0

    def mark(self, key: int, value: int) -> int:
        """Set ``key``'s state to ``value`` and return the state it had (``_NEW`` if none)."""
        size = self._size
        keys = self._keys
        i = key % size  # a prime size scatters keys that share a stride or low digits
        while True:
            k = keys[i]
            if k == key:
                previous = self._vals[i]
                self._vals[i] = value
                return previous
            if k == 0:
                keys[i] = key
                self._vals[i] = value
                self._count += 1
                if self._count * 2 > size:
                    self._grow()
                return _NEW
            i += 1
            if i == size:
                i = 0

    def _grow(self) -> None:
        old_keys, old_vals = self._keys, self._vals
        self._bits += 1
        self._size = _prime_below(1 << self._bits)
        self._keys = array("q", bytes(8 * self._size))
        self._vals = bytearray(self._size)
        self._count = 0
        for i, key in enumerate(old_keys):
            if key:
                self.mark(key, old_vals[i])


class _Seen:
    """Per-run state of every recipient: numbers in a compact table, other keys in a dict."""

    __slots__ = ("numbers", "other")

    def __init__(self) -> None:
        self.numbers = _NumberTable()
        self.other: dict[str, int] = {}

    def mark(self, key: str, value: int) -> int:
        """Set ``key``'s state and return the one it had."""
        digits = key[1:]
        # Only normalised numbers fit the table: "+", then ASCII digits, no leading 0.
        if key[:1] == "+" and digits[:1] != "0" and digits.isascii() and digits.isdigit():
            return self.numbers.mark(int(digits), value)
        previous = self.other.get(key, _NEW)
        self.other[key] = value
        return previous


class _Channel:
    """A bounded outcome queue whose bound can be lifted once nobody may read any more."""

    def __init__(self, capacity: int) -> None:
        self._items: deque[SendOutcome] = deque()
        self._capacity = capacity
        self._closed = False
        self._getter: asyncio.Future[None] | None = None
        self._putters: deque[asyncio.Future[None]] = deque()

    async def put(self, item: SendOutcome) -> None:
        while len(self._items) >= self._capacity:
            waiter = asyncio.get_running_loop().create_future()
            self._putters.append(waiter)
            await waiter
        self._items.append(item)
        if self._getter is not None and not self._getter.done():
            self._getter.set_result(None)

    def unbound(self) -> None:
        self._capacity = 1 << 62
        while self._putters:
            waiter = self._putters.popleft()
            if not waiter.done():
                waiter.set_result(None)

    def close(self) -> None:
        self._closed = True
        if self._getter is not None and not self._getter.done():
            self._getter.set_result(None)

    async def get(self) -> SendOutcome | None:
        """The next outcome, or None once closed and empty."""
        while not self._items:
            if self._closed:
                return None
            self._getter = asyncio.get_running_loop().create_future()
            await self._getter
        item = self._items.popleft()
        while self._putters:
            waiter = self._putters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                break
        return item


def _error_of(exc: BaseException) -> SendError:
    code = exc.code if isinstance(exc, APIError) else None
    return SendError(type=type(exc).__name__, message=str(exc) or type(exc).__name__, code=code)


def _is_fatal(exc: BaseException) -> bool:
    """Errors that would fail every later row the same way: the run stops on them."""
    if isinstance(
        exc, (AuthenticationError, PermissionDeniedError, PolicyError, SpamRateLimitError,
              ClientClosedError, ConfigurationError)
    ):
        return True
    return isinstance(exc, TemplateError) and exc.code in _FATAL_TEMPLATE_CODES


def _rate_of(wa: WhatsAppClient) -> float | None:
    throttle = wa.throttle
    rate_for = getattr(throttle, "rate_for", None)
    if callable(rate_for) and wa.phone_number_id is not None:
        value = rate_for(wa.phone_number_id)
    else:
        value = getattr(throttle, "rate", None)
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


SendFunction = Callable[["WhatsAppClient", str, Recipient], Awaitable[Any]]


# --------------------------------------------------------------------------- the run


class Broadcast:
    """A broadcast run: iterate it for outcomes, or await it for the report.

    Made by :meth:`WhatsAppClient.broadcast`; see there for the arguments.
    Nothing is sent until it is iterated or awaited. It runs once.

    * ``async for outcome in broadcast`` yields every :class:`SendOutcome` as
      it is recorded; :attr:`report` is set when the loop ends.
    * ``report = await broadcast`` runs to the end and returns the report.
    * ``async with broadcast:`` makes sure the run is stopped and recorded
      when the block exits early (a ``break`` in the loop).

    Cancelling the task that iterates or awaits it, or calling :meth:`stop`,
    stops taking rows; sends in flight get ``drain_timeout`` seconds to
    finish (then are cancelled and reported ``unknown`` if they may have gone
    out); everything is recorded and the report says ``cancelled``. A
    cancelled ``await`` returns the report instead of raising.

    Besides the arguments of :meth:`WhatsAppClient.broadcast`, it takes
    ``stop_on_fatal`` (default True: stop on errors every later row would hit,
    such as an expired token) and ``send``, a coroutine function
    ``(client, number, recipient)`` used instead of ``client.messages.send`` (for
    dry runs and custom payloads); it should send through ``client`` so that
    attempts are counted and a cancelled send is judged correctly.
    """

    def __init__(
        self,
        client: WhatsAppClient,
        rows: Iterable[Recipient | str] | AsyncIterable[Recipient | str],
        *,
        template: str | None = None,
        language: str = "en_US",
        message: Message | None = None,
        concurrency: int | None = None,
        journal: str | os.PathLike[str] | Journal | None = None,
        campaign: str = "default",
        resume: bool = False,
        resend_unknown: bool = False,
        retry_failed: bool = False,
        on_progress: Callable[[BroadcastProgress], object] | None = None,
        progress_interval: float = 0.2,
        total: int | None = None,
        drain_timeout: float = 30.0,
        stop_on_fatal: bool = True,
        send: SendFunction | None = None,
    ) -> None:
        if template is not None and message is not None:
            raise ConfigurationError("give either template= or message=, not both")
        if concurrency is not None and concurrency < 1:
            raise ConfigurationError("concurrency must be >= 1")
        if client.phone_number_id is None:
            raise ConfigurationError(
                "broadcast needs a business phone number: pass phone_number_id= to the client "
                "or use client.for_number(...)"
            )
        self._client = client
        self._rows = rows
        self._template: Template | None = None
        if template is not None:
            self._template = Template(name=template, language=Language(code=language))
            self._template.validate()  # a bad name or language would skip every row
        self._message = message
        self._send_fn = send
        self._journal_arg = journal
        self._campaign = campaign
        self._resume = resume
        self._resend_unknown = resend_unknown
        self._retry_failed = retry_failed
        self._on_progress = on_progress
        self._progress_interval = progress_interval
        self._drain_timeout = drain_timeout
        self._stop_on_fatal = stop_on_fatal
        if total is None and hasattr(rows, "__len__"):
            with contextlib.suppress(TypeError):
                total = len(rows)  # type: ignore[arg-type]
        self._total = total
        self._rate = _rate_of(client)
        self._fixed_concurrency = concurrency
        pool = client.max_connections
        if concurrency is not None:
            start = concurrency
        elif self._rate is None:
            start = pool
        else:
            # Enough rows in flight to keep the throttle busy at ~250 ms per send;
            # raised later if sends turn out slower (see _tune).
            start = max(8, min(pool, math.ceil(self._rate * 0.25) + 8))
        self._max_concurrency = concurrency or max(start, pool * 4)
        self._concurrency = start
        self._seen = _Seen()
        self._journal: Journal | None = None
        self._own_journal = False
        self._channel: _Channel | None = None
        self._task: asyncio.Task[None] | None = None
        self._iter: Iterator[Recipient | str] | None = None
        self._aiter: AsyncIterator[Recipient | str] | None = None
        self._pull_lock = asyncio.Lock()
        self._next_index = 0
        self._input_error: BaseException | None = None
        self._workers: set[asyncio.Task[None]] = set()
        self._live = 0
        self._idle = asyncio.Event()
        self._in_flight = 0
        self._pulling: set[asyncio.Task[None]] = set()
        self._sending: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._aborted = False
        self._stop_event = asyncio.Event()
        self._stop_reason: str | None = None
        self._exhausted = False
        self._started = 0.0
        self._finished: float | None = None
        self._counts = {"sent": 0, "failed": 0, "unknown": 0, "skipped": 0}
        self._errors: dict[str, int] = {}
        self._last_progress = 0.0
        self._window_start = 0.0
        self._window_done = 0
        self.report: BroadcastReport | None = None

    # ------------------------------------------------------------------ control

    def stop(self, reason: str = "stopped") -> None:
        """Stop taking rows; in-flight sends finish (within ``drain_timeout``) and are recorded."""
        if not self._stopping:
            self._stopping = True
            self._stop_reason = reason
            self._stop_event.set()
            log.info("broadcast stopping (%s): %d rows in flight", reason, self._in_flight)

    def abort(self) -> None:
        """Stop now, cancelling sends in flight (``unknown`` if they may have gone out)."""
        self._aborted = True
        self.stop("aborted")
        for task in list(self._sending):
            task.cancel()

    @property
    def progress(self) -> BroadcastProgress:
        """A snapshot of the counts so far."""
        c = self._counts
        elapsed = (self._finished or time.monotonic()) - self._started if self._started else 0.0
        requests = c["sent"] + c["failed"] + c["unknown"]
        return BroadcastProgress(
            done=sum(c.values()), sent=c["sent"], failed=c["failed"], unknown=c["unknown"],
            skipped=c["skipped"], in_flight=self._in_flight, total=self._total,
            elapsed=elapsed, rate=requests / elapsed if elapsed > 0 else 0.0,
        )

    # ------------------------------------------------------------------ consuming

    def __aiter__(self) -> AsyncIterator[SendOutcome]:
        return self._stream()

    def __await__(self) -> Generator[Any, None, BroadcastReport]:
        return self.run().__await__()

    async def __aenter__(self) -> Broadcast:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def run(self) -> BroadcastReport:
        """Run to the end (or until stopped or cancelled) and return the report."""
        async for _ in self._stream(collect=False):
            pass
        assert self.report is not None
        return self.report

    async def aclose(self) -> None:
        """Stop the run if it is still going and wait until everything is recorded."""
        if self._task is None:
            return
        self.stop("closed by the caller")
        if self._channel is not None:
            self._channel.unbound()
        await self._wait_runner()

    async def _stream(self, *, collect: bool = True) -> AsyncIterator[SendOutcome]:
        if self._task is not None:
            raise RuntimeError("a Broadcast runs once; call wa.broadcast(...) again")
        self._channel = _Channel(max(64, self._max_concurrency * 2)) if collect else None
        self._task = asyncio.create_task(self._runner(), name="whatsapp-async-broadcast")
        channel = self._channel
        try:
            if channel is None:
                await self._wait_runner()
                return
            while True:
                try:
                    item = await channel.get()
                except asyncio.CancelledError:
                    self._on_cancel()
                    continue
                if item is None:
                    break
                yield item
            await self._wait_runner()
        finally:
            if not self._task.done():
                # The consumer left early (break, exception): finish and record in the
                # background-free way: stop, then wait for the runner.
                self.stop("the consumer stopped reading")
                if channel is not None:
                    channel.unbound()
                await self._wait_runner()

    def _on_cancel(self) -> None:
        if self._stopping:
            self.abort()
        else:
            self.stop("cancelled")

    async def _wait_runner(self) -> None:
        task = self._task
        assert task is not None
        while True:
            try:
                await asyncio.shield(task)
                return
            except asyncio.CancelledError:
                if task.done():
                    raise
                self._on_cancel()

    # ------------------------------------------------------------------ runner

    async def _runner(self) -> None:
        self._started = time.monotonic()
        self._window_start = self._started
        failure: BaseException | None = None
        try:
            await self._open_journal()
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
            self.stop(f"error: {type(exc).__name__}: {exc}")
            await self._wait_workers()
        finally:
            await self._close_journal()
            self._finished = time.monotonic()
            self.report = self._make_report()
            self._report_progress(force=True)
            if self._channel is not None:
                self._channel.unbound()
                self._channel.close()
        failure = failure or self._input_error
        if failure is not None:
            raise failure

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
        stopped = asyncio.ensure_future(self._stop_event.wait())
        try:
            await asyncio.wait({idle, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if idle.done():
                return
            done, _ = await asyncio.wait({idle}, timeout=self._drain_timeout)
            if done:
                return
            log.warning(
                "broadcast: %d sends still in flight after %.0fs; cancelling them",
                len(self._sending), self._drain_timeout,
            )
            for task in (*self._sending, *self._pulling):
                task.cancel()
            if self._channel is not None:
                self._channel.unbound()
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
        # One row at a time per worker, so one counter (and one view carrying
        # it) serves all of the worker's rows.
        counter = AttemptCounter()
        client = self._client.with_middleware(counter)
        try:
            while not self._stopping:
                row: Recipient | str
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
                self._in_flight += 1
                try:
                    await self._process(index, row, task, client, counter)
                finally:
                    self._in_flight -= 1
                if self._live < self._concurrency and not self._stopping:
                    self._spawn()
                elif tune:
                    self._tune()
        finally:
            self._live -= 1
            if self._live == 0:
                self._idle.set()

    async def _pull(self) -> tuple[int, Recipient | str] | None:
        # An async generator must not be advanced by two tasks at once.
        async with self._pull_lock:
            if self._stopping or self._exhausted or self._aiter is None:
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

    def _input_failed(self, exc: BaseException) -> None:
        if self._input_error is None:
            self._input_error = exc
        self.stop(f"the input raised {type(exc).__name__}: {exc}")

    def _tune(self) -> None:
        """Add workers when sends, not the throttle, are holding the run back."""
        self._window_done += 1
        now = time.monotonic()
        elapsed = now - self._window_start
        if elapsed < 1.0:
            return
        achieved = self._window_done / elapsed
        rate = _rate_of(self._client)
        if (
            rate is not None
            and achieved < 0.9 * rate
            and self._in_flight >= self._live
            and self._live < self._max_concurrency
            and not self._stopping
        ):
            extra = min(self._max_concurrency - self._live, max(1, self._live // 4))
            for _ in range(extra):
                self._spawn()
        self._window_start, self._window_done = now, 0

    # ------------------------------------------------------------------ one row

    async def _process(
        self, index: int, row: Recipient | str, task: asyncio.Task[None],
        client: WhatsAppClient, counter: AttemptCounter,
    ) -> None:
        """Take one row to its outcome. One coroutine on purpose: this is the hot path."""
        recipient = row if type(row) is Recipient else Recipient(row)  # type: ignore[arg-type]
        raw = recipient.to
        try:
            number = normalize_phone_number(raw)
        except ValidationError as exc:
            key = raw.strip() if isinstance(raw, str) and raw.strip() else f"#row{index}"
            await self._finish(
                SendOutcome(key, "skipped", error=_error_of(exc), row=index), journal=True
            )
            return
        state = self._seen.mark(number, _SEEN)
        if state != _NEW:
            repeat = self._repeat_outcome(number, index, state)
            if repeat is not None:
                await self._finish(repeat, journal=state == _PREV_PENDING)
                return
        prior = _PRIOR_STATUS.get(state)
        try:
            message = self._message_for(recipient)
        except Exception as exc:  # e.g. params=5: a malformed row must not end its worker
            await self._finish(
                SendOutcome(number, "skipped", error=_error_of(exc), row=index), journal=True
            )
            return
        journal = self._journal
        if journal is not None:
            try:
                await journal.record(JournalEntry(number, "pending", row=index))
            except Exception as exc:
                # Sending without a durable "pending" mark could double-send after a crash.
                self.stop(f"journal write failed: {exc}")
                reason = SendError(type="JournalError", message=f"not sent: {exc}")
                await self._finish(SendOutcome(number, "skipped", error=reason, row=index),
                                   journal=False, forget=True, prior=prior)
                return
        if self._aborted:
            # Aborted while the pending mark was written: nothing went out, leave it for resume.
            reason = SendError(type="Stopped", message="not sent: the run was stopped first")
            await self._finish(SendOutcome(number, "skipped", error=reason, row=index),
                               journal=False, forget=True, prior=prior)
            return
        counter.count = 0
        self._sending.add(task)
        outcome: SendOutcome
        forget = False
        try:
            if self._send_fn is not None:
                sent = await self._send_fn(client, number, recipient)
            else:
                sent = await client.messages.send(number, message)  # type: ignore[arg-type]
            outcome = SendOutcome(number, "sent", _message_id_of(sent), None, counter.count, index)
        except asyncio.CancelledError:
            if counter.count == 0:
                reason = SendError(type="Stopped", message="not sent: the run was stopped first")
                outcome = SendOutcome(number, "skipped", error=reason, row=index)
                forget = True  # nothing went out: a resumed run should send it
            else:
                reason = SendError(
                    type="Interrupted",
                    message="cancelled while being sent; it may have been delivered",
                )
                outcome = SendOutcome(number, "unknown", None, reason, counter.count, index)
        except ValidationError as exc:
            outcome = SendOutcome(number, "skipped", None, _error_of(exc), 0, index)
        except (OutcomeUnknownError, TransportError) as exc:
            unknown = isinstance(exc, OutcomeUnknownError) or exc.may_have_been_sent
            status: OutcomeStatus = "unknown" if unknown else "failed"
            outcome = SendOutcome(number, status, None, _error_of(exc), counter.count, index)
        except APIError as exc:
            maybe = getattr(exc, "may_have_been_sent", False)
            status = "unknown" if maybe else "failed"
            outcome = SendOutcome(number, status, None, _error_of(exc), counter.count, index)
            if self._stop_on_fatal and _is_fatal(exc):
                self.stop(f"{type(exc).__name__}: {exc}")
        except (ThrottleUnavailableError, ClientClosedError) as exc:
            # Refused before this attempt, and every later row would fail the same way.
            # With no attempt made nothing went out: leave the row for a resumed run; after
            # an attempt (then a retry) it may have been delivered, like a cancelled send.
            if counter.count:
                outcome = SendOutcome(number, "unknown", None, _error_of(exc), counter.count, index)
            else:
                outcome = SendOutcome(number, "skipped", None, _error_of(exc), 0, index)
                forget = True
            self.stop(f"{type(exc).__name__}: {exc}")
        except WhatsAppError as exc:
            outcome = SendOutcome(number, "failed", None, _error_of(exc), counter.count, index)
            if self._stop_on_fatal and _is_fatal(exc):
                self.stop(f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            # A bug somewhere below: the request may or may not have gone out.
            log.exception("broadcast: unexpected error sending to row %d", index)
            outcome = SendOutcome(number, "unknown", None, _error_of(exc), counter.count, index)
        finally:
            self._sending.discard(task)
        await self._finish(outcome, journal=True, forget=forget, prior=prior)

    def _message_for(self, recipient: Recipient) -> Message | None:
        """The message of a row (None with a custom ``send``, which builds its own).

        Raises:
            ValidationError: The row's parameters do not fit, or it has no message.
        """
        if self._send_fn is not None:
            return None
        message = recipient.message
        if message is not None:
            return message
        if self._template is not None:
            return template_message(self._template, recipient.params)
        if self._message is not None:
            if recipient.params is not None:
                raise ValidationError("params", "parameters need template=, not message=")
            return self._message
        raise ValidationError(
            "message", "this row has no message: give the broadcast template= or "
            "message=, or the Recipient a message"
        )

    def _repeat_outcome(self, number: str, index: int, state: int) -> SendOutcome | None:
        """The outcome of a number already seen (this run or a journaled one), or None to send."""
        if state == _SEEN:
            reason = SendError(type="Duplicate", message="duplicate of an earlier row; sent once")
            return SendOutcome(number, "skipped", error=reason, row=index)
        if state == _PREV_FINAL or (state == _PREV_FAILED and not self._retry_failed):
            reason = SendError(type="AlreadyDone", message="has an outcome from an earlier run")
            return SendOutcome(number, "skipped", error=reason, row=index)
        if state in (_PREV_PENDING, _PREV_UNKNOWN) and not self._resend_unknown:
            if state == _PREV_PENDING:
                reason = SendError(
                    type="Interrupted",
                    message="was being sent when an earlier run stopped; it may have been "
                    "delivered, so it is not resent (resend_unknown=True to resend)",
                )
                return SendOutcome(number, "unknown", error=reason, row=index)
            reason = SendError(type="AlreadyDone", message="unknown in an earlier run; not resent")
            return SendOutcome(number, "skipped", error=reason, row=index)
        return None

    async def _finish(
        self, outcome: SendOutcome, *, journal: bool, forget: bool = False,
        prior: str | None = None,
    ) -> None:
        if self._journal is not None and (journal or forget):
            try:
                if forget:
                    await self._journal.call(
                        _forget(self._journal.campaign, outcome.to, prior)
                    )
                else:
                    await self._journal.record(_entry_of(outcome))
            except Exception as exc:
                log.error("broadcast: journal write failed for row %d: %s", outcome.row, exc)
                self.stop(f"journal write failed: {exc}")
        self._counts[outcome.status] += 1
        if outcome.error is not None:
            key = outcome.error.key
            self._errors[key] = self._errors.get(key, 0) + 1
        if self._on_progress is not None:
            self._report_progress()
        if self._channel is not None:
            await self._channel.put(outcome)

    # ------------------------------------------------------------------ journal

    async def _open_journal(self) -> None:
        arg = self._journal_arg
        if arg is None:
            if self._resume:
                raise ConfigurationError("resume=True needs a journal=")
            return
        if isinstance(arg, Journal):
            journal = arg
            if journal._thread is None:
                await journal.open()
                self._own_journal = True
        else:
            journal = Journal(arg, campaign=self._campaign)
            await journal.open()
            self._own_journal = True
        self._journal = journal
        if not self._resume:
            if await journal.has_entries():
                raise ConfigurationError(
                    f"the journal {journal.path} already holds campaign {journal.campaign!r}: "
                    "pass resume=True to continue it, or use another campaign name"
                )
            return
        seen = self._seen

        def consume(recipient: str, status: str) -> None:
            seen.mark(recipient, _PREV_BY_STATUS.get(status, _PREV_FINAL))

        count = await journal.scan(consume)
        log.info("broadcast: resuming campaign %r with %d recorded recipients",
                 journal.campaign, count)

    async def _close_journal(self) -> None:
        if self._journal is not None and self._own_journal:
            await self._journal.close()

    # ------------------------------------------------------------------ report

    def _report_progress(self, *, force: bool = False) -> None:
        callback = self._on_progress
        if callback is None:
            return
        now = time.monotonic()
        if not force and now - self._last_progress < self._progress_interval:
            return
        self._last_progress = now
        try:
            callback(self.progress)
        except Exception:
            log.exception("broadcast: the progress callback raised")

    def _make_report(self) -> BroadcastReport:
        c = self._counts
        duration = (self._finished or time.monotonic()) - self._started
        requests = c["sent"] + c["failed"] + c["unknown"]
        journal = self._journal
        return BroadcastReport(
            total=sum(c.values()), sent=c["sent"], failed=c["failed"], unknown=c["unknown"],
            skipped=c["skipped"], errors=dict(self._errors), duration=duration,
            rate=requests / duration if duration > 0 else 0.0,
            cancelled=self._stopping,
            stop_reason=self._stop_reason if self._stopping else None,
            campaign=journal.campaign if journal is not None else None,
            journal=str(journal.path) if journal is not None else None,
        )


def _entry_of(outcome: SendOutcome) -> JournalEntry:
    error = outcome.error
    return JournalEntry(
        outcome.to, outcome.status, row=outcome.row, message_id=outcome.message_id,
        error_code=error.code if error else None, error_type=error.type if error else None,
        error_message=error.message if error else None, attempts=outcome.attempts,
    )


def _forget(campaign: str, recipient: str, prior: str | None) -> Callable[[Any], None]:
    def run(conn: Any) -> None:
        if prior is not None:
            # Deleting would erase an earlier run's "may have been sent" (or refusal).
            conn.execute(
                "UPDATE outcomes SET status = ? WHERE campaign = ? AND recipient = ? "
                "AND status = 'pending'", (prior, campaign, recipient),
            )
            return
        conn.execute(
            "DELETE FROM outcomes WHERE campaign = ? AND recipient = ? AND status = 'pending'",
            (campaign, recipient),
        )

    return run


def _message_id_of(sent: Any) -> str | None:
    value = getattr(sent, "message_id", None)
    if isinstance(value, str):
        return value
    messages = getattr(sent, "messages", None)
    if messages:
        first = getattr(messages[0], "id", None)
        return first if isinstance(first, str) else None
    return None


def template_message(
    template: Template, params: Sequence[str] | Mapping[str, str] | None
) -> Template:
    """``template`` with ``params`` as its body text variables.

    Args:
        template: Name and language (its components are replaced).
        params: A sequence for ``{{1}}``, ``{{2}}``...; or a mapping with keys
            ``"1"``, ``"2"``... (positional) or parameter names (named variables).

    Raises:
        ValidationError: Positional keys with gaps, or a lone string.
    """
    if params is None:
        return template
    if isinstance(params, str):
        raise ValidationError("params", "must be a sequence or mapping of strings, not one string")
    values: list[TextParameter]
    if isinstance(params, Mapping):
        keys = list(params)
        if all(isinstance(k, str) and k.isdigit() for k in keys):
            # Positional variables {{1}}, {{2}}...: the wire wants them in order, unnamed.
            ordered = sorted(keys, key=int)
            if [int(k) for k in ordered] != list(range(1, len(ordered) + 1)):
                raise ValidationError(
                    "params", f"positional keys must be 1..{len(ordered)} with no gaps, "
                    f"got {', '.join(ordered)}"
                )
            values = [TextParameter(text=params[k]) for k in ordered]
        else:
            values = [TextParameter(text=v, parameter_name=k) for k, v in params.items()]
    else:
        values = [TextParameter(text=v) for v in params]
    if not values:
        return template
    return Template(
        name=template.name, language=template.language,
        components=[BodyComponent(parameters=list(values))],
    )
