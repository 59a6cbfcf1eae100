"""``WebhookRouter``: verify, parse, dedupe and dispatch webhook updates to handlers."""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, overload

from ..errors import ConfigurationError
from ..types.webhooks import MESSAGE_KINDS, MessagesChange, MessagesValue, Notification
from ._dedupe import RecentKeys
from ._errors import InvalidPayloadError, WebhookVerificationError
from ._events import ChangeEvent, ErrorEvent, MessageEvent, Sender, StatusEvent, message_text
from ._parse import parse_notification
from ._signature import verify_challenge, verify_signature

if TYPE_CHECKING:
    from aiohttp import web

    from ..client import WhatsAppClient
    from ._asgi import ASGIApp

__all__ = ["MAX_BODY_SIZE", "WebhookResponse", "WebhookRouter"]

log = logging.getLogger("whatsapp_async.webhooks")

#: Meta's documented maximum webhook payload: 3 MB.
MAX_BODY_SIZE = 3 * 1024 * 1024

MessageHandler = Callable[[MessageEvent], Awaitable[Any]]
StatusHandler = Callable[[StatusEvent], Awaitable[Any]]
ErrorHandler = Callable[[ErrorEvent], Awaitable[Any]]
ChangeHandler = Callable[[ChangeEvent], Awaitable[Any]]
MH = TypeVar("MH", bound=MessageHandler)
SH = TypeVar("SH", bound=StatusHandler)
EH = TypeVar("EH", bound=ErrorHandler)
CH = TypeVar("CH", bound=ChangeHandler)


