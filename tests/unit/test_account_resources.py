"""Account and number-settings operations: the exact requests, with Meta's documented shapes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY, TOKEN, only_request
from whatsapp_async import WhatsAppClient
from whatsapp_async.errors import ValidationError
from whatsapp_async.types.account import BotCommand

WABA = "102290129340398"
PN = "106540352242922"


def client() -> WhatsAppClient:
    return WhatsAppClient(TOKEN, PN, retry=NO_RETRY, business_account_id=WABA)


async def test_block_posts_metas_body_and_reads_the_answer() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/{PN}/block_users", payload={
                "messaging_product": "whatsapp",
                "block_users": {"added_users": [{"input": "+16505551234",
                                                 "wa_id": "16505551234"}]}})
            result = await wa.blocked_users.block(["+1 650-555-1234"])
            method, url, body = only_request(mock)
    assert (method, url.path) == ("POST", f"/v21.0/{PN}/block_users")
    assert body == {"messaging_product": "whatsapp", "block_users": [{"user": "+16505551234"}]}
    assert [u.wa_id for u in result.added_users] == ["16505551234"]


async def test_unblock_is_a_delete_with_the_same_body() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.delete(f"{BASE}/{PN}/block_users", payload={
                "messaging_product": "whatsapp",
                "block_users": {"removed_users": [{"input": "+16505551234",
                                                   "wa_id": "16505551234"}]}})
            result = await wa.blocked_users.unblock(["+16505551234"])
            method, _url, body = only_request(mock)
    assert method == "DELETE"
    assert body == {"messaging_product": "whatsapp", "block_users": [{"user": "+16505551234"}]}
    assert [u.wa_id for u in result.removed_users] == ["16505551234"]


async def test_commerce_settings_go_as_query_parameters() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.post(re.compile(rf"{re.escape(BASE)}/{PN}/whatsapp_commerce_settings\?.*"),
                      payload={"success": True})
            assert await wa.commerce_settings.update(is_cart_enabled=True,
                                                     is_catalog_visible=False)
            _method, url, body = only_request(mock)
    assert dict(url.query) == {"is_cart_enabled": "true", "is_catalog_visible": "false"}
    assert body is None


async def test_subscribe_with_an_override_and_automation_bodies() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/{WABA}/subscribed_apps", payload={"success": True})
            await wa.account.subscribe(override_callback_uri="https://example.com/hook",
                                       verify_token="t0ken")
            assert only_request(mock)[2] == {"override_callback_uri": "https://example.com/hook",
                                             "verify_token": "t0ken"}
        with aioresponses() as mock:
            mock.post(f"{BASE}/{PN}/conversational_automation", payload={"success": True})
            await wa.conversational_automation.update(
                enable_welcome_message=True, prompts=["Book a flight", "plan a vacation"],
                commands=[BotCommand(command_name="tickets",
                                     command_description="Book flight tickets")])
            assert only_request(mock)[2] == {
                "enable_welcome_message": True,
                "prompts": ["Book a flight", "plan a vacation"],
                "commands": [{"command_name": "tickets",
                              "command_description": "Book flight tickets"}],
            }


async def test_account_numbers_follow_pages_and_ask_for_the_tier() -> None:
    first = {"data": [{"id": "1", "display_phone_number": "+1 555-0100",
                       "messaging_limit_tier": "TIER_10K", "quality_rating": "GREEN",
                       "throughput": {"level": "HIGH"}, "name_status": "APPROVED"}],
             "paging": {"cursors": {"after": "QVFI"}, "next": "https://graph.facebook.com/x"}}
    last = {"data": [{"id": "2"}], "paging": {"cursors": {"after": "end"}}}
    async with client() as wa:
        with aioresponses() as mock:
            mock.get(re.compile(rf"{re.escape(BASE)}/{WABA}/phone_numbers\?(?!.*after).*"),
                     payload=first)
            mock.get(re.compile(rf"{re.escape(BASE)}/{WABA}/phone_numbers\?.*after=QVFI.*"),
                     payload=last)
            numbers = [n async for n in wa.account.phone_numbers()]
            urls = [url for (_, url) in mock.requests]
    assert [n.id for n in numbers] == ["1", "2"]
    assert numbers[0].messaging_limit_tier == "TIER_10K" and numbers[0].throughput_level == "HIGH"
    assert "messaging_limit_tier" in urls[0].query["fields"].split(",")


def test_the_verify_token_stays_out_of_reprs() -> None:
    from whatsapp_async.types.account import SubscribeRequest

    assert "s3cret" not in repr(SubscribeRequest(override_callback_uri="https://e.com",
                                                 verify_token="s3cret"))


def _command(name: str = "tickets", description: str = "Book flight tickets") -> BotCommand:
    return BotCommand(command_name=name, command_description=description)


@pytest.mark.parametrize(("change", "field"), [
    ({"prompts": ["a", "b", "c", "d", "e"]}, "prompts"),
    ({"prompts": ["x" * 81]}, "prompts[0]"),
    ({"prompts": [""]}, "prompts[0]"),
    ({"commands": [_command(f"c{i}") for i in range(31)]}, "commands"),
    ({"commands": [_command("x" * 33)]}, "commands[0].command_name"),
    ({"commands": [_command("ok"), _command("/tickets")]}, "commands[1].command_name"),
    ({"commands": [_command("book flight")]}, "commands[0].command_name"),
    ({"commands": [_command("bücher")]}, "commands[0].command_name"),
    ({"commands": [_command(description="d" * 257)]}, "commands[0].command_description"),
    ({"enable_welcome_message": "yes"}, "enable_welcome_message"),
    ({}, "conversational_automation"),
])
async def test_automation_limits_are_refused_before_any_request(
    change: dict[str, Any], field: str
) -> None:
    async with client() as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as caught:
                await wa.conversational_automation.update(**change)
            assert not mock.requests
    assert caught.value.field == field


async def test_automation_accepts_metas_limits() -> None:
    commands = [_command("x" * 32 if i == 0 else f"Cmd_{i}") for i in range(30)]
    async with client() as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/{PN}/conversational_automation", payload={"success": True})
            assert await wa.conversational_automation.update(
                prompts=["p" * 80, "b", "c", "d"], commands=commands)
            sent = only_request(mock)[2]
    assert len(sent["prompts"]) == 4 and len(sent["commands"]) == 30
