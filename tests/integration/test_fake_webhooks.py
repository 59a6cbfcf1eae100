"""Webhooks the fake posts: statuses and simulated inbound messages, signed like Meta."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.support import load_fixture, send
from whatsapp_async import WhatsAppClient
from whatsapp_async.testing import (
    FakeCloudAPI,
    InboundButtonReply,
    InboundListReply,
    InboundLocation,
    InboundReaction,
    Media,
    QuickReply,
)
from whatsapp_async.testing._webhooks import sign

SECRET = "test_app_secret"


@dataclass
class Receiver:
    """A webhook endpoint on loopback that keeps what it receives."""

    url: str = ""
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    answer: int = 200

    def payloads(self) -> list[Any]:
        return [json.loads(body) for body, _ in self.received]

    def statuses(self) -> list[dict[str, Any]]:
        return [p["entry"][0]["changes"][0]["value"]["statuses"][0]
                for p in self.payloads() if "statuses" in p["entry"][0]["changes"][0]["value"]]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    box = Receiver()

    async def handle(request: web.Request) -> web.Response:
        box.received.append((await request.read(), dict(request.headers)))
        return web.Response(status=box.answer)

    app = web.Application()
    app.router.add_post("/webhook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    box.url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    yield box
    await runner.cleanup()


@pytest.fixture
async def fake_cloud_api(
    receiver: Receiver, request: pytest.FixtureRequest
) -> AsyncIterator[FakeCloudAPI]:
    """The plugin's fake, posting signed webhooks to ``receiver``.

    Overrides the plugin's fixture because a marker cannot carry ``receiver.url``
    (it exists only once the receiver runs); ``fake_cloud_api`` markers still
    apply on top, closest last, as the plugin reads them.
    """
    kwargs: dict[str, Any] = {"webhook_url": receiver.url, "app_secret": SECRET}
    for marker in reversed(list(request.node.iter_markers("fake_cloud_api"))):
        kwargs.update(marker.kwargs)
    async with FakeCloudAPI(**kwargs) as server:
        yield server


def independent_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def shape(value: Any) -> Any:
    """The key structure of a JSON value, for comparing with recorded payloads."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def message_of(payload: Any) -> dict[str, Any]:
    message: dict[str, Any] = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    return message


# ------------------------------------------------------------------ signing


def test_sign_matches_the_worked_example_of_the_facts() -> None:
    # shared/facts/cloud-api.md §4.2: compact fixture 01 with "test_app_secret".
    body = json.dumps(load_fixture("facts/webhooks/01_text_from_ctwa_ad.json"),
                      separators=(",", ":")).encode()
    assert len(body) == 873
    assert sign(body, SECRET) == (
        "sha256=761d78493c4140e6a4f8338ef078be27c4df8a7c86a914ab1fb5620837d033cf")


async def test_every_webhook_is_signed_over_its_raw_body(
    fake: FakeCloudAPI, wa: WhatsAppClient, receiver: Receiver
) -> None:
    await send(wa)
    await fake.simulate_inbound(from_="447700900123", text="hi")
    assert len(receiver.received) == 4
    for body, headers in receiver.received:
        assert headers["X-Hub-Signature-256"] == independent_signature(body, SECRET)
        assert headers["Content-Type"] == "application/json"


@pytest.mark.fake_cloud_api(app_secret=None)
async def test_no_signature_header_without_an_app_secret(
    fake: FakeCloudAPI, receiver: Receiver
) -> None:
    await fake.simulate_inbound(from_="447700900123", text="hi")
    assert "X-Hub-Signature-256" not in receiver.received[0][1]


async def test_non_ascii_is_escaped_on_the_wire_as_meta_does(
    fake: FakeCloudAPI, receiver: Receiver
) -> None:
    await fake.simulate_inbound(from_="447700900123", text="ol\u00e1 \U0001f44d")
    body = receiver.received[0][0]
    assert b"ol\\u00e1 \\ud83d\\udc4d" in body
    assert body.isascii()


# ---------------------------------------------------------------- statuses


async def test_each_send_gets_sent_delivered_read_statuses(
    fake: FakeCloudAPI, wa: WhatsAppClient, receiver: Receiver
) -> None:
    message_id = await send(wa, "+447700900123")
    await fake.flush_webhooks()
    statuses = receiver.statuses()
    assert [s["status"] for s in statuses] == ["sent", "delivered", "read"]
    assert {s["id"] for s in statuses} == {message_id}
    assert {s["recipient_id"] for s in statuses} == {"447700900123"}