class WebhookResponse(NamedTuple):
    """What to answer Meta, independent of the web framework."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain"


_OK = WebhookResponse(200, b"OK")
_FORBIDDEN = WebhookResponse(403, b"Forbidden")
_TOO_LARGE = WebhookResponse(413, b"Payload Too Large")
_BAD_REQUEST = WebhookResponse(400, b"Bad Request")
_UNAVAILABLE = WebhookResponse(503, b"Shutting down")

#: Seconds :meth:`WebhookRouter.aclose` gives cancelled handlers to finish.
_CANCEL_GRACE = 1.0


@dataclass(frozen=True)
class _MessageRoute:
    handler: MessageHandler
    kinds: frozenset[str] | None
    pattern: re.Pattern[str] | None
    senders: frozenset[str] | None


@dataclass(frozen=True)
class _StatusRoute:
    handler: StatusHandler
    statuses: frozenset[str] | None


@dataclass(frozen=True)
class _ChangeRoute:
    handler: ChangeHandler
    fields: frozenset[str] | None


def _names(value: str | Collection[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset((value,) if isinstance(value, str) else value)


def _check_async(handler: object) -> None:
    call = getattr(handler, "__call__", None)  # noqa: B004 - also accept async callables
    if not (inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(call)):
        raise ConfigurationError(f"webhook handler {handler!r} must be an async function")


def _handler_name(handler: object) -> str:
    return getattr(handler, "__qualname__", None) or repr(handler)


class WebhookRouter:
    """Receive Meta's webhooks and call your async handlers.

    It checks the ``X-Hub-Signature-256`` HMAC, parses the body into typed
    Structs, drops redelivered updates, and starts one task per matching
    handler so the endpoint answers 200 at once. A handler that raises is
    logged and affects nothing else. Every matching handler runs (in
    registration order), not only the first.

    Serve it with :meth:`aiohttp_app`, :meth:`add_aiohttp_routes` or
    :meth:`asgi_app`, or call :meth:`handle` / :meth:`handshake` from any
    framework. Call :meth:`aclose` on shutdown (the adapters do) to let running
    handlers finish.

    Example::

        router = WebhookRouter(app_secret=..., verify_token=..., client=wa)

        @router.on_message(kind="text", text=r"(?i)^hi")
        async def greet(event: MessageEvent) -> None:
            await event.reply_text(f"Hello {event.sender.name}!")

    Args:
        app_secret: The app secret that signs the webhooks (App Dashboard).
        verify_token: The token you chose for the GET handshake; without it
            the handshake is refused.
        client: The client handlers answer through; events bind it to the
            receiving number with ``client.for_number``.
        dedupe_size: How many recent message ids and (status id, status)
            pairs to remember to drop redeliveries; 0 turns dedupe off.
        max_body_size: Larger bodies are refused with 413 (Meta's cap is 3 MB).
        max_concurrency: At most this many handlers run at once (the others
            wait their turn); None does not limit. Meta asks for fast handlers
            and a big batch can hold 1,000 updates.

    Attributes:
        client: The client replies go through; may be set after construction
            (e.g. once the app has opened it).
        max_body_size: The body size cap in bytes.

    Raises:
        ConfigurationError: ``app_secret`` is empty or a limit is out of range.
    """

    def __init__(
        self,
        *,
        app_secret: str | bytes,
        verify_token: str | None = None,
        client: WhatsAppClient | None = None,
        dedupe_size: int = 10_000,
        max_body_size: int = MAX_BODY_SIZE,
        max_concurrency: int | None = None,
    ) -> None:
        if not app_secret:
            raise ConfigurationError("app_secret must not be empty")
        if dedupe_size < 0 or max_body_size < 0:
            raise ConfigurationError("dedupe_size and max_body_size must be >= 0")
        if max_concurrency is not None and max_concurrency < 1:
            raise ConfigurationError("max_concurrency must be >= 1 or None")
        self._app_secret = app_secret
        self._verify_token = verify_token or None
        self.client = client
        self.max_body_size = max_body_size
        self._seen = RecentKeys(dedupe_size)
        self._message_routes: list[_MessageRoute] = []
        self._status_routes: list[_StatusRoute] = []
        self._error_routes: list[ErrorHandler] = []
        self._change_routes: list[_ChangeRoute] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        self._max_concurrency = max_concurrency
        # Created lazily: a Semaphore made outside a running loop binds to the wrong one
        # on Python 3.10 (routers are usually built at import time).
        self._slots: asyncio.Semaphore | None = None

    def __repr__(self) -> str:
        return (
            f"<WebhookRouter app_secret='***' handlers={self.handler_count} "
            f"running={len(self._tasks)}{' closed' if self._closed else ''}>"
        )

    @property
    def handler_count(self) -> int:
        """How many handlers are registered."""
        return (len(self._message_routes) + len(self._status_routes)
                + len(self._error_routes) + len(self._change_routes))

    @property
    def running(self) -> int:
        """How many handler tasks are running now."""
        return len(self._tasks)

    # ------------------------------------------------------------- registration

    @overload
    def on_message(self, handler: MH, /) -> MH: ...

    @overload
    def on_message(
        self,
        handler: None = None,
        /,
        *,
        kind: str | Collection[str] | None = None,
        text: str | re.Pattern[str] | None = None,
        from_: str | Collection[str] | None = None,
    ) -> Callable[[MH], MH]: ...

    def on_message(
        self,
        handler: MessageHandler | None = None,
        /,
        *,
        kind: str | Collection[str] | None = None,
        text: str | re.Pattern[str] | None = None,
        from_: str | Collection[str] | None = None,
    ) -> Any:
        """Register a handler for inbound messages (usable bare or with filters).

        Args:
            handler: The handler, when used as a bare ``@router.on_message``.
            kind: Message kind(s): ``"text"``, ``"image"``, ``"audio"``,
                ``"video"``, ``"document"``, ``"sticker"``, ``"location"``,
                ``"contacts"``, ``"interactive"``, ``"button"``, ``"reaction"``,
                ``"order"``, ``"system"``, ``"unsupported"`` or ``"unknown"``.
            text: Regular expression searched in the message's text (text body,
                button text, reply title or caption); the match is ``event.match``.
            from_: Sender number(s) (with or without ``+``).

        Returns:
            The handler unchanged (or a decorator that returns it).

        Raises:
            ConfigurationError: Unknown kind, or the handler is not async.
        """
        kinds = _names(kind)
        if kinds is not None and not kinds <= MESSAGE_KINDS:
            unknown = ", ".join(sorted(kinds - MESSAGE_KINDS))
            raise ConfigurationError(
                f"unknown message kind(s) {unknown}; use {', '.join(sorted(MESSAGE_KINDS))}"
            )
        pattern = re.compile(text) if isinstance(text, str) else text
        senders = _names(from_)
        if senders is not None:
            senders = frozenset(s.lstrip("+") for s in senders)

        def register(h: MessageHandler) -> MessageHandler:
            _check_async(h)
            self._message_routes.append(_MessageRoute(h, kinds, pattern, senders))
            return h

        return register(handler) if handler is not None else register

    @overload
    def on_status(self, handler: SH, /) -> SH: ...

    @overload
    def on_status(
        self, handler: None = None, /, *, status: str | Collection[str] | None = None
    ) -> Callable[[SH], SH]: ...

    def on_status(
        self, handler: StatusHandler | None = None, /, *,
        status: str | Collection[str] | None = None,
    ) -> Any:
        """Register a handler for status updates of messages you sent.

        Args:
            handler: The handler, when used as a bare ``@router.on_status``.
            status: Status value(s) to receive: ``"sent"``, ``"delivered"``,
                ``"read"``, ``"failed"``, ``"played"`` (others are passed as they come).

        Returns:
            The handler unchanged (or a decorator that returns it).

        Raises:
            ConfigurationError: The handler is not async.
        """
        statuses = _names(status)

        def register(h: StatusHandler) -> StatusHandler:
            _check_async(h)
            self._status_routes.append(_StatusRoute(h, statuses))
            return h

        return register(handler) if handler is not None else register

    def on_error(self, handler: EH, /) -> EH:
        """Register a handler for account- or app-level errors (``value.errors[]``).

        Failed sends arrive as statuses (``on_status(status="failed")``), and
        handler exceptions are logged, not routed here.

        Raises:
            ConfigurationError: The handler is not async.
        """
        _check_async(handler)
        self._error_routes.append(handler)
        return handler

    @overload
    def on_change(self, handler: CH, /) -> CH: ...

    @overload
    def on_change(
        self, handler: None = None, /, *, field: str | Collection[str] | None = None
    ) -> Callable[[CH], CH]: ...

    def on_change(
        self, handler: ChangeHandler | None = None, /, *,
        field: str | Collection[str] | None = None,
    ) -> Any:
        """Register a handler for changes of other fields than ``messages``.

        Args:
            handler: The handler, when used as a bare ``@router.on_change``.
            field: Field name(s), e.g. ``"message_template_status_update"``.

        Returns:
            The handler unchanged (or a decorator that returns it).

        Raises:
            ConfigurationError: The handler is not async.
        """
        fields = _names(field)

        def register(h: ChangeHandler) -> ChangeHandler:
            _check_async(h)
            self._change_routes.append(_ChangeRoute(h, fields))
            return h

        return register(handler) if handler is not None else register

    # ------------------------------------------------------------- HTTP, framework-free

    def handshake(self, params: Mapping[str, str]) -> WebhookResponse:
        """Answer the GET verification request.

        Args:
            params: The query parameters (``hub.mode``, ``hub.verify_token``, ``hub.challenge``).

        Returns:
            200 with the challenge, or 403.
        """
        if self._verify_token is None:
            log.warning("webhook handshake refused: the router has no verify_token")
            return _FORBIDDEN
        try:
            challenge = verify_challenge(params, self._verify_token)
        except WebhookVerificationError as exc:
            log.warning("webhook handshake refused: %s", exc)
            return _FORBIDDEN
        return WebhookResponse(200, challenge.encode("utf-8", "surrogatepass"))

    async def handle(self, raw_body: bytes, signature_header: str | None) -> WebhookResponse:
        """Verify, parse and dispatch one POSTed notification.

        Handlers are started as tasks; this returns without waiting for them.

        Args:
            raw_body: The request body exactly as received.
            signature_header: The ``X-Hub-Signature-256`` header, or None.

        Returns:
            413 if too large, 403 if the signature is missing or wrong (nothing
            dispatched), 400 if the body is not a notification, 503 after
            :meth:`aclose`, else 200.
        """
        if self._closed:
            return _UNAVAILABLE
        if len(raw_body) > self.max_body_size:
            return _TOO_LARGE
        if not verify_signature(raw_body, signature_header, self._app_secret):
            log.warning("webhook refused: %s signature",
                        "wrong" if signature_header else "missing")
            return _FORBIDDEN
        try:
            notification = parse_notification(raw_body)
        except InvalidPayloadError as exc:
            log.warning("webhook refused: %s", exc.reason)
            return _BAD_REQUEST
        self.dispatch(notification)
        return _OK

    # ------------------------------------------------------------- dispatch

    def dispatch(self, notification: Notification) -> int:
        """Start the matching handlers for every new update in ``notification``.

        Use it directly when notifications reach you another way (a queue);
        no signature is checked here. Call it inside the running event loop.

        Args:
            notification: A parsed notification (:func:`parse_notification`).

        Returns:
            How many handler tasks were started.
        """
        started = 0
        for entry in notification.entry:
            for change in entry.changes:
                if isinstance(change, MessagesChange):
                    started += self._dispatch_value(change.value, entry.id)
                else:
                    event = ChangeEvent(change, entry.id)
                    for route in self._change_routes:
                        if route.fields is None or change.field in route.fields:
                            started += self._spawn(route.handler, event, f"change {change.field}")
        return started

    def _dispatch_value(self, value: MessagesValue, waba_id: str) -> int:
        started = 0
        client = self.client
        for message in value.messages:
            if message.id and not self._seen.add(("m", message.id)):
                log.debug("dropped redelivered message %s", message.id)
                continue
            contact = value.contact_for(message.from_)
            sender = Sender(
                wa_id=(contact.wa_id if contact and contact.wa_id else message.from_),
                name=contact.name if contact else None,
                identity_key_hash=contact.identity_key_hash if contact else None,
            )
            event = MessageEvent(value, waba_id, client, message=message, sender=sender)
            what = f"{message.kind} message {message.id}"
            for route in self._message_routes:
                if route.kinds is not None and message.kind not in route.kinds:
                    continue
                if route.senders is not None and message.from_.lstrip("+") not in route.senders:
                    continue
                matched = event
                if route.pattern is not None:
                    text = message_text(message)
                    match = route.pattern.search(text) if text is not None else None
                    if match is None:
                        continue
                    matched = replace(event, match=match)
                started += self._spawn(route.handler, matched, what)
        for status in value.statuses:
            if not self._seen.add(("s", status.id, status.status)):
                log.debug("dropped redelivered %s status of %s", status.status, status.id)
                continue
            status_event = StatusEvent(value, waba_id, client, status=status)
            for s_route in self._status_routes:
                if s_route.statuses is None or status.status in s_route.statuses:
                    started += self._spawn(
                        s_route.handler, status_event, f"{status.status} status {status.id}"
                    )
        for error in value.errors:
            error_event = ErrorEvent(value, waba_id, client, error=error)
            for handler in self._error_routes:
                started += self._spawn(handler, error_event, f"error {error.code}")
        return started

    def _spawn(self, handler: Callable[[Any], Awaitable[Any]], event: object, what: str) -> int:
        if self._max_concurrency is not None and self._slots is None:
            self._slots = asyncio.Semaphore(self._max_concurrency)
        task = asyncio.get_running_loop().create_task(self._run(handler, event, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return 1

    async def _run(
        self, handler: Callable[[Any], Awaitable[Any]], event: object, what: str
    ) -> None:
        try:
            if self._slots is None:
                await handler(event)
            else:
                async with self._slots:
                    await handler(event)
        except Exception:
            # Isolated on purpose: the endpoint already answered 200 and other
            # handlers must not notice. Ids only: message content is personal data.
            log.exception("webhook handler %s failed on %s", _handler_name(handler), what)

    # ------------------------------------------------------------- lifecycle

    async def join(self) -> None:
        """Wait until no handler task is running (including ones started meanwhile)."""
        while others := self._others():
            await asyncio.wait(others)

    def _others(self) -> set[asyncio.Task[None]]:
        # A handler that awaits join() or aclose() must not wait for itself.
        current = asyncio.current_task()
        return {task for task in self._tasks if task is not current}

    async def aclose(self, timeout: float | None = 10.0) -> None:
        """Stop accepting notifications and wait for running handlers.

        New POSTs are answered 503 (Meta will redeliver them). Handlers still
        running after ``timeout`` seconds are cancelled and given one more second
        to stop; one that ignores the cancellation is left behind. Safe to call twice.

        Args:
            timeout: Seconds to wait for handlers; None waits without limit.
        """
        self._closed = True
        pending = self._others()
        if not pending:
            return
        _, still_running = await asyncio.wait(pending, timeout=timeout)
        if still_running:
            log.warning("cancelling %d webhook handler(s) still running after %ss",
                        len(still_running), timeout)
            for task in still_running:
                task.cancel()
            # A handler may swallow the cancellation; shutdown must stay bounded anyway.
            _, ignoring = await asyncio.wait(still_running, timeout=_CANCEL_GRACE)
            if ignoring:
                log.warning("%d webhook handler(s) ignored cancellation; not waiting for them",
                            len(ignoring))

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` was called."""
        return self._closed

    async def __aenter__(self) -> WebhookRouter:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # ------------------------------------------------------------- adapters

    def aiohttp_app(self, path: str = "/webhook") -> web.Application:
        """A new aiohttp application serving this router at ``path`` (GET and POST).

        Its shutdown waits for running handlers (:meth:`aclose`).
        """
        from ._aiohttp import build_app

        return build_app(self, path)

    def add_aiohttp_routes(self, app: web.Application, path: str = "/webhook") -> None:
        """Add GET and POST ``path`` routes to your aiohttp ``app``.

        Also adds an ``on_shutdown`` hook that waits for running handlers.
        """
        from ._aiohttp import add_routes

        add_routes(self, app, path)

    def asgi_app(self) -> ASGIApp:
        """A plain ASGI application serving this router on any path it is mounted at.

        It needs no framework: mount it under FastAPI/Starlette
        (``app.mount("/webhook", router.asgi_app())``) or serve it with uvicorn.
        It answers ASGI lifespan events, closing the router on shutdown; a
        mounted app gets no lifespan events, so call :meth:`aclose` in yours.
        """
        from ._asgi import ASGIApp

        return ASGIApp(self)
