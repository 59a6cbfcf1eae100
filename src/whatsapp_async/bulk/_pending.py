"""A row's ``pending`` mark, written by its first HTTP attempt: after the throttle, before the wire.

A journal's ``pending`` means "this send may have gone out": a resumed run
reports such a row ``unknown`` and never sends it again. So the mark must not
be written while the row still waits for its throttle token: a run killed then
would leave every waiting row ``pending``, and those recipients would silently
never get the message. Each broadcast worker sends through a client view that
carries a :class:`RowAttempts` middleware; middlewares run after the throttle
step, so the mark it writes lands between the token and the first byte.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..middleware import Answer, Attempt, AttemptCounter, CallNext

if TYPE_CHECKING:
    from .._journal_backend import JournalBackend
    from ..journal import JournalEntry

__all__ = ["PendingMarkFailed", "RowAttempts"]


class PendingMarkFailed(Exception):
    """The row's ``pending`` mark could not be written, so the row was not sent.

    Not a :class:`~whatsapp_async.errors.WhatsAppError` on purpose: the
    transport hands those to the retry policy as a failed attempt, and a retry
    would go on the wire without the mark.

    Attributes:
        error: What the journal raised.
    """

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class RowAttempts(AttemptCounter):
    """A worker's middleware: counts its row's attempts and writes the row's mark first.

    :meth:`arm` gives it the mark of the row about to be sent; the first
    attempt to reach it (after the throttle wait) writes that mark and waits
    until it is durable before going on. Later attempts, retries included,
    only count. Without an armed mark (no journal, or a custom ``send=``
    function, whose mark is written before it is called) it is a plain
    :class:`AttemptCounter`.
    """

    __slots__ = ("journal", "mark")

    def __init__(self) -> None:
        super().__init__()
        self.journal: JournalBackend | None = None
        self.mark: JournalEntry | None = None

    def arm(self, journal: JournalBackend, mark: JournalEntry) -> None:
        """Write ``mark`` to ``journal`` before the next attempt goes on the wire."""
        self.journal = journal
        self.mark = mark

    async def __call__(self, attempt: Attempt, call_next: CallNext) -> Answer:
        if self.mark is not None:
            await self._write_mark()
        self.count += 1
        return await call_next(attempt)

    async def _write_mark(self) -> None:
        """Write the armed mark and return once durable.

        Raises:
            PendingMarkFailed: The journal refused it: do not send.
            asyncio.CancelledError: The send was cancelled (an abort, the drain
                timeout) meanwhile; the write still goes ahead, before the
                row's ``forget_pending`` that follows (the journal keeps the
                order of its writes).
        """
        mark, journal = self.mark, self.journal
        assert mark is not None and journal is not None
        try:
            await journal.record_nowait(mark)
        except Exception as exc:
            raise PendingMarkFailed(exc) from exc
        self.mark = None
