"""Serve a :class:`WebhookRouter` as a plain ASGI application (no framework needed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from ._router import WebhookResponse, WebhookRouter

__all__ = ["ASGIApp"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_SIGNATURE = b"x-hub-signature-256"


class ASGIApp:
    """ASGI 3 application for one :class:`WebhookRouter`.

    GET answers the verification handshake, POST takes notifications; any
    other method gets 405. Bodies are read up to the router's size cap and
    refused with 413 beyond it. Lifespan ``shutdown`` closes the router.
    """

    def __init__(self, router: WebhookRouter) -> None:
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1000})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.router.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        from ._router import WebhookResponse

        method = scope.get("method", "GET")
        if method == "GET":
            query = scope.get("query_string", b"").decode("latin-1")
            params = dict(parse_qsl(query, keep_blank_values=True))
            await _respond(send, self.router.handshake(params))
            return
        if method != "POST":
            await _respond(send, WebhookResponse(405, b"Method Not Allowed"),
                           extra=[(b"allow", b"GET, POST")])
            return
        signature: str | None = None
        declared: int | None = None
        for name, value in scope.get("headers", ()):
            name = name.lower()
            if name == _SIGNATURE:
                signature = value.decode("latin-1")
            elif name == b"content-length" and value.strip().isdigit():
                declared = int(value)
        limit = self.router.max_body_size
        if declared is not None and declared > limit:
            await _respond(send, WebhookResponse(413, b"Payload Too Large"))
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await _respond(send, WebhookResponse(413, b"Payload Too Large"))
                return
            if not message.get("more_body", False):
                break
        await _respond(send, await self.router.handle(bytes(body), signature))


async def _respond(
    send: Send, reply: WebhookResponse, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [
        (b"content-type", reply.content_type.encode("latin-1")),
        (b"content-length", str(len(reply.body)).encode("latin-1")),
        *(extra or ()),
    ]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})
