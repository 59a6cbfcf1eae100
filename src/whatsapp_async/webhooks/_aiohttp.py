"""Serve a :class:`WebhookRouter` from aiohttp."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from ._signature import SIGNATURE_HEADER

if TYPE_CHECKING:
    from ._router import WebhookRouter

__all__ = ["add_routes", "build_app", "make_handler"]

_CHUNK = 64 * 1024


async def _read_capped(request: web.Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to exceed ``limit`` bytes.

    ``request.read()`` would buffer up to aiohttp's ``client_max_size`` (1 MB
    by default, below Meta's 3 MB) and raise past it; read the stream ourselves.
    """
    declared = request.content_length
    if declared is not None and declared > limit:
        return None
    if request.body_exists and not request.can_read_body:
        # A middleware already read the stream; aiohttp kept those bytes.
        cached = await request.read()
        return cached if len(cached) <= limit else None
    if declared is not None:
        # Meta always sends Content-Length: one read of exactly that much.
        try:
            return await request.content.readexactly(declared)
        except asyncio.IncompleteReadError as exc:
            return exc.partial  # the client stopped early; the signature will not match
    body = bytearray()
    while True:
        chunk = await request.content.read(_CHUNK)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > limit:
            return None


def make_handler(router: WebhookRouter) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp request handler answering GET (handshake) and POST (notifications)."""

    async def handle(request: web.Request) -> web.Response:
        if request.method == "GET":
            reply = router.handshake(request.query)
        elif request.method == "POST":
            body = await _read_capped(request, router.max_body_size)
            if body is None:
                return web.Response(status=413, text="Payload Too Large")
            reply = await router.handle(body, request.headers.get(SIGNATURE_HEADER))
        else:  # pragma: no cover - only GET and POST routes are registered
            return web.Response(status=405)
        return web.Response(status=reply.status, body=reply.body, content_type=reply.content_type)

    return handle


def add_routes(router: WebhookRouter, app: web.Application, path: str) -> None:
    """Add GET and POST ``path`` to ``app`` and close the router on shutdown."""
    handler = make_handler(router)
    app.router.add_route("GET", path, handler)
    app.router.add_route("POST", path, handler)

    async def close_router(_: web.Application) -> None:
        await router.aclose()

    app.on_shutdown.append(close_router)


def build_app(router: WebhookRouter, path: str) -> web.Application:
    """A new aiohttp application serving ``router`` at ``path``."""
    app = web.Application()
    add_routes(router, app, path)
    return app
