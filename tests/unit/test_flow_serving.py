"""FlowEndpoint served by aiohttp (its own app and added routes) and as ASGI."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from whatsapp_async.flows import (
    FlowEndpoint,
    KeyPair,
    decrypt_response,
    encrypt_request,
    generate_key_pair,
)
from whatsapp_async.webhooks import sign

SECRET = "serve-secret"
PING = {"version": "3.0", "action": "ping"}


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return generate_key_pair()


def ping_body(keys: KeyPair) -> tuple[bytes, bytes, bytes]:
    import json

    envelope, key, iv = encrypt_request(keys.public_pem, PING)
    return json.dumps(envelope).encode(), key, iv


async def test_aiohttp_app_answers_at_its_path(keys: KeyPair) -> None:
    endpoint = FlowEndpoint(private_key=keys.private_pem, app_secret=SECRET)
    body, key, iv = ping_body(keys)
    async with TestClient(TestServer(endpoint.aiohttp_app("/flow"))) as client:
        ok = await client.post("/flow", data=body,
                               headers={"X-Hub-Signature-256": sign(body, SECRET)})
        assert ok.status == 200
        assert ok.content_type == "text/plain"
        assert decrypt_response(await ok.read(), key, iv) == {"data": {"status": "active"}}
        bad = await client.post("/flow", data=body, headers={"X-Hub-Signature-256": "sha256=0"})
        assert bad.status == 432
        assert (await client.get("/flow")).status == 405


async def test_routes_join_an_existing_aiohttp_app(keys: KeyPair) -> None:
    endpoint = FlowEndpoint(private_key=keys.private_pem)
    app = web.Application()

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="up")

    app.router.add_get("/health", health)
    endpoint.add_aiohttp_routes(app, "/flows/booking")
    body, key, iv = ping_body(keys)
    async with TestClient(TestServer(app)) as client:
        assert await (await client.get("/health")).text() == "up"
        answer = await client.post("/flows/booking", data=body)
        assert decrypt_response(await answer.read(), key, iv) == {"data": {"status": "active"}}


class Recorder:
    def __init__(self) -> None:
        self.messages: list[MutableMapping[str, Any]] = []

    async def __call__(self, message: MutableMapping[str, Any]) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages[1:])


async def asgi_call(app: Any, method: str, chunks: list[bytes],
                    headers: list[tuple[bytes, bytes]] | None = None) -> Recorder:
    queue = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
             for i, c in enumerate(chunks)]

    async def receive() -> dict[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    sent = Recorder()
    scope = {"type": "http", "method": method, "path": "/", "headers": headers or []}
    await app(scope, receive, sent)
    return sent


async def test_asgi_app_answers_posts_in_chunks(keys: KeyPair) -> None:
    endpoint = FlowEndpoint(private_key=keys.private_pem, app_secret=SECRET)
    body, key, iv = ping_body(keys)
    header = [(b"x-hub-signature-256", sign(body, SECRET).encode())]
    app = endpoint.asgi_app()
    half = len(body) // 2
    ok = await asgi_call(app, "POST", [body[:half], body[half:]], header)
    assert ok.status == 200
    assert decrypt_response(ok.body, key, iv) == {"data": {"status": "active"}}
    assert (await asgi_call(app, "POST", [body])).status == 432
    assert (await asgi_call(app, "GET", [b""])).status == 405


async def test_asgi_app_refuses_oversized_bodies(keys: KeyPair) -> None:
    app = FlowEndpoint(private_key=keys.private_pem, max_body_size=8).asgi_app()
    assert (await asgi_call(app, "POST", [b"x" * 5, b"x" * 5])).status == 413
    declared = [(b"content-length", b"100")]
    assert (await asgi_call(app, "POST", [b""], declared)).status == 413
