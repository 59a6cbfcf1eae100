"""Checkers: drive what a ``<!-- check: name -->`` block built, and assert what it did.

A checker gets the names the block defined, the fake it ran against (already
reset for the block) and pytest's monkeypatch. Each one calls the block's app
or functions in-process, as their framework's own test tools do, and checks
the messages the fake recorded, so a block that builds fine but no longer
works still fails.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import types
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from tests.support import free_port
from whatsapp_async import WhatsAppClient
from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.webhooks import SIGNATURE_HEADER, sign

__all__ = ["CHECKS"]

Checker = Callable[[Mapping[str, Any], FakeCloudAPI, pytest.MonkeyPatch], None]
CHECKS: dict[str, Checker] = {}

USER = "15551234567"


def checker(function: Checker) -> Checker:
    CHECKS[function.__name__] = function
    return function


def text_notification(phone_number_id: str, body: str, wamid: str = "wamid.docs-1") -> bytes:
    """A signed-to-be notification of one inbound text message, as Meta posts it."""
    return json.dumps({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111",
                         "phone_number_id": phone_number_id},
            "contacts": [{"profile": {"name": "Ana"}, "wa_id": USER}],
            "messages": [{"from": USER, "id": wamid, "timestamp": "1700000000",
                          "type": "text", "text": {"body": body}}],
        }}]}],
    }).encode()


def texts_sent(fake: FakeCloudAPI) -> list[str]:
    return [m.body["text"]["body"] for m in fake.sent if m.type == "text"]


@checker
def fastapi_app(ns: Mapping[str, Any], fake: FakeCloudAPI, mp: pytest.MonkeyPatch) -> None:
    import httpx

    app = ns["app"]
    secret = os.environ["WHATSAPP_APP_SECRET"]

    async def drive() -> None:
        # ASGITransport sends no lifespan events: run the app's lifespan around the calls.
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as http:
            answer = await http.post("/welcome", json={"to": "+15551234567", "name": "Ana"})
            assert answer.status_code == 200, answer.text
            assert answer.json()["message_id"] == fake.sent[-1].id
            challenge = await http.get("/webhook", params={
                "hub.mode": "subscribe", "hub.verify_token": os.environ["WHATSAPP_VERIFY_TOKEN"],
                "hub.challenge": "1158201444",
            })
            assert (challenge.status_code, challenge.text) == (200, "1158201444")
            body = text_notification(fake.phone_number_id, "hi")
            # The exact path Meta is given: a redirect here would fail its verification.
            posted = await http.post("/webhook", content=body,
                                     headers={SIGNATURE_HEADER: sign(body, secret)})
            assert posted.status_code == 200

    asyncio.run(drive())
    # Leaving the lifespan closed the router, which waited for the echo handler.
    assert texts_sent(fake) == ["Welcome aboard, Ana!", "You said: hi"]


@checker
def aiohttp_app(ns: Mapping[str, Any], fake: FakeCloudAPI, mp: pytest.MonkeyPatch) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    async def drive() -> None:
        async with TestClient(TestServer(ns["app"])) as http:
            answer = await http.post("/welcome", json={"to": "+15551234567", "name": "Ben"})
            assert answer.status == 200, await answer.text()
            assert (await answer.json())["message_id"] == fake.sent[-1].id

    asyncio.run(drive())
    assert texts_sent(fake) == ["Welcome, Ben!"]


@checker
def django_view(ns: Mapping[str, Any], fake: FakeCloudAPI, mp: pytest.MonkeyPatch) -> None:
    import django
    from django.conf import settings
    from django.test import AsyncClient, override_settings
    from django.urls import path

    if not settings.configured:
        settings.configure(DEBUG=False, SECRET_KEY="docs", INSTALLED_APPS=[])
        django.setup()
    urls = types.ModuleType("docs_snippet_urls")
    urls.urlpatterns = [path("welcome/", ns["welcome"])]  # type: ignore[attr-defined]

    async def drive() -> None:
        http = AsyncClient()
        answer = await http.post("/welcome/", {"to": "+15551234567", "name": "Chloe"},
                                 content_type="application/json")
        assert answer.status_code == 200, answer.content
        assert answer.json()["message_id"] == fake.sent[-1].id
        refused = await http.post("/welcome/", {"to": "not a number", "name": "Dan"},
                                  content_type="application/json")
        assert refused.status_code == 422
        assert refused.json()["field"] == "to"

    with override_settings(ROOT_URLCONF=urls, ALLOWED_HOSTS=["testserver"]):
        asyncio.run(drive())
    assert texts_sent(fake) == ["Welcome, Chloe!"]


@checker
def webhook_bot(ns: Mapping[str, Any], fake: FakeCloudAPI, mp: pytest.MonkeyPatch) -> None:
    """Serve the block's aiohttp app on loopback and let a fake post to it."""
    from aiohttp import web

    port = free_port()

    async def drive() -> None:
        async with FakeCloudAPI(webhook_url=f"http://127.0.0.1:{port}/webhook",
                                app_secret=os.environ["WHATSAPP_APP_SECRET"]) as bot_fake:
            # The app's client (opened in its cleanup_ctx) must reach this fake.
            mp.setenv("WHATSAPP_BASE_URL", bot_fake.base_url)
            runner = web.AppRunner(ns["app"])
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            try:
                delivery = await bot_fake.simulate_inbound(from_=USER, text="order 4711",
                                                           name="Ana")
                assert delivery.status == 200
                await ns["router"].join()
            finally:
                await runner.cleanup()
            assert texts_sent(bot_fake) == ["Order 4711 ships tomorrow, Ana!"]
            assert [mark.message_id for mark in bot_fake.read_marks] == [delivery.message_id]

    asyncio.run(drive())


@checker
def pytest_tests(ns: Mapping[str, Any], fake: FakeCloudAPI, mp: pytest.MonkeyPatch) -> None:
    """Run the block's ``test_*`` functions with the plugin's two fixtures, as pytest would.

    A ``fake_cloud_api`` marker on a test configures its fake, as with the plugin.
    """
    tests = [value for name, value in ns.items()
             if name.startswith("test_") and inspect.iscoroutinefunction(value)]
    assert tests, "the block defines no async test function"

    async def run(test: Any) -> None:
        kwargs: dict[str, Any] = {}
        for mark in getattr(test, "pytestmark", []):
            if mark.name == "fake_cloud_api":
                kwargs.update(mark.kwargs)
        async with FakeCloudAPI(**kwargs) as test_fake, WhatsAppClient(
            test_fake.access_token, test_fake.phone_number_id, base_url=test_fake.base_url,
            messages_per_second=test_fake.messages_per_second,
        ) as client:
            fixtures = {"fake_cloud_api": test_fake, "whatsapp_client": client}
            await test(**{name: fixtures[name] for name in inspect.signature(test).parameters})

    for test in tests:
        asyncio.run(run(test))


@checker
def router_replies(ns: Mapping[str, Any], fake: FakeCloudAPI, mp: pytest.MonkeyPatch) -> None:
    """Post a signed text message to the block's ``router``: its handlers must answer it."""
    router = ns["router"]
    body = text_notification(fake.phone_number_id, "hello")

    async def drive() -> None:
        async with WhatsAppClient() as wa:  # the WHATSAPP_* variables: the fake
            router.client = wa
            answer = await router.handle(body, sign(body, os.environ["WHATSAPP_APP_SECRET"]))
            assert answer.status == 200
            await router.aclose()

    asyncio.run(drive())
    assert [m.to for m in fake.sent] == [f"+{USER}"]
    assert fake.sent[0].body["context"]["message_id"] == "wamid.docs-1"
