"""``WebhookRouter``: verify, parse, dedupe and dispatch webhook updates to handlers.

Registration and filters live in :mod:`._handlers`, the handler tasks and
their bounded shutdown in :mod:`._tasks`, the dedupe memory in :mod:`._dedupe`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import ConfigurationError
from ..types.webhooks import MessagesChange, MessagesValue, Notification
from ._dedupe import RecentKeys
from ._dedupe_store import DedupeStore
from ._errors import InvalidPayloadError, WebhookVerificationError
from ._events import ChangeEvent, ErrorEvent, MessageEvent, Sender, StatusEvent, assemble
from ._field_events import EVENT_FOR_FIELD
from ._field_handlers import FieldHandlers
from ._kind_events import EVENT_FOR_KIND
from ._listeners import Listening
from ._parse import parse_notification
from ._signature import UNUSABLE_SECRET, AppSecret, verify_challenge
from ._tasks import HandlerTasks

if TYPE_CHECKING:
    from aiohttp import web

    from .._journal_backend import JournalBackend
    from ..client import WhatsAppClient
    from ._asgi import ASGIApp
    from ._tracking import StatusTracker

__all__ = ["MAX_BODY_SIZE", "WebhookResponse", "WebhookRouter"]

log = logging.getLogger("whatsapp_async.webhooks")

#: Meta's documented maximum webhook payload: 3 MB.
MAX_BODY_SIZE = 3 * 1024 * 1024


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
_BUSY = WebhookResponse(503, b"Busy")
_STORE_DOWN = WebhookResponse(503, b"Dedupe store unavailable")

#: Where the router finds its settings when not given them, as the client does its own.
_SECRET_VAR = "WHATSAPP_APP_SECRET"
_VERIFY_TOKEN_VAR = "WHATSAPP_VERIFY_TOKEN"

#: The backlog a concurrency limit gets unless told: this many calls per slot.
_BACKLOG_PER_SLOT = 10

_Call = tuple[Callable[[Any], Awaitable[Any]], object, str]


class _Update(NamedTuple):
    """One update of a notification: its dedupe key (None: never deduped) and handler calls.

    ``message`` is set for an inbound message, which a listener may take instead.
    """

    key: tuple[str, ...] | None
    calls: list[_Call]
    message: MessageEvent | None = None


class WebhookRouter(FieldHandlers, Listening):
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
        app_secret: The app secret that signs the webhooks (App Dashboard);
            falls back to ``WHATSAPP_APP_SECRET`` when None.
        verify_token: The token you chose for the GET handshake; falls back to
            ``WHATSAPP_VERIFY_TOKEN``. Without either the handshake is refused.
        client: The client handlers answer through; events bind it to the
            receiving number with ``client.for_number``.
        dedupe_size: How many recent message ids and (status id, status)
            pairs to remember to drop redeliveries; 0 turns dedupe off.
        max_body_size: Larger bodies are refused with 413 (Meta's cap is 3 MB).
        max_concurrency: At most this many handlers run at once (the others
            wait their turn); None does not limit. Meta asks for fast handlers
            and a big batch can hold 1,000 updates.
        max_backlog: At most this many handler calls wait for a slot; a POST
            that would need more is answered 503 (nothing dispatched, Meta
            redelivers it). Defaults to ``10 * max_concurrency``, or no bound
            without ``max_concurrency`` (then it bounds the unfinished calls).
            A batch bigger than the backlog is taken when a slot is free and
            nothing waits.
        handler_timeout: Seconds a handler may run before it is cancelled (and
            logged with the update's ids); None lets it run. Without it a hung
            handler keeps its slot forever.
        dedupe_store: A durable store (:class:`SQLiteDedupeStore`,
            :class:`RedisDedupeStore`, or yours) that :meth:`handle` claims
            each update's key in, after the in-memory LRU: redeliveries are
            dropped across restarts and, with Redis, across processes. If it
            fails, the POST is answered 503 (Meta redelivers). :meth:`dispatch`
            uses the LRU only. The router does not close it.

    Attributes:
        client: The client replies go through; may be set after construction
            (e.g. once the app has opened it).
        max_body_size: The body size cap in bytes.

    Raises:
        ConfigurationError: ``app_secret`` is empty or not text or bytes (or
            None without ``WHATSAPP_APP_SECRET``), or a limit is out of range.
    """

    def __init__(
        self,
        *,
        app_secret: str | bytes | None = None,
        verify_token: str | None = None,
        client: WhatsAppClient | None = None,
        dedupe_size: int = 10_000,
        max_body_size: int = MAX_BODY_SIZE,
        max_concurrency: int | None = None,
        max_backlog: int | None = None,
        handler_timeout: float | None = None,
        dedupe_store: DedupeStore | None = None,
    ) -> None:
        from_env = app_secret is None
        # Read straight into the parser, never into a local of its own: error
        # reporters format this frame's locals.
        secret = AppSecret.parse(os.environ.get(_SECRET_VAR) if from_env else app_secret)
        # Out of this frame's locals before any check can raise.
        del app_secret
        if secret is None:
            if from_env:
                raise ConfigurationError(
                    f"no app secret: pass app_secret= or set {_SECRET_VAR} (a non-empty str)"
                )
            raise ConfigurationError(UNUSABLE_SECRET)
        if dedupe_size < 0 or max_body_size < 0:
            raise ConfigurationError("dedupe_size and max_body_size must be >= 0")
        if max_concurrency is not None and max_concurrency < 1:
            raise ConfigurationError("max_concurrency must be >= 1 or None")
        if max_backlog is not None and max_backlog < 0:
            raise ConfigurationError("max_backlog must be >= 0 or None")
        if handler_timeout is not None and not handler_timeout > 0:
            raise ConfigurationError("handler_timeout must be > 0 or None")
        if max_backlog is None and max_concurrency is not None:
            max_backlog = _BACKLOG_PER_SLOT * max_concurrency
        super().__init__()
        self._app_secret = secret
        self._verify_token = verify_token or os.environ.get(_VERIFY_TOKEN_VAR) or None
        self.client = client
        self.max_body_size = max_body_size
        self._seen = RecentKeys(dedupe_size)
        self.dedupe_store = dedupe_store
        self._tasks = HandlerTasks(max_concurrency, max_backlog, handler_timeout)
        self._closed = False

    def __repr__(self) -> str:
        # Error reporters repr the locals of a failed __init__ too: never raise.
        try:
            handlers, running = self.handler_count, len(self._tasks)
        except AttributeError:
            return "<WebhookRouter app_secret='***' not initialised>"
        closed = " closed" if getattr(self, "_closed", False) else ""
        return f"<WebhookRouter app_secret='***' handlers={handlers} running={running}{closed}>"

    @property
    def running(self) -> int:
        """How many handler tasks are running now."""
        return len(self._tasks)

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
            :meth:`aclose` or when the backlog cannot take its handler calls
            (nothing dispatched or remembered), else 200.
        """
        if self._closed:
            return _UNAVAILABLE
        if len(raw_body) > self.max_body_size:
            return _TOO_LARGE
        if not self._app_secret.verify(raw_body, signature_header):
            log.warning("webhook refused: %s signature",
                        "wrong" if signature_header else "missing")
            return _FORBIDDEN
        try:
            notification = parse_notification(raw_body)
        except InvalidPayloadError as exc:
            log.warning("webhook refused: %s", exc.reason)
            return _BAD_REQUEST
        updates = self._plan(notification)
        if not self._tasks.can_take(sum(len(u.calls) for u in updates)):
            log.warning("webhook answered 503: the handler backlog is full")
            return _BUSY
        if self.dedupe_store is not None:
            try:
                updates = await self._claim(self.dedupe_store, updates)
            except Exception as exc:  # any store failure: let Meta redeliver
                log.warning("webhook answered 503: the dedupe store failed (%s)",
                            type(exc).__name__)
                return _STORE_DOWN
        self._start(updates)
        return _OK

    @staticmethod
    async def _claim(store: DedupeStore, updates: list[_Update]) -> list[_Update]:
        keyed = [u for u in updates if u.key is not None]
        fresh = await store.claim([":".join(u.key) for u in keyed if u.key is not None])
        dropped = {id(u) for u, new in zip(keyed, fresh, strict=True) if not new}
        for update in keyed:
            if id(update) in dropped and update.key is not None:
                log.debug("dropped update %s, already in the dedupe store", update.key[1])
        return [u for u in updates if id(u) not in dropped]

    # ------------------------------------------------------------- dispatch

    def dispatch(self, notification: Notification) -> int:
        """Start the matching handlers for every new update in ``notification``.

        Use it directly when notifications reach you another way (a queue);
        no signature is checked and the backlog bound is not applied here.
        Call it inside the running event loop.

        Args:
            notification: A parsed notification (:func:`parse_notification`).

        Returns:
            How many handler tasks were started.
        """
        return self._start(self._plan(notification))

    def _start(self, updates: list[_Update]) -> int:
        # Dedupe is recorded only now, so a notification refused with 503 is new
        # when Meta redelivers it.
        started = 0
        spawn = self._tasks.spawn
        for update in updates:
            if update.key is not None and not self._seen.add(update.key):
                log.debug("dropped redelivered update %s", update.key[1])
                continue
            if update.message is not None and self._offer(update.message):
                continue
            for handler, event, what in update.calls:
                spawn(handler, event, what)
                started += 1
        return started

    def _plan(self, notification: Notification) -> list[_Update]:
        updates: list[_Update] = []
        for entry in notification.entry:
            for change in entry.changes:
                if isinstance(change, MessagesChange):
                    self._plan_value(change.value, entry.id, updates)
                    continue
                event = EVENT_FOR_FIELD.get(change.field, ChangeEvent)(change, entry.id)
                what = f"change {change.field}"
                calls: list[_Call] = [(route.handler, event, what)
                                      for route in self._change_routes
                                      if route.accepts_change(change)]
                updates.append(_Update(None, calls))
        return updates

    def _plan_value(self, value: MessagesValue, waba_id: str, updates: list[_Update]) -> None:
        client = self.client
        seen = self._seen
        for message in value.messages:
            key = ("m", message.id) if message.id else None
            if key is not None and key in seen:
                seen.add(key)  # refreshes it in the LRU
                log.debug("dropped redelivered message %s", message.id)
                continue
            contact = value.contact_for(message.from_)
            sender = assemble(Sender, {
                "wa_id": contact.wa_id if contact and contact.wa_id else message.from_,
                "name": contact.name if contact else None,
                "identity_key_hash": contact.identity_key_hash if contact else None,
            })
            event = assemble(EVENT_FOR_KIND.get(message.kind, MessageEvent), {
                "value": value, "waba_id": waba_id, "_client": client, "message": message,
                "sender": sender, "match": None,
            })
            what = f"{message.kind} message {message.id}"
            calls: list[_Call] = []
            for route in self._message_routes:
                matched = route.event_for(event)
                if matched is not None:
                    calls.append((route.handler, matched, what))
            updates.append(_Update(key, calls, event))
        for status in value.statuses:
            s_key = ("s", status.id, status.status)
            if s_key in seen:
                seen.add(s_key)
                log.debug("dropped redelivered %s status of %s", status.status, status.id)
                continue
            status_event = assemble(StatusEvent, {
                "value": value, "waba_id": waba_id, "_client": client, "status": status})
            what = f"{status.status} status {status.id}"
            updates.append(_Update(s_key, [(r.handler, status_event, what)
                                           for r in self._status_routes
                                           if r.accepts(status.status)]))
        for error in value.errors:
            error_event = ErrorEvent(value, waba_id, client, error=error)
            what = f"error {error.code}"
            updates.append(_Update(None, [(h, error_event, what) for h in self._error_routes]))

    def track(self, journal: JournalBackend) -> StatusTracker:
        """Record every status webhook in ``journal`` (delivered, read, failed...).

        Args:
            journal: An open journal, the broadcasts' (an SQLite file or a
                PostgreSQL database; this process or another).

        Returns:
            The tracker, registered as a status handler; its ``counts`` say
            how many statuses were applied and how many were of unknown messages.
        """
        from ._tracking import StatusTracker

        tracker = StatusTracker(journal)
        self.on_status(tracker.handle)
        return tracker

    # ------------------------------------------------------------- lifecycle

    async def join(self) -> None:
        """Wait until no handler task is running (including ones started meanwhile)."""
        await self._tasks.join()

    async def aclose(self, timeout: float | None = 10.0) -> None:
        """Stop accepting notifications and wait for running handlers.

        New POSTs are answered 503 (Meta will redeliver them). Handlers still
        running after ``timeout`` seconds are cancelled and given one more second
        to stop; one that ignores the cancellation is left behind. Safe to call twice.

        Args:
            timeout: Seconds to wait for handlers; None waits without limit.
        """
        self._closed = True
        await self._tasks.stop(timeout)

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

        It needs no framework: route it in FastAPI/Starlette
        (``app.router.routes.append(Route("/webhook", router.asgi_app()))``; a
        ``Mount`` would redirect ``/webhook`` to ``/webhook/``) or serve it with uvicorn.
        It answers ASGI lifespan events, closing the router on shutdown; a
        mounted app gets no lifespan events, so call :meth:`aclose` in yours.
        """
        from ._asgi import ASGIApp

        return ASGIApp(self)
