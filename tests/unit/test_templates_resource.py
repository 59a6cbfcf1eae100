"""``wa.templates``: the exact requests, with Meta's documented payloads and answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY, TOKEN, only_request
from whatsapp_async import ConfigurationError, ValidationError, WhatsAppClient
from whatsapp_async.types.templates import (
    MessageTemplate,
    TemplateBody,
    TemplateCreated,
    template_from_dict,
)

WABA = "102290129340398"
#: Meta's "Example response" of GET /{WABA-ID}/message_templates in the v23 spec.
PAGE: dict[str, Any] = {
    "data": [{
        "category": "MARKETING", "language": "en_US", "name": "hello_world",
        "previous_category": "ACCOUNT_UPDATE", "status": "APPROVED", "id": "1192339204654487",
        "components": [
            {"format": "TEXT", "text": "Hello World", "type": "HEADER"},
            {"text": "Welcome and congratulations!! This message demonstrates your ability to "
                     "send a message notification from WhatsApp Business Platform's Cloud API. "
                     "Thank you for taking the time to test with us.", "type": "BODY"},
            {"text": "WhatsApp Business API Team", "type": "FOOTER"},
        ],
    }],
    "paging": {"cursors": {"after": "MjQZD", "before": "MAZDZD"},
               "next": f"{BASE}/{WABA}/message_templates?after=MjQZD"},
}
LAST: dict[str, Any] = {"data": [{"id": "2", "name": "second", "language": "de",
                                  "category": "UTILITY", "status": "PAUSED"}],
                        "paging": {"cursors": {"after": "X", "before": "Y"}}}
#: Meta's documented "seasonal promotion" create body.
SEASONAL: dict[str, Any] = {
    "name": "seasonal_promotion", "language": "en_US", "category": "MARKETING",
    "components": [
        {"type": "HEADER", "format": "TEXT", "text": "Our {{1}} is on!",
         "example": {"header_text": ["Summer Sale"]}},
        {"type": "BODY",
         "text": "Shop now through {{1}} and use code {{2}} to get {{3}} off of all merchandise.",
         "example": {"body_text": [["the end of August", "25OFF", "25%"]]}},
        {"type": "FOOTER", "text": "Use the buttons below to manage your marketing subscriptions"},
        {"type": "BUTTONS", "buttons": [
            {"type": "QUICK_REPLY", "text": "Unsubscribe from Promos"},
            {"type": "QUICK_REPLY", "text": "Unsubscribe from All"},
        ]},
    ],
}


def client(**kw: Any) -> WhatsAppClient:
    return WhatsAppClient(TOKEN, "42", retry=NO_RETRY, business_account_id=WABA, **kw)


async def test_list_follows_the_after_cursor_and_sends_the_filters() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.get(re.compile(rf"{re.escape(BASE)}/{WABA}/message_templates\?(?!.*after)"),
                     payload=PAGE)
            mock.get(re.compile(rf"{re.escape(BASE)}/{WABA}/message_templates\?.*after=MjQZD"),
                     payload=LAST)
            found = [t async for t in wa.templates.list(status="APPROVED", category="MARKETING",
                                                        language="en_US", name="hello",
                                                        quality_score="GREEN", page_size=1)]
            urls = [url for (_, url) in mock.requests]
    assert [t.name for t in found] == ["hello_world", "second"]
    assert found[0].previous_category == "ACCOUNT_UPDATE"
    assert dict(urls[0].query) == {"status": "APPROVED", "category": "MARKETING",
                                   "language": "en_US", "name": "hello",
                                   "quality_score": "GREEN", "limit": "1"}
    assert urls[1].query["after"] == "MjQZD"


async def test_create_posts_metas_documented_body() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/{WABA}/message_templates",
                      payload={"id": "572279198452421", "status": "PENDING",
                               "category": "MARKETING"})
            created = await wa.templates.create(template_from_dict(SEASONAL))
            method, url, body = only_request(mock)
    assert (method, url.path) == ("POST", f"/v21.0/{WABA}/message_templates")
    assert body == SEASONAL
    assert created == TemplateCreated(id="572279198452421", status="PENDING",
                                      category="MARKETING")


async def test_create_with_keywords_sends_the_options() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/{WABA}/message_templates", payload={"id": "1"})
            await wa.templates.create(
                "welcome", language="en_US", category="UTILITY",
                components=[TemplateBody(text="Welcome aboard, friend!")],
                allow_category_change=True, message_send_ttl_seconds=3600,
            )
            body = only_request(mock)[2]
    assert body["allow_category_change"] is True and body["message_send_ttl_seconds"] == 3600


async def test_get_reads_one_template_by_id() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1192339204654487", payload=PAGE["data"][0])
            got = await wa.templates.get("1192339204654487")
    assert isinstance(got, MessageTemplate) and got.name == "hello_world"


async def test_edit_reads_the_category_then_posts_the_new_components() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/7", payload={"id": "7", "name": "n", "language": "en_US",
                                           "category": "UTILITY", "status": "APPROVED"})
            mock.post(f"{BASE}/7", payload={"success": True})
            assert await wa.templates.edit("7", components=[TemplateBody(text="New text here")])
            posted = [c.kwargs["json"] if "json" in c.kwargs else c.kwargs.get("data")
                      for (m, _), calls in mock.requests.items() if m == "POST" for c in calls]
    assert b'"components":[{"type":"BODY","text":"New text here"}]' in posted[0]


async def test_edit_of_the_category_alone_needs_no_read() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/7", payload={"success": True})
            assert await wa.templates.edit("7", category="MARKETING")
            body = only_request(mock)[2]
    assert body == {"category": "MARKETING"}


async def test_delete_by_name_and_by_id() -> None:
    async with client() as wa:
        with aioresponses() as mock:
            mock.delete(re.compile(rf"{re.escape(BASE)}/{WABA}/message_templates\?.*"),
                        payload={"success": True}, repeat=True)
            assert await wa.templates.delete(name="order_update")
            assert await wa.templates.delete(name="order_update", template_id="123")
            urls = [url for (_, url) in mock.requests]
    assert dict(urls[0].query) == {"name": "order_update"}
    assert dict(urls[1].query) == {"hsm_id": "123", "name": "order_update"}


@pytest.mark.parametrize(("call", "field"), [
    (lambda wa: wa.templates.delete(), "delete"),
    (lambda wa: wa.templates.edit("7"), "edit"),
    (lambda wa: wa.templates.create("x", language="en_US"), "template"),
    (lambda wa: wa.templates.get("../x"), "template_id"),
    (lambda wa: wa.templates.find("x", "en-US"), "language"),
])
async def test_bad_calls_send_nothing(call: Any, field: str) -> None:
    async with client() as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await call(wa)
            assert mock.requests == {}
    assert info.value.field == field


async def test_without_an_account_nothing_is_sent() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ConfigurationError, match="business_account_id"):
                await wa.templates.create(template_from_dict(SEASONAL))
            assert mock.requests == {}
