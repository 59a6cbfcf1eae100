"""End to end: FakeCloudAPI posts signed webhooks to a WebhookRouter served by
aiohttp on loopback; handlers answer through a WhatsAppClient pointed at the
fake, which records the replies."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from whatsapp_async import WhatsAppClient
from whatsapp_async.testing import FakeCloudAPI, InboundButtonReply, Media
from whatsapp_async.webhooks import (
    InteractiveMessage,
    MessageEvent,
    StatusEvent,
    WebhookRouter,
)

SECRET = "e2e-app-secret"
USER = "447700900123"
ECHO_BOT = Path(__file__).resolve().parents[2] / "examples" / "echo_bot.py"
NUMBERS = ("1234567890", "9876543210")


@dataclass
class Bot:
    fake: FakeCloudAPI
    router: WebhookRouter
    url: str
    statuses: list[StatusEvent]


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    router = WebhookRouter(app_secret=SECRET, verify_token="e2e-token")
    statuses: list[StatusEvent] = []

    @router.on_message(kind="text")
    async def echo(event: MessageEvent) -> None:
        await event.mark_read()
        await event.reply_text(f"echo: {event.text}")

    @router.on_message(kind="image")
    async def like(event: MessageEvent) -> None:
        await event.react("\N{THUMBS UP SIGN}")

    @router.on_message(kind="interactive")
    async def chosen(event: MessageEvent) -> None:
        assert isinstance(event.message, InteractiveMessage)
        button = event.message.interactive.button_reply
        await event.reply_text(f"you chose {button.id if button else '?'}", quote=False)

    @router.on_status
    async def track(event: StatusEvent) -> None:
        statuses.append(event)

    runner = web.AppRunner(router.aiohttp_app("/webhook"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/webhook"
    try:
        async with FakeCloudAPI(phone_numbers=NUMBERS, webhook_url=url, app_secret=SECRET,
                                statuses=("sent", "delivered")) as fake, \
                WhatsAppClient(access_token=fake.access_token, base_url=fake.base_url,
                               phone_number_id=fake.phone_number_id) as wa:
            router.client = wa
            yield Bot(fake, router, url, statuses)
            await router.join()
    finally:
        await runner.cleanup()


async def settle(bot: Bot) -> None:
    """Let handlers finish, then let the fake post the statuses of their replies."""
    await bot.router.join()
    await bot.fake.flush_webhooks()
    await bot.router.join()


async def test_text_is_echoed_as_a_quoted_reply(bot: Bot) -> None:
    delivery = await bot.fake.simulate_inbound(from_=USER, text="hello there", name="Ana")
    assert delivery.status == 200
    await settle(bot)
    [reply] = bot.fake.sent
    assert reply.type == "text"
    assert reply.text == "echo: hello there"
    assert reply.wa_id == USER
    assert reply.body["context"] == {"message_id": delivery.message_id}
    assert reply.phone_number_id == NUMBERS[0]


async def test_text_is_marked_read(bot: Bot) -> None:
    delivery = await bot.fake.simulate_inbound(from_=USER, text="read me")
    await settle(bot)
    assert [m.message_id for m in bot.fake.read_marks] == [delivery.message_id]


async def test_reply_leaves_from_the_number_that_received_the_message(bot: Bot) -> None:
    await bot.fake.simulate_inbound(from_=USER, text="to the second number",
                                    phone_number_id=NUMBERS[1])
    await settle(bot)
    [reply] = bot.fake.sent
    assert reply.phone_number_id == NUMBERS[1]


async def test_image_gets_a_reaction_on_that_message(bot: Bot) -> None:
    delivery = await bot.fake.simulate_inbound(
        from_=USER, message=Media(kind="image", data=b"\x89PNG fake", mime_type="image/png",
                                  caption="look")
    )
    await settle(bot)
    [reaction] = bot.fake.sent
    assert reaction.type == "reaction"
    assert reaction.body["reaction"] == {"message_id": delivery.message_id,
                                         "emoji": "\N{THUMBS UP SIGN}"}


async def test_button_reply_carries_the_context_of_the_business_message(bot: Bot) -> None:
    first = await bot.fake.simulate_inbound(from_=USER, text="menu")
    await settle(bot)
    menu_id = bot.fake.sent[0].id
    seen: list[MessageEvent] = []

    @bot.router.on_message(kind="interactive")
    async def record(event: MessageEvent) -> None:
        seen.append(event)

    await bot.fake.simulate_inbound(from_=USER, message=InboundButtonReply(id="opt-2", title="Two"))
    await settle(bot)
    assert first.status == 200
    [event] = seen
    assert event.message.context is not None and event.message.context.id == menu_id
    assert bot.fake.sent[-1].text == "you chose opt-2"
    assert "context" not in bot.fake.sent[-1].body


async def test_statuses_of_the_reply_come_back_to_the_router(bot: Bot) -> None:
    await bot.fake.simulate_inbound(from_=USER, text="status please")
    await settle(bot)
    reply_id = bot.fake.sent[0].id
    assert [(e.status.id, e.status.status) for e in bot.statuses] == [
        (reply_id, "sent"), (reply_id, "delivered")
    ]
    assert all(e.phone_number_id == NUMBERS[0] for e in bot.statuses)


async def test_redelivered_notification_is_answered_once(bot: Bot) -> None:
    delivery = await bot.fake.simulate_inbound(from_=USER, text="only once")
    await settle(bot)
    assert delivery.signature is not None
    async with aiohttp.ClientSession() as session:
        headers = {"X-Hub-Signature-256": delivery.signature,
                   "Content-Type": "application/json"}
        async with session.post(bot.url, data=delivery.body, headers=headers) as resp:
            assert resp.status == 200
    await settle(bot)
    assert len(bot.fake.sent) == 1


async def test_unsigned_post_is_refused_and_nothing_is_sent(bot: Bot) -> None:
    delivery = await bot.fake.simulate_inbound(from_=USER, text="first")
    await settle(bot)
    async with aiohttp.ClientSession() as session:
        body = delivery.body.replace(b"first", b"forged")
        async with session.post(bot.url, data=body) as resp:
            assert resp.status == 403
    await settle(bot)
    assert [m.text for m in bot.fake.sent] == ["echo: first"]


async def test_echo_bot_example_runs_against_the_sandbox(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = importlib.util.spec_from_file_location("echo_bot_example", ECHO_BOT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    await module.sandbox()
    out = capsys.readouterr().out
    assert "bot sent text to +447700900123: {'body': 'Hello bot!'" in out
    assert "(quoting wamid." in out
    assert "bot sent reaction to +447700900123" in out
    assert "read (typing: True)" in out
