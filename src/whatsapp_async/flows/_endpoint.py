"""``FlowEndpoint``: Meta's Flow data-exchange protocol, from raw body to answer.

The endpoint is independent of any web framework: :meth:`FlowEndpoint.handle`
takes the body bytes and the signature header and returns a
:class:`FlowReply`; the aiohttp and ASGI adapters only move bytes.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from ..errors import ConfigurationError
from ..webhooks._signature import UNUSABLE_SECRET, AppSecret
from ._crypto import FlowCipher, FlowDecryptionError, encrypt_response
from ._request import FlowRequest, FlowTokenInvalid

if TYPE_CHECKING:
    from aiohttp import web

    from ._serve import FlowASGIApp


__all__ = ["FlowEndpoint", "FlowHandler", "FlowReply"]

logger = logging.getLogger("whatsapp_async.flows")

#: A handler's answer: ``{"screen": ..., "data": {...}}`` (or a coroutine of one).
FlowAnswer = Mapping[str, Any]
FlowHandler = Callable[[FlowRequest], FlowAnswer | Awaitable[FlowAnswer]]
ErrorHandler = Callable[[FlowRequest], Awaitable[None] | None]
H = TypeVar("H", bound=Callable[..., Any])

#: Meta's flow requests are small JSON; media a user uploads goes elsewhere.
DEFAULT_MAX_BODY = 1024 * 1024

# HTTP statuses of Meta's protocol.
_CANNOT_DECRYPT = 421  # WhatsApp then re-downloads the business public key
_TOKEN_INVALID = 427
_BAD_SIGNATURE = 432

_PING_ANSWER = {"data": {"status": "active"}}
_ACK_ANSWER = {"data": {"acknowledged": True}}


@dataclass(frozen=True)
class FlowReply:
    """One HTTP answer of the endpoint: status, body and content type."""

    status: int
    body: bytes
    content_type: str = "text/plain"


def _plain(status: int, text: str) -> FlowReply:
    return FlowReply(status, text.encode())


class FlowEndpoint:
    """A Flow data endpoint: decrypts WhatsApp's requests, routes them, encrypts answers.

    Register handlers, then serve it with :meth:`aiohttp_app`,
    :meth:`add_aiohttp_routes` or :meth:`asgi_app`::

        endpoint = FlowEndpoint(private_key=PEM, passphrase="...", app_secret="...")

        @endpoint.on_init
        async def start(request: FlowRequest) -> dict:
            return next_screen("BOOKING", slots=[...])

        @endpoint.on_data_exchange(screen="BOOKING")
        async def booked(request: FlowRequest) -> dict:
            return complete(request.flow_token, booking_id="B-1")

    ``ping`` health checks are answered ``{"data": {"status": "active"}}`` and
    error notifications ``{"data": {"acknowledged": true}}`` without user
    code (``on_error`` handlers are called first). Answers: 421 when the
    request cannot be decrypted (WhatsApp refreshes the public key), 432 for a
    bad ``X-Hub-Signature-256`` (when ``app_secret`` is given), 427 when a
    handler raises :class:`FlowTokenInvalid`, 400 for a malformed body, 413
    past ``max_body_size``, 500 when no handler fits or a handler fails.

    Args:
        private_key: The RSA private key, PEM (its public half is uploaded to Meta).
        passphrase: The PEM's passphrase, if it is encrypted.
        app_secret: Your app secret; when given, requests must carry a valid
            ``X-Hub-Signature-256``.
        max_body_size: Largest body accepted, in bytes.

    Raises:
        ConfigurationError: The key cannot be loaded, ``cryptography`` is not
            installed, or ``app_secret`` is empty.
    """

    def __init__(
        self,
        private_key: str | bytes,
        passphrase: str | bytes | None = None,
        app_secret: str | bytes | None = None,
        *,
        max_body_size: int = DEFAULT_MAX_BODY,
    ) -> None:
        self._cipher = FlowCipher(private_key, passphrase)
        del private_key, passphrase
        self._secret: AppSecret | None = None
        if app_secret is not None:
            self._secret = AppSecret.parse(app_secret)
            del app_secret
            if self._secret is None:
                raise ConfigurationError(UNUSABLE_SECRET)
        self.max_body_size = max_body_size
        self._init: FlowHandler | None = None
        self._exchange: dict[str | None, FlowHandler] = {}
        self._back: dict[str | None, FlowHandler] = {}
        self._errors: list[ErrorHandler] = []

    def __repr__(self) -> str:
        return (f"FlowEndpoint(private_key='***', signed={self._secret is not None}, "
                f"screens={sorted(s for s in self._exchange if s is not None)})")

    @property
    def public_key(self) -> str:
        """The public half of the endpoint's key, PEM: what to upload to Meta."""
        return self._cipher.public_pem()

    # ------------------------------------------------------------- handlers

    def on_init(self, handler: H) -> H:
        """Decorator: the handler of ``INIT`` (the user opened the flow)."""
        self._init = handler
        return handler

    def on_data_exchange(self, handler: H | None = None, *, screen: str | None = None
                         ) -> Any:
        """Decorator: a handler of ``data_exchange`` (a screen was submitted).

        ``@endpoint.on_data_exchange(screen="BOOKING")`` handles one screen;
        ``@endpoint.on_data_exchange`` (no screen) handles any screen without
        a handler of its own.

        Raises:
            ConfigurationError: The screen already has a handler.
        """
        return self._register(self._exchange, "data_exchange", handler, screen)

    def on_back(self, handler: H | None = None, *, screen: str | None = None) -> Any:
        """Decorator: a handler of ``BACK`` (the user went back to a screen
        with ``refresh_on_back``), by screen like :meth:`on_data_exchange`."""
        return self._register(self._back, "BACK", handler, screen)

    def on_error(self, handler: H) -> H:
        """Decorator: called with each error notification (the flow could not
        show an answer); the endpoint acknowledges it after the handlers ran."""
        self._errors.append(handler)
        return handler

    def _register(self, table: dict[str | None, FlowHandler], action: str,
                  handler: H | None, screen: str | None) -> Any:
        if screen is not None and (not isinstance(screen, str) or not screen):
            raise ConfigurationError(f"{action} screen must be a non-empty str")

        def add(fn: H) -> H:
            if screen in table:
                where = f"screen {screen!r}" if screen else "any screen"
                raise ConfigurationError(f"{action} on {where} already has a handler")
            table[screen] = fn
            return fn

        return add if handler is None else add(handler)

    # ------------------------------------------------------------- protocol

    async def handle(self, raw_body: bytes, signature_header: str | None = None) -> FlowReply:
        """Answer one POSTed request.

        Args:
            raw_body: The request body exactly as received.
            signature_header: The ``X-Hub-Signature-256`` header, or None.

        Returns:
            The HTTP answer (see the class docstring for the statuses).
        """
        if len(raw_body) > self.max_body_size:
            return _plain(413, "Payload Too Large")
        if self._secret is not None and not self._secret.verify(raw_body, signature_header):
            return _plain(_BAD_SIGNATURE, "Invalid signature")
        try:
            decrypted = self._cipher.decrypt(json.loads(raw_body))
        except FlowDecryptionError as exc:
            logger.warning("flow request cannot be decrypted (%s)", exc)
            return _plain(_CANNOT_DECRYPT, "Cannot decrypt the request")
        except (ValueError, UnicodeDecodeError) as exc:
            return _plain(400, f"Bad Request: {exc}")
        try:
            request = msgspec.convert(decrypted.payload, FlowRequest)
        except msgspec.ValidationError as exc:
            return _plain(400, f"Bad Request: {exc}")
        try:
            answer = await self._answer(request)
        except FlowTokenInvalid as exc:
            body = {"error_msg": exc.message} if exc.message else {}
            return FlowReply(_TOKEN_INVALID, json.dumps(body).encode(), "application/json")
        except _NoHandler as exc:
            logger.error("%s", exc)
            return _plain(500, "Internal Server Error")
        except Exception:
            logger.exception("flow handler failed for %s on %s", request.action, request.screen)
            return _plain(500, "Internal Server Error")
        encrypted = encrypt_response(answer, decrypted.aes_key, decrypted.iv)
        return FlowReply(200, encrypted.encode("ascii"))

    async def _answer(self, request: FlowRequest) -> Mapping[str, Any]:
        if request.action == "ping":
            return _PING_ANSWER
        if request.is_error_notification:
            for on_error in self._errors:
                result = on_error(request)
                if inspect.isawaitable(result):
                    await result
            return _ACK_ANSWER
        handler = self._handler_for(request)
        answer = handler(request)
        if inspect.isawaitable(answer):
            answer = await answer
        return _checked(request, answer)

    def _handler_for(self, request: FlowRequest) -> FlowHandler:
        action = request.action
        if action == "INIT":
            if self._init is None:
                raise _NoHandler("no on_init handler for an INIT request")
            return self._init
        if action == "data_exchange":
            table = self._exchange
        elif action == "BACK":
            table = self._back
        else:
            raise _NoHandler(f"unknown flow action {action!r}")
        handler = table.get(request.screen) or table.get(None)
        if handler is None:
            raise _NoHandler(f"no {action} handler for screen {request.screen!r}")
        return handler

    # ------------------------------------------------------------- serving

    def aiohttp_app(self, path: str = "/") -> web.Application:
        """A new aiohttp ``web.Application`` serving the endpoint at ``path`` (POST)."""
        from ._serve import build_aiohttp_app

        return build_aiohttp_app(self, path)

    def add_aiohttp_routes(self, app: web.Application, path: str = "/flow") -> None:
        """Add a POST ``path`` route serving the endpoint to your aiohttp ``app``."""
        from ._serve import add_aiohttp_routes

        add_aiohttp_routes(self, app, path)

    def asgi_app(self) -> FlowASGIApp:
        """A plain ASGI application serving the endpoint on any path (POST only).

        Route it in FastAPI/Starlette (``Route("/flow", endpoint.asgi_app(),
        methods=["POST"])``) or serve it with uvicorn.
        """
        from ._serve import FlowASGIApp

        return FlowASGIApp(self)


class _NoHandler(Exception):
    """No registered handler fits the request: a setup mistake, answered 500."""


def _checked(request: FlowRequest, answer: object) -> Mapping[str, Any]:
    """The handler's answer, if it has the shape WhatsApp expects."""
    if not isinstance(answer, Mapping):
        raise TypeError(f"a flow handler must return a mapping, got {type(answer).__name__}")
    screen = answer.get("screen")
    if not isinstance(screen, str) or not screen:
        raise TypeError(f"the answer to {request.action} needs a 'screen' (non-empty str)")
    data = answer.get("data", {})
    if not isinstance(data, Mapping):
        raise TypeError("the answer's 'data' must be a mapping")
    return answer
