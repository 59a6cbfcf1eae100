"""The sandbox's ``/_sandbox/simulate/{kind}`` and the statuses of the bot's messages.

A WebhookRouter on loopback checks every signature, so each kind posted to
the control API must arrive as its typed event.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.integration.test_fake_fields import Recorder
from whatsapp_async import WhatsAppClient
from whatsapp_async.testing.sandbox import Sandbox
from whatsapp_async.testing.sandbox._simulate import SIMULATIONS
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

SECRET = "sim-secret"
USER = "447700900123"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def wired() -> AsyncIterator[tuple[Sandbox, WebhookRouter, aiohttp.ClientSession]]:
    router = WebhookRouter(app_secret=SECRET)
    port = _free_port()
    runner = web.AppRunner(router.aiohttp_app("/webhook"))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with Sandbox(webhook_url=f"http://127.0.0.1:{port}/webhook", app_secret=SECRET,
                           verify_token=None) as sandbox, aiohttp.ClientSession() as http:
            yield sandbox, router, http
    finally:
        await runner.cleanup()


async def _simulate(http: aiohttp.ClientSession, sandbox: Sandbox, kind: str,
                    body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    async with http.post(f"{sandbox.url}/_sandbox/simulate/{kind}", json=body) as resp:
        answer: dict[str, Any] = await resp.json()
        assert resp.status == status, answer
        return answer


async def test_each_family_posted_to_the_control_api_reaches_its_typed_handler(
    wired: tuple[Sandbox, WebhookRouter, aiohttp.ClientSession],
) -> None:
    sandbox, router, http = wired
    status = router.on_template_status(Recorder())
    quality = router.on_template_quality(Recorder())
    account = router.on_account_update(Recorder())
    number = router.on_phone_number_quality(Recorder())
    calls = router.on_call(Recorder())
    prefs = router.on_user_preferences(Recorder())
    groups = router.on_group(Recorder())
    messages = router.on_message(Recorder())
    answer = await _simulate(http, sandbox, "template_status", {
        "name": "spring_sale", "status": "REJECTED", "reason": "INCORRECT_CATEGORY"})
    assert answer["field"] == "message_template_status_update"
    assert answer["webhook"] == {"status": 200, "error": None, "signed": True}
    await _simulate(http, sandbox, "template_quality", {"name": "spring_sale",
                                                         "new_score": "RED"})
    await _simulate(http, sandbox, "account_update", {
        "event": "DISABLED_UPDATE", "details": {"ban_info": {"waba_ban_state": "DISABLE"}}})
    await _simulate(http, sandbox, "phone_number_quality", {"event": "DOWNGRADE",
                                                             "current_limit": "TIER_250"})
    await _simulate(http, sandbox, "call", {"from": USER, "event": "terminate",
                                            "call_id": "wacid.1", "duration": 42})
    await _simulate(http, sandbox, "user_preference", {"from": USER, "value": "stop"})
    await _simulate(http, sandbox, "group", {
        "event_type": "group_participants_add", "field": "group_participants_update",
        "details": {"added_participants": [{"input": USER, "wa_id": USER}]}})
    await _simulate(http, sandbox, "revoke", {"from": USER, "message_id": "wamid.OLD"})
    await _simulate(http, sandbox, "edit", {"from": USER, "message_id": "wamid.OLD",
                                            "text": "fixed"})
    await _simulate(http, sandbox, "request_welcome", {"from": USER})
    await router.join()

    [rejected] = status.events
    assert isinstance(rejected, TemplateStatusEvent)
    assert (rejected.value.message_template_name, rejected.value.event,
            rejected.value.reason) == ("spring_sale", "REJECTED", "INCORRECT_CATEGORY")
    assert isinstance(quality.events[0], TemplateQualityEvent)
    assert quality.events[0].value.new_quality_score == "RED"
    assert isinstance(account.events[0], AccountUpdateEvent)
    assert account.events[0].value.ban_info.waba_ban_state == "DISABLE"
    assert isinstance(number.events[0], PhoneNumberQualityEvent)
    assert number.events[0].value.current_limit == "TIER_250"
    assert isinstance(calls.events[0], CallEvent)
    assert (calls.events[0].value.calls[0].id, calls.events[0].value.calls[0].duration) == (
        "wacid.1", 42)
    assert isinstance(prefs.events[0], UserPreferencesEvent)
    assert prefs.events[0].value.user_preferences[0].value == "stop"
    assert isinstance(groups.events[0], GroupEvent)
    assert groups.events[0].value.groups[0].added_participants[0].wa_id == USER
    revoke, edit, welcome = messages.events
    assert isinstance(revoke, RevokeEvent)
    assert revoke.message.revoke.original_message_id == "wamid.OLD"
    assert isinstance(edit, EditEvent)
    assert edit.message.edit.message is not None and edit.message.edit.message.text is not None
    assert edit.message.edit.message.text.body == "fixed"
    assert isinstance(welcome, RequestWelcomeEvent)


async def test_any_field_can_be_posted_with_change(
    wired: tuple[Sandbox, WebhookRouter, aiohttp.ClientSession],
) -> None:
    sandbox, router, http = wired
    seen = router.on_change(field="history")(Recorder())
    answer = await _simulate(http, sandbox, "change", {"field": "history", "value": {
        "history": [{"metadata": {"phase": 0, "chunk_order": 1, "progress": 100},
                     "threads": []}]}})
    await router.join()
    assert answer["value"]["metadata"]["phone_number_id"] == sandbox.phone_number_id
    assert seen.events[0].change.value.history[0].metadata.progress == 100


async def test_the_kinds_and_their_fields_are_listed_for_the_page(
    wired: tuple[Sandbox, WebhookRouter, aiohttp.ClientSession],
) -> None:
    sandbox, _, http = wired
    async with http.get(f"{sandbox.url}/_sandbox/simulate") as resp:
        kinds = await resp.json()
    assert set(kinds) == set(SIMULATIONS)
    assert kinds["call"]["field"] == "calls"
    assert {"name": "from", "type": "str", "required": True} in kinds["call"]["fields"]


@pytest.mark.parametrize(("kind", "body", "field", "words"), [
    ("nonsense", {}, "kind", "must be one of"),
    ("call", {}, "from", "is required for call"),
    ("call", {"from": USER, "colour": "red"}, "colour", "is not a field of call"),
    ("call", {"from": USER, "duration": "long"}, "duration", "whole number"),
    ("call", {"from": USER, "duration": True}, "duration", "whole number"),
    ("template_status", {"name": ""}, "name", "non-empty string"),
    ("account_update", {"event": "X", "details": ["a"]}, "details", "JSON object"),
    ("account_update", {"event": "X", "details": {"event": "Y"}}, "details",
     "must not repeat event"),
    ("call", {"from": USER, "phone_number_id": "999"}, "phone_number_id",
     "not a business number"),
])
async def test_bad_bodies_are_refused_naming_the_field_and_nothing_is_posted(
    wired: tuple[Sandbox, WebhookRouter, aiohttp.ClientSession],
    kind: str, body: dict[str, Any], field: str, words: str,
) -> None:
    sandbox, _, http = wired
    answer = await _simulate(http, sandbox, kind, body, status=400)
    assert answer["error"]["field"] == field
    assert words in answer["error"]["message"]
    assert sandbox.webhook_deliveries == []


async def test_simulating_without_a_webhook_says_how_to_get_one() -> None:
    async with Sandbox(verify_token=None) as sandbox, aiohttp.ClientSession() as http:
        answer = await _simulate(http, sandbox, "call", {"from": USER}, status=409)
    assert answer["error"]["field"] == "webhook_url"
    assert "--webhook-url" in answer["error"]["message"]


async def test_the_bot_messages_carry_their_furthest_status_and_failures_their_code(
    wired: tuple[Sandbox, WebhookRouter, aiohttp.ClientSession],
) -> None:
    sandbox, _, http = wired
    failing = "447700900999"
    sandbox.fail_deliveries_to(failing, 131026)
    async with WhatsAppClient(sandbox.access_token, sandbox.phone_number_id,
                              base_url=sandbox.base_url) as wa:
        ok = await wa.messages.send_text(USER, "hello")
        bad = await wa.messages.send_text(failing, "hello")
    await sandbox.flush_webhooks()
    async with http.get(f"{sandbox.url}/_sandbox/conversations/{USER}") as resp:
        timeline = await resp.json()
    statuses = [(i["message_id"], i["status"]) for i in timeline if i["kind"] == "status"]
    assert statuses == [(ok.message_id, "sent"), (ok.message_id, "delivered"),
                        (ok.message_id, "read")]
    async with http.get(f"{sandbox.url}/_sandbox/conversations/{failing}") as resp:
        [failed] = [i for i in await resp.json() if i["kind"] == "status"]
    assert (failed["message_id"], failed["status"], failed["error_code"]) == (
        bad.message_id, "failed", 131026)
    assert failed["error_title"]
    sandbox.reset()
    assert sandbox.delivery_statuses == []
