"""Conformance of the account-level resources against Prism: templates, the
account's node and numbers, webhook subscriptions, blocking, commerce settings,
conversational automation and the Marketing Messages send path.

Prism serves ``tests/fixtures/openapi/account.yaml`` (those operations in the
shapes of Meta's v23.0 spec) and refuses a request that does not match it
(422/415/400/401), so a 2xx here means the library sent what Graph asks for.
``GET /<id>`` is ambiguous between the account, a template and a number, so
each of those nodes has its own server with its path served last.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import aiohttp
import pytest
import yaml

from tests.support import FIXTURES, TOKEN
from whatsapp_async import RetryPolicy, WhatsAppClient
from whatsapp_async.errors import ValidationError
from whatsapp_async.types.account import BotCommand, CommerceSettings
from whatsapp_async.types.messages.template import BodyComponent, TextParameter
from whatsapp_async.types.templates import (
    BodyExample,
    QuickReplyButton,
    TemplateBody,
    TemplateButtons,
    TemplateHeader,
    UrlButton,
)

SPEC = FIXTURES / "openapi" / "account.yaml"
WABA = "102290129340398"
NUMBER = "106540352242922"
TEMPLATE = "594425479261596"
ACCOUNT_NODE, TEMPLATE_NODE, NUMBER_NODE = (
    "/{version}/{waba-id}", "/{version}/{template-id}", "/{version}/{phone-number-id}")


@pytest.fixture(scope="module")
def prism_for() -> Iterator[Callable[[str], str]]:
    """A function giving the URL of a Prism that answers ``GET /<id>`` as ``node``."""
    from tests.prism_server import PrismServer, PrismUnavailable, prism_missing

    reason = prism_missing()
    if reason is not None:
        pytest.skip(reason)
    servers: dict[str, PrismServer] = {}

    def url(node: str) -> str:
        if node not in servers:
            server = PrismServer(spec=SPEC, last_path=node)
            try:
                server.start()
            except PrismUnavailable as exc:
                pytest.skip(f"Prism conformance skipped: {exc}")
            servers[node] = server
        return servers[node].url

    try:
        yield url
    finally:
        for server in servers.values():
            server.close()


def _client(base: str) -> WhatsAppClient:
    return WhatsAppClient(TOKEN, NUMBER, business_account_id=WABA, base_url=f"{base}/v23.0",
                          retry=RetryPolicy.disabled())


@pytest.fixture
async def wa(prism_for: Callable[[str], str]) -> AsyncIterator[WhatsAppClient]:
    async with _client(prism_for(NUMBER_NODE)) as client:
        yield client


async def test_templates_list_with_every_filter(wa: WhatsAppClient) -> None:
    templates = [t async for t in wa.templates.list(
        name="order", status="APPROVED", category="UTILITY", language="en_US",
        quality_score="GREEN", fields=["name", "status", "components"], page_size=50)]
    assert templates and templates[0].name == "order_update"
    assert isinstance(templates[0].components and templates[0].components[0], TemplateBody)


async def test_templates_create(wa: WhatsAppClient) -> None:
    created = await wa.templates.create(
        "spring_sale", language="en_US", category="MARKETING",
        components=[
            TemplateHeader(format="TEXT", text="Spring sale"),
            TemplateBody(text="Hi {{1}}, 20% off today only.",
                         example=BodyExample(body_text=[["Ann"]])),
            TemplateButtons(buttons=[
                QuickReplyButton(text="Stop promotions"),
                UrlButton(text="Shop", url="https://example.com/shop/{{1}}",
                          example=["https://example.com/shop/spring"]),
            ]),
        ],
        allow_category_change=True,
    )
    assert created.id and created.status == "PENDING"


async def test_templates_get_and_edit(prism_for: Callable[[str], str]) -> None:
    async with _client(prism_for(TEMPLATE_NODE)) as wa:
        template = await wa.templates.get(TEMPLATE, fields=["name", "components"])
        assert template.id == TEMPLATE and template.name == "order_update"
        # edit() reads the template first to check the new body against its category.
        assert await wa.templates.edit(TEMPLATE, components=[
            TemplateBody(text="Hi {{1}}, order {{2}} is on its way",
                         example=BodyExample(body_text=[["Ann", "4711"]]))])
        assert await wa.templates.edit(TEMPLATE, category="MARKETING")


async def test_templates_delete_by_name_and_by_id(prism_for: Callable[[str], str]) -> None:
    async with _client(prism_for(TEMPLATE_NODE)) as wa:
        assert await wa.templates.delete(name="order_update")
        assert await wa.templates.delete(template_id=TEMPLATE)


async def test_account_info(prism_for: Callable[[str], str]) -> None:
    async with _client(prism_for(ACCOUNT_NODE)) as wa:
        account = await wa.account.info()
    assert account.id == WABA and account.currency == "USD"


async def test_account_phone_numbers(wa: WhatsAppClient) -> None:
    numbers = [n async for n in wa.account.phone_numbers()]
    assert numbers and numbers[0].messaging_limit_tier == "TIER_1K"


async def test_subscriptions(wa: WhatsAppClient) -> None:
    apps = await wa.account.subscribed_apps()
    assert apps and apps[0].whatsapp_business_api_data.name == "Example App"
    assert await wa.account.subscribe()
    assert await wa.account.subscribe(override_callback_uri="https://example.com/webhook",
                                      verify_token="s3cret")
    assert await wa.account.unsubscribe()


async def test_block_unblock_list(wa: WhatsAppClient) -> None:
    blocked = await wa.blocked_users.block(["+1 650-555-1234"])
    assert [u.wa_id for u in blocked.added_users] == ["16505551234"]
    unblocked = await wa.blocked_users.unblock(["16505551234"])
    assert [u.wa_id for u in unblocked.removed_users] == ["16505551234"]
    assert [u.wa_id async for u in wa.blocked_users.list()] == ["16505551234"]


async def test_commerce_settings(wa: WhatsAppClient) -> None:
    settings = await wa.commerce_settings.get()
    assert settings == CommerceSettings(is_cart_enabled=True, is_catalog_visible=True,
                                        id="727705352028726")
    assert await wa.commerce_settings.update(is_cart_enabled=False)
    assert await wa.commerce_settings.update(is_cart_enabled=True, is_catalog_visible=False)


async def test_conversational_automation(wa: WhatsAppClient) -> None:
    assert await wa.conversational_automation.update(
        enable_welcome_message=True,
        prompts=["Book a flight", "Plan a vacation", "Track my bag", "Talk to us"],
        commands=[BotCommand(command_name="tickets", command_description="Book flight tickets")],
    )
    current = await wa.conversational_automation.get()
    assert current.enable_welcome_message is True
    assert current.commands == [BotCommand(command_name="tickets",
                                           command_description="Book flight tickets")]


async def test_a_command_name_prism_refuses_is_refused_before_sending(
    wa: WhatsAppClient, prism_for: Callable[[str], str]
) -> None:
    # Prism, like Graph, refuses a command name outside [a-zA-Z0-9_] ...
    url = f"{prism_for(NUMBER_NODE)}/v23.0/{NUMBER}/conversational_automation"
    body = {"commands": [{"command_name": "book flight", "command_description": "x"}]}
    async with aiohttp.ClientSession() as session, session.post(
            url, json=body, headers={"Authorization": f"Bearer {TOKEN}"}) as answer:
        assert answer.status == 422
    # ... and the library says so before any request.
    with pytest.raises(ValidationError) as caught:
        await wa.conversational_automation.update(commands=[
            BotCommand(command_name="book flight", command_description="x")])
    assert caught.value.field == "commands[0].command_name"


async def test_marketing_messages_send_path(wa: WhatsAppClient) -> None:
    sent = await wa.messages.send_template(
        "+16505551234", "spring_sale", marketing_messages=True,
        components=[BodyComponent(parameters=[TextParameter(text="Ann")])],
        biz_opaque_callback_data="campaign-7")
    assert sent.message_id.startswith("wamid.") and sent.message_status == "accepted"


def test_every_operation_has_a_case() -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    operations = {op["operationId"] for ops in spec["paths"].values()
                  for key, op in ops.items() if key != "parameters"}
    assert operations == {
        "listTemplates", "createTemplate", "deleteTemplate", "getTemplate", "editTemplate",
        "getBusinessAccount", "listAccountPhoneNumbers", "listSubscribedApps", "subscribeApp",
        "unsubscribeApp", "listBlockedUsers", "blockUsers", "unblockUsers",
        "getCommerceSettings", "updateCommerceSettings", "configureConversationalAutomation",
        "getPhoneNumberConversationalAutomation", "sendMarketingMessage",
    }
