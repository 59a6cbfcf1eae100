"""The ASGI receiver, called directly with ASGI scope/receive/send."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.support import FIXTURES
from whatsapp_async.webhooks import MessageEvent, WebhookRouter, sign

SECRET = "asgi-secret"
TEXT = (FIXTURES / "facts" / "webhooks" / "01_text_from_ctwa_ad.json").read_bytes()


class Response:
    def __init__(self) -> None:
        self.messages: list[MutableMapping[str, Any]] = []

    async def send(self, message: MutableMapping[str, Any]) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(self.messages[0]["headers"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages[1:])


def receiver(messages: Sequence[dict[str, Any]]) -> Any:
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    return receive


async def call(
    router: WebhookRouter,
    method: str,
    *,
    body: bytes = b"",
    chunks: Sequence[bytes] | None = None,
    headers: Sequence[tuple[bytes, bytes]] = (),
    query: bytes = b"",
) -> Response:
    parts = list(chunks) if chunks is not None else [body]
    messages = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "path": "/", "raw_path": b"/", "query_string": query,
             "root_path": "", "headers": list(headers)}
    response = Response()
    await router.asgi_app()(scope, receiver(messages), response.send)
    return response


def signed(body: bytes, secret: str = SECRET) -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"application/json"),
            (b"x-hub-signature-256", sign(body, secret).encode())]


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


async def test_handshake_echoes_the_challenge(router: WebhookRouter) -> None:
    query = urlencode({"hub.mode": "subscribe", "hub.verify_token": "verify-me",
                       "hub.challenge": "77"}).encode()
    response = await call(router, "GET", query=query)
    assert (response.status, response.body) == (200, b"77")
    assert response.headers[b"content-length"] == b"2"


async def test_handshake_with_wrong_token_is_403(router: WebhookRouter) -> None:
    query = b"hub.mode=subscribe&hub.verify_token=nope&hub.challenge=77"
    assert (await call(router, "GET", query=query)).status == 403


async def test_signed_notification_is_200_and_dispatched(
    router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    assert (await call(router, "POST", body=TEXT, headers=signed(TEXT))).status == 200
    await router.join()
    assert len(seen) == 1


async def test_body_in_several_chunks_is_reassembled(
    router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    chunks = [TEXT[:100], TEXT[100:500], TEXT[500:]]
    assert (await call(router, "POST", chunks=chunks, headers=signed(TEXT))).status == 200
    await router.join()
    assert len(seen) == 1


async def test_missing_signature_is_403_and_not_dispatched(
    router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    assert (await call(router, "POST", body=TEXT)).status == 403
    await router.join()
    assert seen == []


async def test_wrong_signature_is_403_and_not_dispatched(
    router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    assert (await call(router, "POST", body=TEXT, headers=signed(TEXT, "x"))).status == 403
    await router.join()
    assert seen == []


async def test_declared_oversized_body_is_413_without_reading(router: WebhookRouter) -> None:
    headers = [(b"content-length", str(3 * 1024 * 1024 + 1).encode())]
    response = await call(router, "POST", chunks=[], headers=headers)
    assert response.status == 413


async def test_streamed_oversized_body_is_413(router: WebhookRouter) -> None:
    chunks = [b" " * (1024 * 1024)] * 4
    assert (await call(router, "POST", chunks=chunks, headers=signed(b""))).status == 413


async def test_signed_non_json_is_400(router: WebhookRouter) -> None:
    assert (await call(router, "POST", body=b"nope", headers=signed(b"nope"))).status == 400


async def test_replayed_payload_is_dispatched_once(
    router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    for _ in range(2):
        assert (await call(router, "POST", body=TEXT, headers=signed(TEXT))).status == 200
    await router.join()
    assert len(seen) == 1


async def test_raising_handler_still_answers_200(
    router: WebhookRouter, seen: list[MessageEvent]
) -> None:
    @router.on_message
    async def broken(event: MessageEvent) -> None:
        raise KeyError("bug")

    assert (await call(router, "POST", body=TEXT, headers=signed(TEXT))).status == 200
    await router.join()
    assert len(seen) == 1


async def test_other_methods_are_405_with_allow(router: WebhookRouter) -> None:
    response = await call(router, "DELETE")
    assert response.status == 405
    assert response.headers[b"allow"] == b"GET, POST"


async def test_client_disconnect_sends_nothing(router: WebhookRouter) -> None:
    response = Response()
    scope = {"type": "http", "method": "POST", "headers": [], "query_string": b""}
    await router.asgi_app()(scope, receiver([]), response.send)
    assert response.messages == []


async def test_lifespan_startup_and_shutdown_close_the_router(router: WebhookRouter) -> None:
    response = Response()
    await router.asgi_app()(
        {"type": "lifespan", "asgi": {"version": "3.0"}},
        receiver([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]),
        response.send,
    )
    assert [m["type"] for m in response.messages] == [
        "lifespan.startup.complete", "lifespan.shutdown.complete"
    ]
    assert router.closed


async def test_websocket_is_closed(router: WebhookRouter) -> None:
    response = Response()
    await router.asgi_app()({"type": "websocket"}, receiver([]), response.send)
    assert response.messages == [{"type": "websocket.close", "code": 1000}]
