"""The router never acknowledges what it will not run: bounded backlog, timeout, shutdown."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from tests.support import FIXTURES
from tests.unit.test_webhook_asgi import call
from whatsapp_async import ConfigurationError
from whatsapp_async.webhooks import MessageEvent, WebhookRouter, sign

SECRET = "backlog-secret"
TEXT = (FIXTURES / "facts" / "webhooks" / "01_text_from_ctwa_ad.json").read_bytes()


def text_with_id(message_id: str) -> bytes:
    """The text fixture carrying another message id (so dedupe keeps it)."""
    doc = json.loads(TEXT)
    doc["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = message_id
    return json.dumps(doc).encode()


async def post(router: WebhookRouter, body: bytes) -> int:
    return (await router.handle(body, sign(body, SECRET))).status


def hanging_router(**settings: object) -> tuple[WebhookRouter, asyncio.Event, list[str]]:
    """A router whose handler waits on the returned event; ``ran`` lists finished ids."""
    router = WebhookRouter(app_secret=SECRET, **settings)  # type: ignore[arg-type]
    release = asyncio.Event()
    ran: list[str] = []

    @router.on_message
    async def slow(event: MessageEvent) -> None:
        await release.wait()
        ran.append(event.message.id)

    return router, release, ran


async def test_past_the_backlog_notifications_get_503_and_every_200_runs() -> None:
    router, release, ran = hanging_router(max_concurrency=2, max_backlog=3)
    statuses = [await post(router, text_with_id(f"wamid.{i}")) for i in range(10)]
    await asyncio.sleep(0)
    # Two take the slots, three wait, the rest are handed back to Meta.
    assert statuses == [200] * 5 + [503] * 5
    release.set()
    await router.join()
    assert sorted(ran) == [f"wamid.{i}" for i in range(5)]


async def test_the_backlog_is_bounded_by_default_with_a_concurrency_limit() -> None:
    router, release, ran = hanging_router(max_concurrency=2)
    statuses = [await post(router, text_with_id(f"wamid.{i}")) for i in range(100)]
    accepted = statuses.count(200)
    assert 2 < accepted < 100 and statuses[accepted:] == [503] * (100 - accepted)
    release.set()
    await router.join()
    assert len(ran) == accepted


async def test_a_refused_notification_is_not_remembered_as_seen() -> None:
    router, release, ran = hanging_router(max_concurrency=1, max_backlog=0)
    assert await post(router, text_with_id("wamid.first")) == 200
    assert await post(router, text_with_id("wamid.again")) == 503
    release.set()
    await router.join()
    # Meta's redelivery of the refused one is new to the router, not a duplicate.
    assert await post(router, text_with_id("wamid.again")) == 200
    await router.join()
    assert ran == ["wamid.first", "wamid.again"]


async def test_a_big_batch_is_taken_when_nothing_waits_so_it_is_never_refused_forever() -> None:
    router, release, ran = hanging_router(max_concurrency=1, max_backlog=0)
    doc = json.loads(TEXT)
    value = doc["entry"][0]["changes"][0]["value"]
    first = value["messages"][0]
    value["messages"] = [dict(first, id=f"wamid.{i}") for i in range(5)]
    body = json.dumps(doc).encode()
    assert await post(router, body) == 200
    release.set()
    await router.join()
    assert len(ran) == 5


async def test_without_a_concurrency_limit_nothing_is_refused() -> None:
    router, release, ran = hanging_router()
    statuses = [await post(router, text_with_id(f"wamid.{i}")) for i in range(1000)]
    assert statuses == [200] * 1000
    release.set()
    await router.join()
    assert len(ran) == 1000


async def test_a_backlog_can_be_asked_for_without_a_concurrency_limit() -> None:
    router, release, _ = hanging_router(max_backlog=2)
    statuses = [await post(router, text_with_id(f"wamid.{i}")) for i in range(4)]
    assert statuses == [200, 200, 503, 503]
    release.set()
    await router.join()


def test_a_negative_backlog_or_timeout_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        WebhookRouter(app_secret=SECRET, max_concurrency=1, max_backlog=-1)
    with pytest.raises(ConfigurationError):
        WebhookRouter(app_secret=SECRET, handler_timeout=0)


async def test_a_handler_past_its_timeout_is_cancelled_logged_and_frees_its_slot(
    caplog: pytest.LogCaptureFixture,
) -> None:
    router = WebhookRouter(app_secret=SECRET, max_concurrency=1, handler_timeout=0.05)
    ran: list[str] = []

    @router.on_message
    async def stuck(event: MessageEvent) -> None:
        if event.message.id == "wamid.hangs":
            await asyncio.Event().wait()
        ran.append(event.message.id)

    with caplog.at_level(logging.WARNING, logger="whatsapp_async.webhooks"):
        assert await post(router, text_with_id("wamid.hangs")) == 200
        assert await post(router, text_with_id("wamid.next")) == 200
        await asyncio.wait_for(router.join(), timeout=5)
    assert ran == ["wamid.next"]
    [record] = [r for r in caplog.records if "timed out" in r.getMessage()]
    assert "stuck" in record.getMessage() and "wamid.hangs" in record.getMessage()


async def test_aclose_names_every_handler_it_cancels_running_or_waiting(
    caplog: pytest.LogCaptureFixture,
) -> None:
    router, _, ran = hanging_router(max_concurrency=1, max_backlog=5)
    for i in range(3):
        assert await post(router, text_with_id(f"wamid.{i}")) == 200
    await asyncio.sleep(0)
    with caplog.at_level(logging.WARNING, logger="whatsapp_async.webhooks"):
        await router.aclose(timeout=0)
    assert ran == []
    text = caplog.text
    for i in range(3):
        assert f"wamid.{i}" in text
    assert "running" in text and "waiting" in text


async def test_posts_while_closing_are_503_and_running_handlers_finish() -> None:
    router, release, ran = hanging_router(max_concurrency=2)
    assert await post(router, text_with_id("wamid.before")) == 200
    closing = asyncio.ensure_future(router.aclose(timeout=5))
    await asyncio.sleep(0)
    assert await post(router, text_with_id("wamid.during")) == 503
    release.set()
    await closing
    assert ran == ["wamid.before"]


async def test_the_asgi_receiver_answers_503_past_the_backlog() -> None:
    router, release, _ = hanging_router(max_concurrency=1, max_backlog=0)
    statuses = []
    for i in range(2):
        body = text_with_id(f"wamid.{i}")
        headers = [(b"x-hub-signature-256", sign(body, SECRET).encode())]
        statuses.append((await call(router, "POST", body=body, headers=headers)).status)
    assert statuses == [200, 503]
    release.set()
    await router.join()


async def test_the_aiohttp_receiver_answers_503_past_the_backlog() -> None:
    from aiohttp.test_utils import TestClient, TestServer

    router, release, _ = hanging_router(max_concurrency=1, max_backlog=0)
    statuses = []
    async with TestClient(TestServer(router.aiohttp_app("/hook"))) as client:
        for i in range(2):
            body = text_with_id(f"wamid.{i}")
            response = await client.post(
                "/hook", data=body, headers={"X-Hub-Signature-256": sign(body, SECRET)}
            )
            await response.read()
            statuses.append(response.status)
        release.set()
    assert statuses == [200, 503]
