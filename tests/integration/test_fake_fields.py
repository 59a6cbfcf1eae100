"""The fake posts every new webhook kind, and a WebhookRouter's typed handlers get them."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.webhooks import (
    AccountUpdateEvent,
    CallEvent,
    EditEvent,
    GroupEvent,
    PhoneNumberQualityEvent,
    RequestWelcomeEvent,
    RevokeEvent,
    TemplateQualityEvent,
    TemplateStatusEvent,
    UserPreferencesEvent,
    WebhookRouter,
)

SECRET = "fields-secret"
USER = "447700900123"


class Recorder:
    def __init__(self) -> None:
        self.events: list[Any] = []

    async def __call__(self, event: Any) -> None:
        self.events.append(event)


@pytest.fixture
async def wired() -> AsyncIterator[tuple[FakeCloudAPI, WebhookRouter]]:
    router = WebhookRouter(app_secret=SECRET)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runner = web.AppRunner(router.aiohttp_app("/webhook"))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with FakeCloudAPI(webhook_url=f"http://127.0.0.1:{port}/webhook",
                                app_secret=SECRET) as fake:
            yield fake, router
    finally:
        await runner.cleanup()


async def test_template_and_account_and_number_changes(
    wired: tuple[FakeCloudAPI, WebhookRouter],
) -> None:
    fake, router = wired
    status = router.on_template_status(event="REJECTED")(Recorder())
    quality = router.on_template_quality(Recorder())
    account = router.on_account_update(Recorder())
    number = router.on_phone_number_quality(Recorder())
    assert (await fake.simulate_template_status("spring_sale", "REJECTED",
                                                reason="INCORRECT_CATEGORY")).status == 200
    await fake.simulate_template_status("order_update")  # APPROVED: filtered out
    await fake.simulate_template_quality("order_update", "RED", previous_score="YELLOW")
    await fake.simulate_account_update("DISABLED_UPDATE", ban_info={
        "waba_ban_state": "DISABLE", "waba_ban_date": "June 1, 2026"})
    await fake.simulate_phone_number_quality("DOWNGRADE", "TIER_250")
    await router.join()
    [rejected] = status.events
    assert isinstance(rejected, TemplateStatusEvent)
    assert (rejected.value.message_template_name, rejected.value.reason) == (
        "spring_sale", "INCORRECT_CATEGORY")
    assert rejected.waba_id == fake.waba_id
    assert isinstance(quality.events[0], TemplateQualityEvent)
    assert quality.events[0].value.new_quality_score == "RED"
    assert isinstance(account.events[0], AccountUpdateEvent)
    assert account.events[0].value.ban_info.waba_ban_state == "DISABLE"
    assert isinstance(number.events[0], PhoneNumberQualityEvent)
    assert number.events[0].value.current_limit == "TIER_250"


async def test_call_user_preference_and_group(wired: tuple[FakeCloudAPI, WebhookRouter]) -> None:
    fake, router = wired
    calls = router.on_call(Recorder())
    prefs = router.on_user_preferences(Recorder())
    groups = router.on_group(Recorder())
    await fake.simulate_call(USER)
    await fake.simulate_call(USER, "terminate", call_id="wacid.same", duration=42)
    await fake.simulate_user_preference(USER, "stop")
    await fake.simulate_group("group_participants_add", field="group_participants_update",
                              added_participants=[{"input": USER, "wa_id": USER}])
    await router.join()
    ring, end = calls.events
    assert isinstance(ring, CallEvent)
    assert ring.value.calls[0].session.sdp_type == "offer"
    assert ring.value.metadata.phone_number_id == fake.phone_number_id
    assert (end.value.calls[0].id, end.value.calls[0].duration) == ("wacid.same", 42)
    assert isinstance(prefs.events[0], UserPreferencesEvent)
    assert prefs.events[0].value.user_preferences[0].value == "stop"
    assert isinstance(groups.events[0], GroupEvent)
    assert groups.events[0].value.groups[0].added_participants[0].wa_id == USER


async def test_revoke_edit_and_request_welcome(wired: tuple[FakeCloudAPI, WebhookRouter]) -> None:
    fake, router = wired
    seen = router.on_message(Recorder())
    await fake.simulate_revoke(USER, "wamid.OLD")
    await fake.simulate_edit(USER, "wamid.OLD2", "fixed typo")
    await fake.simulate_request_welcome(USER)
    await router.join()
    revoke, edit, welcome = seen.events
    assert isinstance(revoke, RevokeEvent)
    assert revoke.message.revoke.original_message_id == "wamid.OLD"
    assert isinstance(edit, EditEvent)
    assert edit.message.edit.message is not None
    assert edit.message.edit.message.text is not None
    assert edit.message.edit.message.text.body == "fixed typo"
    assert isinstance(welcome, RequestWelcomeEvent)
    assert welcome.sender.wa_id == USER


async def test_simulate_change_posts_any_field(wired: tuple[FakeCloudAPI, WebhookRouter]) -> None:
    fake, router = wired
    seen = router.on_change(field="history")(Recorder())
    delivery = await fake.simulate_change("history", {"history": [{"metadata": {
        "phase": 0, "chunk_order": 1, "progress": 100}, "threads": []}]})
    await router.join()
    assert delivery.status == 200
    assert seen.events[0].change.value.history[0].metadata.progress == 100
    assert delivery.payload["entry"][0]["changes"][0]["value"]["metadata"][
        "phone_number_id"] == fake.phone_number_id


async def test_simulating_without_a_webhook_url_says_so() -> None:
    async with FakeCloudAPI() as fake:
        with pytest.raises(RuntimeError, match="webhook_url"):
            await fake.simulate_call(USER)
