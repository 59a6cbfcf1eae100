"""The aiohttp receiver, driven through aiohttp's own test server and client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from tests.support import FIXTURES
from whatsapp_async.webhooks import MessageEvent, WebhookRouter, sign

SECRET = "aiohttp-secret"
TEXT = (FIXTURES / "facts" / "webhooks" / "01_text_from_ctwa_ad.json").read_bytes()
HEADER = "X-Hub-Signature-256"


@pytest.fixture
def router() -> WebhookRouter:
    return WebhookRouter(app_secret=SECRET, verify_token="verify-me")


@pytest.fixture
def seen(router: WebhookRouter) -> list[MessageEvent]:
    events: list[MessageEvent] = []

    @router.on_message
    async def record(event: MessageEvent) -> None:
        events.append(event)

    return events


@pytest.fixture
async def client(router: WebhookRouter) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(router.aiohttp_app("/hook"))) as test_client:
        yield test_client


async def post(client: TestClient[Any, Any], body: bytes, signature: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers[HEADER] = signature
    response = await client.post("/hook", data=body, headers=headers)
    await response.read()
    return response.status


async def test_handshake_echoes_the_challenge(client: TestClient[Any, Any]) -> None:
    response = await client.get(
        "/hook", params={"hub.mode": "subscribe", "hub.verify_token": "verify-me",
                         "hub.challenge": "1158201444"}
    )
    assert response.status == 200
    assert await response.text() == "1158201444"


async def test_handshake_with_wrong_token_is_403(client: TestClient[Any, Any]) -> None:
    response = await client.get(
        "/hook", params={"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"}
    )
    assert response.status == 403


async def test_signed_notification_is_200_and_dispatched(
    client: TestClient[Any, Any], router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    assert await post(client, TEXT, sign(TEXT, SECRET)) == 200
    await router.join()
    assert [e.message.id for e in seen] == [
        "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FGMTIzNDU2Nzg5MEFCQ0RFRjAA"
    ]


async def test_missing_signature_is_403_and_not_dispatched(
    client: TestClient[Any, Any], router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    assert await post(client, TEXT, None) == 403
    await router.join()
    assert seen == []


async def test_wrong_signature_is_403_and_not_dispatched(
    client: TestClient[Any, Any], router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    assert await post(client, TEXT, sign(TEXT, "wrong")) == 403
    await router.join()
    assert seen == []


async def test_signed_non_json_is_400(client: TestClient[Any, Any]) -> None:
    assert await post(client, b"hello", sign(b"hello", SECRET)) == 400


async def test_body_over_three_megabytes_is_413(client: TestClient[Any, Any]) -> None:
    body = b" " * (3 * 1024 * 1024 + 1)
    assert await post(client, body, sign(body, SECRET)) == 413


async def test_chunked_body_over_the_cap_is_413(client: TestClient[Any, Any]) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b" " * (1024 * 1024)

    response = await client.post("/hook", data=chunks(), headers={HEADER: "sha256=00"})
    assert response.status == 413


async def test_body_over_aiohttps_default_limit_but_under_three_megabytes_is_read(
    client: TestClient[Any, Any], router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    payload = json.loads(TEXT)
    payload["padding"] = "x" * (2 * 1024 * 1024)
    body = json.dumps(payload).encode()
    assert await post(client, body, sign(body, SECRET)) == 200
    await router.join()
    assert len(seen) == 1


async def test_replayed_payload_is_dispatched_once(
    client: TestClient[Any, Any], router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    for _ in range(3):
        assert await post(client, TEXT, sign(TEXT, SECRET)) == 200
    await router.join()
    assert len(seen) == 1


async def test_raising_handler_still_answers_200(
    client: TestClient[Any, Any], router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    @router.on_message
    async def broken(event: MessageEvent) -> None:
        raise ValueError("handler bug")

    assert await post(client, TEXT, sign(TEXT, SECRET)) == 200
    await router.join()
    assert len(seen) == 1


async def test_routes_can_be_added_to_an_existing_app(router: WebhookRouter) -> None:
    app = web.Application()
    router.add_aiohttp_routes(app, "/whatsapp")
    async with TestClient(TestServer(app)) as test_client:
        response = await test_client.post("/whatsapp", data=TEXT,
                                          headers={HEADER: sign(TEXT, SECRET)})
        assert response.status == 200
        assert (await test_client.put("/whatsapp")).status == 405


async def test_body_already_read_by_a_middleware_is_still_verified(
    router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    @web.middleware
    async def reads_body(request: web.Request, handler: Any) -> web.StreamResponse:
        await request.read()  # e.g. a request-logging middleware
        return await handler(request)  # type: ignore[no-any-return]

    app = web.Application(middlewares=[reads_body])
    router.add_aiohttp_routes(app, "/hook")
    async with TestClient(TestServer(app)) as test_client:
        assert await post(test_client, TEXT, sign(TEXT, SECRET)) == 200
        await router.join()
    assert len(seen) == 1


async def test_app_shutdown_closes_the_router(router: WebhookRouter) -> None:
    async with TestClient(TestServer(router.aiohttp_app())):
        assert not router.closed
    assert router.closed
