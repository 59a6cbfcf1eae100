"""What is known about a request's fate, from how it ended: one pure rule.

Retry uses it to decide what may be tried again; the broadcast engine uses it
to record each row's outcome. Both therefore agree on what "may have been
sent" means:

* :attr:`Fate.SENT`: the API accepted the request.
* :attr:`Fate.NOT_SENT`: it certainly never reached the API (no attempt got
  past the throttle, a connection could not be made, the input was refused
  before any request). Safe to send again.
* :attr:`Fate.REFUSED`: the API (or the library, before sending) refused it;
  nothing was created.
* :attr:`Fate.UNKNOWN`: it may have been processed (a timeout or a broken
  connection after the body left, a 5xx without a Graph body, a cancel during
  the exchange). Resending may deliver a message twice.
"""

from __future__ import annotations

import asyncio
import enum

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
    UnexpectedResponseError,
    ValidationError,
    WhatsAppError,
)

__all__ = ["Fate", "fate_of", "stops_broadcast"]

# Template refusals that every later row of the same broadcast would get too.
_FATAL_TEMPLATE_CODES = frozenset({132001, 132015, 132016})


class Fate(enum.Enum):
    """The fate of a request; see the module docs."""

    SENT = "sent"
    NOT_SENT = "not_sent"
    REFUSED = "refused"
    UNKNOWN = "unknown"


def fate_of(exc: BaseException | None, *, attempts: int) -> Fate:
    """Classify how a request ended.

    Args:
        exc: What it raised, or None when it returned an answer.
        attempts: HTTP attempts that went on the wire (past the throttle).

    Returns:
        Its :class:`Fate`.
    """
    if exc is None:
        return Fate.SENT
    if isinstance(exc, OutcomeUnknownError):
        return Fate.UNKNOWN  # the class says it, whatever a caller set its flag to
    if isinstance(exc, TransportError):
        return Fate.UNKNOWN if exc.may_have_been_sent else Fate.NOT_SENT
    if isinstance(exc, UnexpectedResponseError):
        return Fate.UNKNOWN if exc.may_have_been_sent else Fate.REFUSED
    if isinstance(exc, APIError):
        return Fate.REFUSED
    if isinstance(exc, ValidationError):
        return Fate.NOT_SENT  # refused before any request was built
    if isinstance(exc, (asyncio.CancelledError, ThrottleUnavailableError, ClientClosedError)):
        # Stopped from outside: harmless before the first attempt, but once one
        # was on the wire (and this is a retry, or the exchange was cut) it may
        # have been processed.
        return Fate.UNKNOWN if attempts else Fate.NOT_SENT
    if isinstance(exc, WhatsAppError):
        return Fate.REFUSED
    # Any other failure (a bug below, a user's send function) cannot prove the
    # request stayed here.
    return Fate.UNKNOWN


def stops_broadcast(exc: BaseException) -> bool:
    """Whether ``exc`` would fail every later row the same way, so a broadcast stops.

    A revoked token, a missing permission, a policy block, a spam limit, a
    closed client or an unusable template: carrying on would only collect the
    same refusal once per row.
    """
    if isinstance(
        exc, (AuthenticationError, PermissionDeniedError, PolicyError, SpamRateLimitError,
              ClientClosedError, ConfigurationError)
    ):
        return True
    return isinstance(exc, TemplateError) and exc.code in _FATAL_TEMPLATE_CODES
