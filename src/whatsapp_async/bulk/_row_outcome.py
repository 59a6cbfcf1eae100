"""How a row's send ended, as a :class:`SendOutcome`: the status rule of a broadcast.

What a failure means for the request comes from :func:`whatsapp_async.outcome.fate_of`,
the rule retry uses too; this module only maps that fate to a row status and
adds what a broadcast must do besides: forget the row's ``pending`` mark when
nothing went out (so a resumed run sends it), and stop the run when every
later row would fail the same way.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, NamedTuple

from ..errors import (
    MAY_HAVE_BEEN_SENT,
    APIError,
    ClientClosedError,
    ThrottleUnavailableError,
    TransportError,
    ValidationError,
    WhatsAppError,
)
from ..outcome import Fate, fate_of, stops_broadcast
from ._types import OutcomeStatus, SendError, SendOutcome

__all__ = ["STOPPED_FIRST", "FailedSend", "error_of", "failed_send", "message_id_of", "row_status"]

log = logging.getLogger("whatsapp_async")

_STATUS_OF_FATE: dict[Fate, OutcomeStatus] = {
    Fate.SENT: "sent", Fate.UNKNOWN: "unknown", Fate.REFUSED: "failed",
}

# Stopped from outside the row, and every later row would be stopped the same way.
_HALTS_RUN = (ThrottleUnavailableError, ClientClosedError)

#: Why a row the run stopped before its send is skipped.
STOPPED_FIRST = SendError(type="Stopped", message="not sent: the run was stopped first")
_INTERRUPTED = SendError(
    type="Interrupted", message=f"cancelled while being sent; {MAY_HAVE_BEEN_SENT}"
)


def row_status(fate: Fate, attempts: int) -> OutcomeStatus:
    """The row status of a request's fate.

    Args:
        fate: What :func:`~whatsapp_async.outcome.fate_of` said.
        attempts: HTTP attempts that went on the wire for the row.

    Returns:
        ``sent``, ``unknown``, ``failed`` (refused, or tried and certainly not
        sent) or ``skipped`` (never tried).
    """
    if fate is Fate.NOT_SENT:
        return "failed" if attempts else "skipped"
    return _STATUS_OF_FATE[fate]


class FailedSend(NamedTuple):
    """What a failed send means for its row and for the run.

    Attributes:
        outcome: The row's outcome.
        forget: Nothing went out: drop the row's ``pending`` mark instead of
            recording the outcome, so a resumed run sends it.
        stop: Why the run must stop, or None to go on.
    """

    outcome: SendOutcome
    forget: bool = False
    stop: str | None = None


def failed_send(
    exc: BaseException, to: str, index: int, attempts: int, *, stop_on_fatal: bool
) -> FailedSend:
    """Judge a send to ``to`` (row ``index``) that raised ``exc`` after ``attempts`` attempts.

    Called from the ``except`` block of the send, so that an unexpected
    exception is logged with its traceback.

    Args:
        exc: What the send raised (a cancel included).
        to: The normalised recipient.
        index: The row's position in the input.
        attempts: HTTP attempts that went on the wire.
        stop_on_fatal: Stop the run on errors every later row would hit.

    Returns:
        The row's outcome and what the run does next.
    """
    if isinstance(exc, ValidationError):
        # The row's input was refused before any request; the run goes on.
        return FailedSend(SendOutcome(to, "skipped", None, error_of(exc), 0, index))
    fate = fate_of(exc, attempts=attempts)
    cancelled = isinstance(exc, asyncio.CancelledError)
    halts = isinstance(exc, _HALTS_RUN)
    stop = None
    if halts or (stop_on_fatal and stops_broadcast(exc)):
        stop = f"{type(exc).__name__}: {exc}"
    if fate is Fate.NOT_SENT and (cancelled or halts):
        # Nothing went out: leave the row for a resumed run.
        error = STOPPED_FIRST if cancelled else error_of(exc)
        return FailedSend(SendOutcome(to, "skipped", error=error, row=index), True, stop)
    status: OutcomeStatus
    if fate is Fate.NOT_SENT and isinstance(exc, TransportError):
        # A transport failure means a request was tried, even with no attempt
        # counted (a custom send made it another way): "failed", so that
        # retry_failed=True can send it again; "skipped" would count as done.
        status = "failed"
    else:
        status = row_status(fate, attempts)
    if not isinstance(exc, (WhatsAppError, asyncio.CancelledError)):
        # A bug somewhere below: the request may or may not have gone out.
        log.exception("broadcast: unexpected error sending to row %d", index)
    error = _INTERRUPTED if cancelled else error_of(exc)
    return FailedSend(SendOutcome(to, status, None, error, attempts, index), False, stop)


def error_of(exc: BaseException) -> SendError:
    """The :class:`SendError` of an exception: its class, text and Graph code."""
    code = exc.code if isinstance(exc, APIError) else None
    return SendError(type=type(exc).__name__, message=str(exc) or type(exc).__name__, code=code)


def message_id_of(sent: Any) -> str | None:
    """The ``wamid`` in what a send returned (a :class:`SentMessage` or alike), if any."""
    value = getattr(sent, "message_id", None)
    if isinstance(value, str):
        return value
    messages = getattr(sent, "messages", None)
    if messages:
        first = getattr(messages[0], "id", None)
        return first if isinstance(first, str) else None
    return None
