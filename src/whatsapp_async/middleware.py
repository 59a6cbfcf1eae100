"""The seam around every HTTP attempt: an ordered chain of middlewares.

Each attempt of an :class:`~whatsapp_async.APIRequest` (the first one and
every retry) runs through the chain. A middleware is any async callable
``(attempt, call_next) -> Answer``: it may look at the attempt, call
``call_next(attempt)`` to go on, and look at the :class:`Answer` (or the
exception) that comes back. The client's own steps are middlewares too, in
this order, outermost first:

1. the throttle: takes a token of the request's business number, and tells the
   throttle what each answer said (a 130429 slows the number down);
2. the user's middlewares, the client's then the view's
   (``WhatsAppClient(middleware=[...])``, :meth:`WhatsAppClient.with_middleware`);
3. the HTTP exchange itself, which logs each answer at DEBUG.

So a user middleware sees exactly the attempts that go on the wire, after
their throttle wait. An error answer (4xx/5xx) is an :class:`Answer` here, not
an exception: the client raises :attr:`Answer.error` after the chain.
Connection failures arrive as :class:`~whatsapp_async.TransportError`.

Example, a latency metric::

    async def timing(attempt: Attempt, call_next: CallNext) -> Answer:
        start = time.perf_counter()
        try:
            return await call_next(attempt)
        finally:
            histogram.observe(attempt.request.label, time.perf_counter() - start)

    wa = WhatsAppClient(middleware=[timing])
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from ._error_answers import error_from_response, redirect_error
from ._usage import APP_USAGE, BUSINESS_USAGE
from .errors import APIError
from .request import APIRequest
from .throttle import acquire_nowait_for, apply_pacing_rules, observer_for, usage_hook

if TYPE_CHECKING:
    from .throttle import Throttle

__all__ = ["Answer", "Attempt", "AttemptCounter", "CallNext", "Middleware"]



class Attempt(msgspec.Struct, frozen=True, gc=False):
    """One HTTP attempt of a request.

    Attributes:
        request: The request being made.
        number: 1 for the first attempt, 2 for the first retry, and so on.
    """

    request: APIRequest[Any]
    number: int

    def __repr__(self) -> str:
        return f"<Attempt {self.number} of {self.request.label}>"


class Answer(msgspec.Struct, kw_only=True, gc=False):
    """What the server answered to one attempt, before it is decoded.

    (A Struct rather than a plain class: it is made once per attempt, on the
    hot path, and a Struct is built without running Python code.)

    Attributes:
        status: HTTP status.
        headers: Response headers.
        body: The raw body.
        method: HTTP method of the request.
        path: Path of the request (``/1234567890/messages``).
    """

    status: int
    headers: Mapping[str, str]
    body: bytes
    method: str
    path: str
    built_error: APIError | None = None

    @property
    def ok(self) -> bool:
        """Whether the status is 2xx (the call was accepted)."""
        return self.status < 300

    @property
    def error(self) -> APIError | None:
        """The typed exception of an answer that is not 2xx (built once), None for a success.

        A 3xx is an error too: API calls never follow redirects.
        """
        if self.status < 300:
            return None
        if self.built_error is None:
            if self.status < 400:
                self.built_error = redirect_error(
                    self.status, method=self.method, path=self.path
                )
            else:
                self.built_error = error_from_response(
                    self.status, self.headers, self.body, method=self.method, path=self.path
                )
        return self.built_error

    def __repr__(self) -> str:
        return f"<Answer {self.status} to {self.method} {self.path}>"


CallNext = Callable[[Attempt], Awaitable[Answer]]


class Middleware(Protocol):
    """An async callable run around each HTTP attempt; see the module docs."""

    async def __call__(self, attempt: Attempt, call_next: CallNext) -> Answer:
        """Handle ``attempt``, normally by returning ``await call_next(attempt)``."""
        ...


class AttemptCounter:
    """A middleware that counts the attempts that went on the wire.

    It sits after the throttle, so a count of 0 proves nothing was sent (the
    broadcast engine relies on that to leave such a row for a resumed run).
    """

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    async def __call__(self, attempt: Attempt, call_next: CallNext) -> Answer:
        self.count += 1
        return await call_next(attempt)


def chain(middlewares: Sequence[Middleware], innermost: CallNext) -> CallNext:
    """Compose ``middlewares`` (outermost first) around ``innermost``.

    Done once per client view, not per call.
    """
    handler = innermost
    for middleware in reversed(middlewares):
        handler = _link(middleware, handler)
    return handler


def _link(middleware: Middleware, call_next: CallNext) -> CallNext:
    async def step(attempt: Attempt) -> Answer:
        return await middleware(attempt, call_next)

    return step


class ThrottleStep:
    """The built-in outermost step: a token before, and the answer reported after."""

    __slots__ = ("acquire_nowait", "call_next", "note_usage", "observe", "throttle")

    def __init__(self, throttle: Throttle, call_next: CallNext) -> None:
        self.throttle = throttle
        self.observe = observer_for(throttle)
        self.note_usage = usage_hook(throttle)
        self.acquire_nowait = acquire_nowait_for(throttle)
        self.call_next = call_next

    async def __call__(self, attempt: Attempt) -> Answer:
        phone_number_id = attempt.request.phone_number_id
        if phone_number_id is None:
            return await self.call_next(attempt)
        nowait = self.acquire_nowait
        # A free token is taken without a coroutine: most sends find one.
        if nowait is None or not nowait(phone_number_id):
            await self.throttle.acquire(phone_number_id)
        answer = await self.call_next(attempt)
        if self.note_usage is not None:
            business = answer.headers.get(BUSINESS_USAGE)
            app = answer.headers.get(APP_USAGE)
            if business is not None or app is not None:
                self.note_usage(phone_number_id, business, app)
        if self.observe is not None:
            await self.observe(phone_number_id, answer)
        elif answer.status >= 400:
            await apply_pacing_rules(self.throttle, phone_number_id, answer)
        return answer


def pipeline(
    throttle: Throttle, middlewares: Sequence[Middleware], exchange: CallNext
) -> CallNext:
    """The whole chain of one client view: throttle, users' middlewares, exchange.

    Built once per view, not per call.
    """
    return ThrottleStep(throttle, chain(middlewares, exchange))
