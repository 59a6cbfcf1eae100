"""The token stays out of captured frame locals and exception chains on every error path.

Error reporters (Sentry, loguru, rich) format tracebacks with
``capture_locals=True``: every local and argument of every frame is shown, and
the whole ``__cause__``/``__context__`` chain with it. Real loopback servers
are used (not aioresponses) so the frames are aiohttp's own.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.support import FAST_RETRY, free_port
from whatsapp_async import ConfigurationError, RetryPolicy, WhatsAppClient, WhatsAppError
from whatsapp_async.types.common import Success

#: Shaped like a real Meta token, so a leak would look like one.
SECRET = "EAAG-locals-secret-token-0123456789"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def assert_no_token(exc: BaseException) -> None:
    """The token is in no frame's locals of ``exc`` nor of anything chained to it."""
    text = "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())
    assert SECRET not in text
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        assert SECRET not in repr(current) and SECRET not in str(current)
        one = traceback.TracebackException(
            type(current), current, current.__traceback__, capture_locals=True
        )
        assert SECRET not in "".join(one.format())
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]


async def _serve(handler: Handler) -> TestServer:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


async def _failure(base: str, call: str, retry: RetryPolicy = FAST_RETRY) -> WhatsAppError:
    async with WhatsAppClient(SECRET, "1", base_url=base, retry=retry, timeout=0.5) as wa:
        try:
            if call == "send":
                await wa.messages.send_text("+15551234567", "hi")
            elif call == "get":
                await wa.messages._request("GET", "1", cast_to=Success)
            else:
                async with wa.open_download(base.rsplit("/", 1)[0] + "/files/1") as answer:
                    async for _ in answer.chunks():
                        pass
        except WhatsAppError as exc:
            return exc
    raise AssertionError("expected a failure")


def _graph(code: int, status: int) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(
            {"error": {"message": "boom", "type": "OAuthException", "code": code,
                       "fbtrace_id": "T"}},
            status=status,
        )
    return handler


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(5)
    return web.Response()


async def _overloaded(request: web.Request) -> web.Response:
    return web.Response(status=503, text="overloaded")


async def _loop(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": str(request.url)})


async def _redirect(request: web.Request) -> web.Response:
    return web.Response(status=307, headers={"Location": "/elsewhere"})


async def _unreadable(request: web.Request) -> web.Response:
    return web.Response(text="<html>not json</html>")


SERVED: dict[str, Handler] = {
    "timeout": _slow, "5xx": _overloaded, "graph-400": _graph(100, 400),
    "graph-131000": _graph(131000, 500), "auth-190": _graph(190, 401),
    "redirect": _redirect, "redirect-loop": _loop, "unreadable-200": _unreadable,
}


# A download follows a single redirect and streams any 2xx body: no error there.
CASES = [(kind, call) for kind in sorted(SERVED) for call in ("send", "get", "download")
         if not (call == "download" and kind in ("unreadable-200", "redirect"))]


@pytest.mark.parametrize(("kind", "call"), CASES)
async def test_served_errors_hold_no_token_in_locals(kind: str, call: str) -> None:
    server = await _serve(SERVED[kind])
    try:
        assert_no_token(await _failure(str(server.make_url("/v21.0")), call))
    finally:
        await server.close()


@pytest.fixture
async def garbage_server() -> AsyncIterator[str]:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/v21.0"
    server.close()
    await server.wait_closed()


@pytest.mark.parametrize("call", ["send", "get", "download"])
async def test_malformed_answer_holds_no_token(garbage_server: str, call: str) -> None:
    assert_no_token(await _failure(garbage_server, call))


@pytest.mark.parametrize("call", ["send", "get", "download"])
async def test_refused_connection_holds_no_token(call: str) -> None:
    assert_no_token(await _failure(f"http://127.0.0.1:{free_port()}/v21.0", call))


async def test_failed_construction_holds_no_token() -> None:
    for kwargs in ({"base_url": "http://example.com/v21.0"}, {"timeout": -1},
                   {"max_connections": 0}, {"api_version": "latest"}):
        with pytest.raises(ConfigurationError) as info:
            WhatsAppClient(SECRET, "1", **kwargs)  # type: ignore[arg-type]
        assert_no_token(info.value)
    with pytest.raises(ConfigurationError) as info:
        WhatsAppClient(SECRET + "\n", "1")
    assert_no_token(info.value)