async def test_status_payload_has_the_recorded_shape(
    fake: FakeCloudAPI, wa: WhatsAppClient, receiver: Receiver
) -> None:
    await send(wa)
    await fake.flush_webhooks()
    recorded = load_fixture("facts/webhooks/07_status_delivered_with_pricing.json")
    recorded_status = recorded["entry"][0]["changes"][0]["value"]["statuses"][0]
    del recorded_status["biz_opaque_callback_data"]
    delivered = receiver.payloads()[1]
    assert shape(delivered) == shape(recorded)


async def test_callback_data_is_echoed_in_statuses(
    fake: FakeCloudAPI, receiver: Receiver
) -> None:
    async with aiohttp.ClientSession() as http:
        await http.post(
            f"{fake.base_url}/{fake.phone_number_id}/messages",
            headers={"Authorization": f"Bearer {fake.access_token}"},
            json={"messaging_product": "whatsapp", "to": "15551234567", "type": "text",
                  "text": {"body": "x"}, "biz_opaque_callback_data": "order-8841"},
        )
    await fake.flush_webhooks()
    assert {s["biz_opaque_callback_data"] for s in receiver.statuses()} == {"order-8841"}


async def test_failed_delivery_posts_a_failed_status_with_errors(
    fake: FakeCloudAPI, wa: WhatsAppClient, receiver: Receiver
) -> None:
    fake.fail_deliveries_to("+447700900123", code=131026)
    await send(wa, "+447700900123")
    await fake.flush_webhooks()
    [status] = receiver.statuses()
    recorded = load_fixture("facts/webhooks/08_status_failed_131047.json")
    recorded_status = recorded["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert status["status"] == "failed"
    assert status["errors"][0]["code"] == 131026
    assert shape(status["errors"]) == shape(recorded_status["errors"])


async def test_unknown_media_id_fails_with_131053(
    fake: FakeCloudAPI, receiver: Receiver
) -> None:
    async with aiohttp.ClientSession() as http:
        await http.post(
            f"{fake.base_url}/{fake.phone_number_id}/messages",
            headers={"Authorization": f"Bearer {fake.access_token}"},
            json={"messaging_product": "whatsapp", "to": "15551234567", "type": "image",
                  "image": {"id": "999999"}},
        )
    await fake.flush_webhooks()
    assert [(s["status"], s["errors"][0]["code"]) for s in receiver.statuses()] == [
        ("failed", 131053)]


@pytest.mark.fake_cloud_api(enforce_service_window=True, statuses=("delivered",))
async def test_service_window_when_enforced(
    fake: FakeCloudAPI, wa: WhatsAppClient, receiver: Receiver
) -> None:
    await send(wa, "+447700900123")
    await fake.simulate_inbound(from_="447700900123", text="hello?")
    await send(wa, "+447700900123")
    fake.advance(86401)
    await send(wa, "+447700900123")
    await fake.flush_webhooks()
    outcomes = [(s["status"], s.get("errors", [{}])[0].get("code"))
                for s in receiver.statuses()]
    assert outcomes == [("failed", 131047), ("delivered", None), ("failed", 131047)]


@pytest.mark.fake_cloud_api(app_secret=None, api_version="v24.0")
async def test_conversation_object_is_dropped_from_v24(
    fake: FakeCloudAPI, wa: WhatsAppClient, receiver: Receiver
) -> None:
    assert fake.base_url.endswith("/v24.0")
    await send(wa)
    await fake.flush_webhooks()
    assert all("conversation" not in s for s in receiver.statuses())
    assert "pricing" in receiver.statuses()[0]


async def test_unreachable_webhook_is_recorded_and_does_not_break_sends(
    fake: FakeCloudAPI, wa: WhatsAppClient, receiver: Receiver
) -> None:
    receiver.answer = 500
    await send(wa)
    await fake.flush_webhooks()
    assert [d.status for d in fake.webhook_deliveries] == [500, 500, 500]
    assert len(fake.sent) == 1


# ----------------------------------------------------------------- inbound


async def test_simulated_text_has_the_recorded_shape(
    fake: FakeCloudAPI, receiver: Receiver
) -> None:
    delivery = await fake.simulate_inbound(from_="447700900123", text="Hi!", name="Ana Souza")
    assert delivery.status == 200
    recorded = load_fixture("facts/webhooks/01_text_from_ctwa_ad.json")
    del message_of(recorded)["referral"]
    payload = receiver.payloads()[0]
    assert shape(payload) == shape(recorded)
    message = message_of(payload)
    assert message["id"] == delivery.message_id
    assert message["text"] == {"body": "Hi!"}
    assert payload["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] == (
        "Ana Souza")


async def test_button_reply_refers_to_the_last_message_sent(
    fake: FakeCloudAPI, wa: WhatsAppClient, receiver: Receiver
) -> None:
    message_id = await send(wa, "+447700900123")
    await fake.simulate_inbound(from_="447700900123",
                                message=InboundButtonReply(id="reschedule-btn", title="Reschedule"))
    recorded = load_fixture("facts/webhooks/03_interactive_button_reply.json")
    payload = receiver.payloads()[-1]
    assert shape(payload) == shape(recorded)
    assert message_of(payload)["context"]["id"] == message_id
    assert message_of(payload)["interactive"]["button_reply"] == {
        "id": "reschedule-btn", "title": "Reschedule"}


async def test_list_reply_has_the_recorded_shape(fake: FakeCloudAPI, receiver: Receiver
                                                 ) -> None:
    await fake.simulate_inbound(
        from_="447700900123", reply_to="wamid.ABC",
        message=InboundListReply(id="slot_1", title="Sat 09:30", description="Main branch"),
    )
    recorded = load_fixture("facts/webhooks/04_interactive_list_reply.json")
    assert shape(receiver.payloads()[0]) == shape(recorded)


async def test_quick_reply_has_the_recorded_shape(fake: FakeCloudAPI, receiver: Receiver
                                                  ) -> None:
    await fake.simulate_inbound(from_="447700900123", reply_to="wamid.ABC",
                                message=QuickReply(payload="STOP", text="Stop promotions"))
    recorded = load_fixture("facts/webhooks/05_template_quick_reply_button.json")
    assert shape(receiver.payloads()[0]) == shape(recorded)


async def test_reaction_has_the_recorded_shape(fake: FakeCloudAPI, receiver: Receiver) -> None:
    await fake.simulate_inbound(from_="447700900123",
                                message=InboundReaction(message_id="wamid.ABC", emoji="\U0001f44d"))
    recorded = load_fixture("facts/webhooks/06_reaction.json")
    assert shape(receiver.payloads()[0]) == shape(recorded)


async def test_location_is_posted(fake: FakeCloudAPI, receiver: Receiver) -> None:
    await fake.simulate_inbound(from_="447700900123", message=InboundLocation(
        latitude=51.5, longitude=-0.12, name="Office", address="1 Main St"))
    assert message_of(receiver.payloads()[0])["location"] == {
        "latitude": 51.5, "longitude": -0.12, "name": "Office", "address": "1 Main St"}


async def test_inbound_media_is_downloadable(fake: FakeCloudAPI, receiver: Receiver) -> None:
    data = b"\xff\xd8\xff fake jpeg"
    await fake.simulate_inbound(from_="447700900123", message=Media(
        kind="image", data=data, mime_type="image/jpeg", caption="Receipt"))
    recorded = load_fixture("facts/webhooks/02_image_forwarded.json")
    del message_of(recorded)["context"]
    payload = receiver.payloads()[0]
    assert shape(payload) == shape(recorded)
    image = message_of(payload)["image"]
    assert image["sha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    async with aiohttp.ClientSession(
            headers={"Authorization": f"Bearer {fake.access_token}"}) as http:
        async with http.get(image["url"]) as resp:
            assert await resp.read() == data
        async with http.get(f"{fake.base_url}/{image['id']}") as resp:
            assert (await resp.json())["file_size"] == len(data)


async def test_inbound_needs_exactly_one_kind(fake: FakeCloudAPI) -> None:
    with pytest.raises(ValueError):
        await fake.simulate_inbound(from_="447700900123")
    with pytest.raises(ValueError):
        await fake.simulate_inbound(from_="447700900123", text="a",
                                    message=InboundReaction(message_id="wamid.A", emoji=""))


async def test_inbound_needs_a_webhook_url() -> None:
    async with FakeCloudAPI() as fake:
        with pytest.raises(RuntimeError):
            await fake.simulate_inbound(from_="447700900123", text="hi")


async def test_no_webhooks_without_a_url() -> None:
    async with FakeCloudAPI() as fake, WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url) as client:
        await send(client)
        assert fake.webhook_deliveries == []
