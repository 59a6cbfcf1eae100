"""The public handle of a broadcast: its arguments, its control, and reading its outcomes."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterable, AsyncIterator, Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any

from .._journal_backend import JournalBackend
from ..errors import ConfigurationError
from ..types.messages import Language, Message, Template
from ._channel import OutcomeChannel
from ._control import RunControl
from ._engine import Engine
from ._row_send import RowSender
from ._tally import Tally
from ._types import BroadcastProgress, BroadcastReport, Recipient, SendFunction, SendOutcome

if TYPE_CHECKING:
    from ..client import WhatsAppClient

__all__ = ["Broadcast"]


def _check_shared(journal: object, lease: float) -> None:
    """Refuse ``shared=True`` without a PostgreSQL journal, or with a lease that is no time."""
    from .._journal_backend import is_dsn
    from .._journal_pg import PostgresJournal

    if not (is_dsn(journal) or isinstance(journal, PostgresJournal)):
        raise ConfigurationError("shared=True needs a PostgreSQL journal "
                                 "(journal='postgresql://...'): workers share its rows")
    if not lease > 0:
        raise ConfigurationError(f"lease must be > 0 seconds, got {lease!r}")


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
    ``(client, to, recipient)`` used instead of ``client.messages.send`` (for
    dry runs and custom payloads). Only sends through the ``client`` it is
    given are counted, so a custom send cut short (cancelled, or stopped by the
    throttle or a closed client) is recorded ``unknown`` and never resent
    silently, even when it had not started.

    With ``shared=True`` (and a PostgreSQL journal) it is one of many
    workers on the campaign, each given the same rows: the first loads them
    into the journal (a different list under the same campaign name is
    refused), and every worker claims batches of them, holding each batch
    under a lease of ``lease`` seconds that it renews while alive. A dead
    worker's rows are taken over once its lease runs out, by the resume
    rules: a row it may have sent is recorded ``unknown``, never resent. Its
    report counts the rows this worker took.

    With ``preflight=True`` (and ``template=``, or a ``Template`` as
    ``message=``), the template's definition is
    fetched before the first row (a missing or unapproved template raises
    ``ValidationError`` from the run, and nothing is sent), and every row's
    message is checked against it: a row that does not fit is ``skipped``
    with the ``ValidationError`` (naming template, component and parameter)
    and never sent. ``marketing_messages=True`` sends each row through Meta's
    Marketing Messages API (``/{phone-number-id}/marketing_messages``).

    Raises:
        ConfigurationError: Both ``template`` and ``message``, a concurrency
            below 1, a client without a business phone number, or
            ``shared=True`` without a PostgreSQL journal or with a lease <= 0.
        ValidationError: The template name or language is not valid.
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
        journal: str | os.PathLike[str] | JournalBackend | None = None,
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
        preflight: bool = False,
        marketing_messages: bool = False,
        shared: bool = False,
        lease: float = 30.0,
    ) -> None:
        if template is not None and message is not None:
            raise ConfigurationError("give either template= or message=, not both")
        if shared:
            _check_shared(journal, lease)
            total = None  # each worker takes a share of the rows: no count to show
        if concurrency is not None and concurrency < 1:
            raise ConfigurationError("concurrency must be >= 1")
        if client.phone_number_id is None:
            raise ConfigurationError(
                "broadcast needs a business phone number: pass phone_number_id= to the client "
                "or use client.for_number(...)"
            )
        named: Template | None = None
        if template is not None:
            named = Template(name=template, language=Language(code=language))
            named.validate()  # a bad name or language would skip every row
        if total is None and hasattr(rows, "__len__"):
            with contextlib.suppress(TypeError):
                total = len(rows)  # type: ignore[arg-type]
        self._control = RunControl()
        self._tally = Tally(total, on_progress, progress_interval)
        sender = RowSender(
            self._control, self._tally, template=named, message=message, send=send,
            resend_unknown=resend_unknown, retry_failed=retry_failed,
            stop_on_fatal=stop_on_fatal, preflight=preflight,
            marketing_messages=marketing_messages, campaign=campaign,
        )
        self._engine = Engine(
            client, rows, sender, self._control, self._tally, concurrency=concurrency,
            drain_timeout=drain_timeout, journal=journal, campaign=campaign, resume=resume,
            shared=shared, lease=lease,
        )
        self._task: asyncio.Task[None] | None = None

    @property
    def report(self) -> BroadcastReport | None:
        """The report, once the run has ended (None before)."""
        return self._engine.report

    # ------------------------------------------------------------------ control

    def stop(self, reason: str = "stopped") -> None:
        """Stop taking rows; in-flight sends finish (within ``drain_timeout``) and are recorded.

        Args:
            reason: Why, for the log and :attr:`BroadcastReport.stop_reason`.
        """
        self._control.stop(reason)

    def abort(self) -> None:
        """Stop now, cancelling sends in flight (``unknown`` if they may have gone out)."""
        self._control.abort()

    @property
    def progress(self) -> BroadcastProgress:
        """A snapshot of the counts so far."""
        return self._tally.progress(self._control.in_flight)

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
        """Run to the end (or until stopped or cancelled) and return the report.

        Returns:
            The report.

        Raises:
            RuntimeError: The broadcast already ran.
            BaseException: What the input, or opening the journal, raised.
        """
        async for _ in self._stream(collect=False):
            pass
        report = self._engine.report
        assert report is not None
        return report

    async def aclose(self) -> None:
        """Stop the run if it is still going and wait until everything is recorded."""
        if self._task is None:
            return
        self.stop("closed by the caller")
        self._control.unbind_channel()
        await self._wait_runner()

    async def _stream(self, *, collect: bool = True) -> AsyncIterator[SendOutcome]:
        if self._task is not None:
            raise RuntimeError("a Broadcast runs once; call wa.broadcast(...) again")
        capacity = max(64, self._engine.max_concurrency * 2)
        channel = self._control.channel = OutcomeChannel(capacity) if collect else None
        self._task = asyncio.create_task(self._engine.run(), name="whatsapp-async-broadcast")
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
                self._control.unbind_channel()
                await self._wait_runner()

    def _on_cancel(self) -> None:
        if self._control.stopping:
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
