"""Account-level operations against the fake: the account, its numbers, subscriptions,
blocked users, commerce settings and conversational automation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from whatsapp_async import ConfigurationError, ValidationError, WhatsAppClient
from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.types.account import BotCommand


@pytest.fixture
async def fake() -> AsyncIterator[FakeCloudAPI]:
    async with FakeCloudAPI(phone_numbers=("1234567890", "1234567891")) as server:
        yield server


@pytest.fixture
async def wa(fake: FakeCloudAPI) -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient(fake.access_token, fake.phone_number_id, base_url=fake.base_url,
                              business_account_id=fake.waba_id) as client:
        yield client


async def test_account_info_and_its_numbers(wa: WhatsAppClient, fake: FakeCloudAPI) -> None:
    info = await wa.account.info()
    assert info.id == fake.waba_id and info.currency == "USD"
    assert (await wa.account.info(fields=["name"])).currency is None
    numbers = [n async for n in wa.account.phone_numbers()]
    assert [n.id for n in numbers] == ["1234567890", "1234567891"]
    assert numbers[0].messaging_limit_tier == "TIER_1K"
    assert numbers[0].throughput_level == "STANDARD" and numbers[0].name_status == "APPROVED"


async def test_subscribed_apps_round_trip(wa: WhatsAppClient) -> None:
    assert await wa.account.subscribed_apps() == []
    assert await wa.account.subscribe(override_callback_uri="https://example.com/hook",
                                      verify_token="s3cret")
    [app] = await wa.account.subscribed_apps()
    assert app.override_callback_uri == "https://example.com/hook" and app.app_id
    assert await wa.account.unsubscribe()
    assert await wa.account.subscribed_apps() == []


async def test_subscribe_checks_its_arguments(wa: WhatsAppClient) -> None:
    with pytest.raises(ValidationError) as info:
        await wa.account.subscribe(override_callback_uri="https://example.com/hook")
    assert info.value.field == "override_callback_uri"
    with pytest.raises(ValidationError):
        await wa.account.subscribe(override_callback_uri="http://example.com/h", verify_token="t")


async def test_block_list_unblock(wa: WhatsAppClient) -> None:
    added = await wa.blocked_users.block(["+1 555 000 0001", "+15550000002"])
    assert [u.wa_id for u in added.added_users] == ["15550000001", "15550000002"]
    assert [u.wa_id async for u in wa.blocked_users.list()] == ["15550000001", "15550000002"]
    removed = await wa.blocked_users.unblock(["+15550000001"])
    assert [u.wa_id for u in removed.removed_users] == ["15550000001"]
    assert [u.wa_id async for u in wa.blocked_users.list()] == ["15550000002"]
    with pytest.raises(ValidationError):
        await wa.blocked_users.block([])
    with pytest.raises(ValidationError) as info:
        await wa.blocked_users.block(["not a number"])
    assert info.value.field == "block_users[0].user"


async def test_commerce_settings(wa: WhatsAppClient) -> None:
    before = await wa.commerce_settings.get()
    assert (before.is_cart_enabled, before.is_catalog_visible) == (True, False)
    assert await wa.commerce_settings.update(is_catalog_visible=True, is_cart_enabled=False)
    after = await wa.commerce_settings.get()
    assert (after.is_cart_enabled, after.is_catalog_visible) == (False, True)
    with pytest.raises(ValidationError):
        await wa.commerce_settings.update()
    with pytest.raises(ValidationError):
        await wa.commerce_settings.update(is_cart_enabled="yes")  # type: ignore[arg-type]


async def test_conversational_automation(wa: WhatsAppClient) -> None:
    assert await wa.conversational_automation.update(
        enable_welcome_message=True, prompts=["Book a flight", "Plan a vacation"],
        commands=[BotCommand(command_name="tickets", command_description="Book flight tickets")],
    )
    current = await wa.conversational_automation.get()
    assert current.enable_welcome_message is True
    assert current.prompts == ["Book a flight", "Plan a vacation"]
    assert current.commands == [BotCommand(command_name="tickets",
                                           command_description="Book flight tickets")]
    for bad in ({"prompts": ["a"] * 5}, {"prompts": ["x" * 81]},
                {"commands": [BotCommand(command_name="x" * 33, command_description="d")]}, {}):
        with pytest.raises(ValidationError):
            await wa.conversational_automation.update(**bad)  # type: ignore[arg-type]


async def test_reset_forgets_account_state(wa: WhatsAppClient, fake: FakeCloudAPI) -> None:
    await wa.blocked_users.block(["+15550000001"])
    await wa.account.subscribe()
    fake.reset()
    assert [u async for u in wa.blocked_users.list()] == []
    assert await wa.account.subscribed_apps() == []


async def test_account_operations_need_the_account(fake: FakeCloudAPI) -> None:
    async with WhatsAppClient(fake.access_token, fake.phone_number_id,
                              base_url=fake.base_url) as client:
        with pytest.raises(ConfigurationError):
            await client.account.info()
        with pytest.raises(ConfigurationError):
            [n async for n in client.account.phone_numbers()]
