"""Serve a :class:`FlowEndpoint` from aiohttp or as a plain ASGI application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..webhooks._aiohttp import _read_capped
from ..webhooks._signature import SIGNATURE_HEADER
from ._endpoint import FlowReply

if TYPE_CHECKING:
    from ._endpoint import FlowEndpoint

__all__ = ["FlowASGIApp", "add_aiohttp_routes", "build_aiohttp_app", "make_aiohttp_handler"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_SIGNATURE = SIGNATURE_HEADER.lower().encode("latin-1")


def make_aiohttp_handler(endpoint: FlowEndpoint
                         ) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp request handler answering POSTed flow requests."""

    async def handle(request: web.Request) -> web.Response:
        body = await _read_capped(request, endpoint.max_body_size)
        if body is None:
            return web.Response(status=413, text="Payload Too Large")
        reply = await endpoint.handle(body, request.headers.get(SIGNATURE_HEADER))
        return web.Response(status=reply.status, body=reply.body,
                            content_type=reply.content_type)

    return handle


def add_aiohttp_routes(endpoint: FlowEndpoint, app: web.Application, path: str) -> None:
    """Add POST ``path`` serving ``endpoint`` to ``app``."""
    app.router.add_route("POST", path, make_aiohttp_handler(endpoint))


def build_aiohttp_app(endpoint: FlowEndpoint, path: str) -> web.Application:
    """A new aiohttp application serving ``endpoint`` at ``path``."""
    app = web.Application()
    add_aiohttp_routes(endpoint, app, path)
    return app


class FlowASGIApp:
    """ASGI 3 application for one :class:`FlowEndpoint`.

    POST is answered by the endpoint, any other method gets 405; bodies past
    the endpoint's size cap get 413. Lifespan events are acknowledged.
    """

    def __init__(self, endpoint: FlowEndpoint) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1000})

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "POST":
            await _respond(send, FlowReply(405, b"Method Not Allowed"),
                           [(b"allow", b"POST")])
            return
        signature: str | None = None
        declared: int | None = None
        for name, value in scope.get("headers", ()):
            name = name.lower()
            if name == _SIGNATURE:
                signature = value.decode("latin-1")
            elif name == b"content-length" and value.strip().isdigit():
                declared = int(value)
        limit = self.endpoint.max_body_size
        too_large = FlowReply(413, b"Payload Too Large")
        if declared is not None and declared > limit:
            await _respond(send, too_large)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await _respond(send, too_large)
                return
            if not message.get("more_body", False):
                break
        await _respond(send, await self.endpoint.handle(bytes(body), signature))


async def _respond(send: Send, reply: FlowReply,
                   extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [
        (b"content-type", reply.content_type.encode("latin-1")),
        (b"content-length", str(len(reply.body)).encode("latin-1")),
        *(extra or ()),
    ]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})
