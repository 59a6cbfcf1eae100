"""fate_of: one rule for what is known about a request's fate, shared by retry and bulk."""

from __future__ import annotations

import asyncio

import pytest

from whatsapp_async import (
    APIError,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    ConnectError,
    ConnectionLostError,
    Fate,
    InvalidParameterError,
    OutcomeUnknownError,
    RequestTimeout,
    TemplateError,
    ThrottleUnavailableError,
    UnexpectedResponseError,
    ValidationError,
    fate_of,
)
from whatsapp_async.outcome import stops_broadcast
from whatsapp_async.retry import may_have_been_sent


def api(cls: type[APIError], status: int = 400, code: int | None = 100) -> APIError:
    return cls(status=status, code=code, message="x")


@pytest.mark.parametrize(
    ("exc", "attempts", "fate"),
    [
        (None, 1, Fate.SENT),
        (ConnectError("no route"), 1, Fate.NOT_SENT),
        (RequestTimeout("slow", may_have_been_sent=True), 1, Fate.UNKNOWN),
        (RequestTimeout("pool", may_have_been_sent=False), 1, Fate.NOT_SENT),
        (ConnectionLostError("reset"), 1, Fate.UNKNOWN),
        (OutcomeUnknownError("maybe"), 1, Fate.UNKNOWN),
        (api(InvalidParameterError), 1, Fate.REFUSED),
        (api(UnexpectedResponseError, 502, None), 1, Fate.UNKNOWN),
        (api(UnexpectedResponseError, 404, None), 1, Fate.REFUSED),
        (api(UnexpectedResponseError, 200, None), 1, Fate.UNKNOWN),  # accepted, unreadable
        (ValidationError("to", "bad"), 0, Fate.NOT_SENT),
        (asyncio.CancelledError(), 0, Fate.NOT_SENT),
        (asyncio.CancelledError(), 1, Fate.UNKNOWN),
        (ThrottleUnavailableError("down"), 0, Fate.NOT_SENT),
        (ThrottleUnavailableError("down"), 2, Fate.UNKNOWN),
        (ClientClosedError("closed"), 0, Fate.NOT_SENT),
        (ConfigurationError("no number"), 0, Fate.REFUSED),
        (RuntimeError("a bug below"), 0, Fate.UNKNOWN),
    ],
)
def test_fate_of_each_ending(exc: BaseException | None, attempts: int, fate: Fate) -> None:
    assert fate_of(exc, attempts=attempts) is fate


def test_retry_and_fate_agree_on_may_have_been_sent() -> None:
    assert may_have_been_sent(ConnectionLostError("reset"))
    assert not may_have_been_sent(ConnectError("refused"))
    assert not may_have_been_sent(api(InvalidParameterError))


@pytest.mark.parametrize(
    ("exc", "stops"),
    [
        (api(AuthenticationError, 401, 190), True),
        (api(TemplateError, 400, 132001), True),
        (api(TemplateError, 400, 132000), False),  # a parameter count of one row
        (api(InvalidParameterError), False),
        (ClientClosedError("closed"), True),
        (ConnectError("refused"), False),
    ],
)
def test_errors_every_later_row_would_hit_stop_a_broadcast(exc: BaseException, stops: bool) -> None:
    assert stops_broadcast(exc) is stops


def test_outcome_unknown_error_is_unknown_whatever_its_flag() -> None:
    assert fate_of(OutcomeUnknownError("x", may_have_been_sent=False), attempts=1) is Fate.UNKNOWN
