"""Typed Flow completions: a simulated nfm_reply decoded into the user's own Struct."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from aiohttp import web

from whatsapp_async.flows import decode_flow_response, flow_reply_of
from whatsapp_async.testing import FakeCloudAPI, InboundButtonReply, InboundFlowReply
from whatsapp_async.webhooks import InvalidPayloadError, MessageEvent, WebhookRouter

SECRET = "completion-secret"


class Booking(msgspec.Struct):
    flow_token: str
    date: str
    guests: int


async def run(messages: list[Any]) -> list[MessageEvent]:
    router = WebhookRouter(app_secret=SECRET, verify_token="t")
    seen: list[MessageEvent] = []

    @router.on_message
    async def record(event: MessageEvent) -> None:
        seen.append(event)

    runner = web.AppRunner(router.aiohttp_app("/webhook"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    try:
        async with FakeCloudAPI(webhook_url=url, app_secret=SECRET) as fake:
            for message in messages:
                await fake.simulate_inbound(from_="15551234567", message=message)
            await fake.flush_webhooks()
            await router.join()
    finally:
        await runner.cleanup()
    return seen


async def test_a_completion_decodes_into_a_struct_of_yours() -> None:
    [event] = await run([InboundFlowReply("tok-9", {"date": "2026-12-04", "guests": 2})])
    assert flow_reply_of(event) is not None
    assert decode_flow_response(event, Booking) == Booking("tok-9", "2026-12-04", 2)
    assert decode_flow_response(event) == {"flow_token": "tok-9", "date": "2026-12-04",
                                           "guests": 2}
    message = event.message
    assert decode_flow_response(message, Booking).guests == 2


async def test_answers_that_do_not_fit_name_the_field() -> None:
    [event] = await run([InboundFlowReply("tok-9", {"date": "2026-12-04", "guests": "two"})])
    with pytest.raises(InvalidPayloadError, match="guests"):
        decode_flow_response(event, Booking)


async def test_other_messages_are_no_flow_reply() -> None:
    [event] = await run([InboundButtonReply(id="b1", title="Yes")])
    assert flow_reply_of(event) is None
    with pytest.raises(InvalidPayloadError, match="not a Flow reply"):
        decode_flow_response(event)
