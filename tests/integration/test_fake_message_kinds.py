"""The message kinds bulk senders use: voice notes, carousel templates, catalog, address and
call-permission requests, and the Marketing Messages API path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from whatsapp_async import InvalidParameterError, ValidationError, WhatsAppClient
from whatsapp_async.bulk import Recipient
from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.types.messages import (
    AddressMessage,
    Audio,
    BodyComponent,
    ButtonComponent,
    CarouselCard,
    CarouselComponent,
    HeaderComponent,
    Image,
    ImageParameter,
    PayloadParameter,
    Template,
    Text,
    TextParameter,
    build_request,
)
from whatsapp_async.types.messages import Language as TemplateLanguage

TO = "+15551234567"
SALE: dict[str, Any] = {
    "name": "spring_sale", "language": "en_US", "category": "MARKETING", "status": "APPROVED",
    "components": [{"type": "BODY", "text": "Hi {{1}}, our spring sale starts now.",
                    "example": {"body_text": [["Ann"]]}}],
}
NOTICE: dict[str, Any] = {
    "name": "notice", "language": "en_US", "category": "UTILITY", "status": "APPROVED",
    "components": [{"type": "BODY", "text": "Your account was updated."}],
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeCloudAPI]:
    async with FakeCloudAPI(templates=[SALE, NOTICE], permissive_templates=True) as server:
        yield server


@pytest.fixture
async def wa(fake: FakeCloudAPI) -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient(fake.access_token, fake.phone_number_id, base_url=fake.base_url,
                              business_account_id=fake.waba_id) as client:
        yield client


def one_param(text: str) -> list[Any]:
    return [BodyComponent(parameters=[TextParameter(text=text)])]


# ----------------------------------------------------------------------------- voice


async def test_a_voice_note_is_audio_with_voice_true(wa: WhatsAppClient, fake: FakeCloudAPI
                                                     ) -> None:
    await wa.messages.send_audio(TO, link="https://example.com/note.ogg", voice=True)
    await wa.messages.send_audio(TO, link="https://example.com/song.mp3")
    assert fake.sent[0].body["audio"] == {"link": "https://example.com/note.ogg", "voice": True}
    assert fake.sent[1].body["audio"] == {"link": "https://example.com/song.mp3"}


def test_voice_must_be_a_bool() -> None:
    with pytest.raises(ValidationError) as info:
        build_request(TO, Audio(link="https://example.com/a.ogg", voice="yes"))  # type: ignore[arg-type]
    assert info.value.field == "audio.voice"


# ----------------------------------------------------------------------------- marketing messages


async def test_marketing_messages_go_to_their_own_path(wa: WhatsAppClient, fake: FakeCloudAPI
                                                       ) -> None:
    paths: list[str] = []

    async def watch(attempt: Any, call_next: Any) -> Any:
        answer = await call_next(attempt)
        paths.append(answer.path)
        return answer

    sent = await wa.with_middleware(watch).messages.send_template(
        TO, "spring_sale", components=one_param("Ann"), marketing_messages=True)
    assert paths == [f"/{fake.phone_number_id}/marketing_messages"]
    assert fake.marketing_sent == [sent.message_id]


async def test_marketing_messages_refuse_other_kinds_and_categories(
    wa: WhatsAppClient, fake: FakeCloudAPI
) -> None:
    with pytest.raises(ValidationError):
        await wa.messages.send(TO, Text(body="hi"), marketing_messages=True)
    with pytest.raises(InvalidParameterError):
        await wa.messages.send_template(TO, "notice", marketing_messages=True)
    with pytest.raises(ValidationError) as info:
        await wa.messages.send_template(TO, "notice", marketing_messages=True, preflight=True)
    assert info.value.field == "template.category"
    assert fake.sent == []


async def test_a_broadcast_through_marketing_messages(wa: WhatsAppClient, fake: FakeCloudAPI
                                                      ) -> None:
    rows = [Recipient(f"+1555000000{i}", params=["Ann"]) for i in range(3)]
    report = await wa.broadcast(rows, template="spring_sale", marketing_messages=True,
                                preflight=True)
    assert report.sent == 3
    assert sorted(fake.marketing_sent) == sorted(m.id for m in fake.sent)
    with pytest.raises(ValidationError):
        await wa.broadcast(rows, template="notice", marketing_messages=True, preflight=True)


# ----------------------------------------------------------------------------- carousel sends


def carousel(*cards: CarouselCard) -> Template:
    return Template(name="carousel_template_media_cards_v1",
                    language=TemplateLanguage(code="en_US"),
                    components=[BodyComponent(parameters=[TextParameter(text="20OFF")]),
                                CarouselComponent(cards=list(cards))])


def card(index: int, *, header: Any = None) -> CarouselCard:
    return CarouselCard(card_index=index, components=[
        header or HeaderComponent(parameters=[ImageParameter(image=Image(id="1558081531584829"))]),
        BodyComponent(parameters=[TextParameter(text="10OFF")]),
        ButtonComponent(sub_type="quick_reply", index="0",
                        parameters=[PayloadParameter(payload="59NqSd")]),
    ])


async def test_a_carousel_template_sends_each_cards_values(wa: WhatsAppClient,
                                                           fake: FakeCloudAPI) -> None:
    await wa.messages.send(TO, carousel(card(0), card(1)))
    components = fake.sent[0].body["template"]["components"]
    assert components[1] == {"type": "carousel", "cards": [
        {"card_index": i, "components": [
            {"type": "header", "parameters": [{"type": "image",
                                               "image": {"id": "1558081531584829"}}]},
            {"type": "body", "parameters": [{"type": "text", "text": "10OFF"}]},
            {"type": "button", "sub_type": "quick_reply", "index": "0",
             "parameters": [{"type": "payload", "payload": "59NqSd"}]},
        ]} for i in (0, 1)]}


@pytest.mark.parametrize(("template", "field"), [
    (carousel(card(0), card(0)), "template.components[1].cards[1].card_index"),
    (carousel(card(10)), "template.components[1].cards[0].card_index"),
    (carousel(card(0, header=HeaderComponent(parameters=[TextParameter(text="t")]))),
     "template.components[1].cards[0].components[0].parameters[0].type"),
    (carousel(*[card(i % 10) for i in range(11)]), "template.components[1].cards"),
])
def test_a_bad_carousel_names_the_card(template: Template, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        build_request(TO, template)
    assert info.value.field == field


# ----------------------------------------------------------------------------- requests


async def test_catalog_address_and_call_permission_messages(wa: WhatsAppClient,
                                                            fake: FakeCloudAPI) -> None:
    await wa.messages.send_catalog(TO, "Hello! Thanks for your interest.",
                                   thumbnail_product_retailer_id="2lc20305pt",
                                   footer="Best grocery deals on WhatsApp!")
    await wa.messages.send_address_request(TO, "Thanks for your order! Tell us the address.",
                                           country="IN", values={"name": "CUSTOMER_NAME"})
    await wa.messages.send_call_permission_request(TO, "May we call you about your order?")
    bodies = [m.body["interactive"] for m in fake.sent]
    assert bodies[0] == {
        "type": "catalog_message", "body": {"text": "Hello! Thanks for your interest."},
        "action": {"name": "catalog_message",
                   "parameters": {"thumbnail_product_retailer_id": "2lc20305pt"}},
        "footer": {"text": "Best grocery deals on WhatsApp!"},
    }
    assert bodies[1] == {
        "type": "address_message",
        "body": {"text": "Thanks for your order! Tell us the address."},
        "action": {"name": "address_message",
                   "parameters": {"country": "IN", "values": {"name": "CUSTOMER_NAME"}}},
    }
    assert bodies[2] == {"type": "call_permission_request",
                         "body": {"text": "May we call you about your order?"},
                         "action": {"name": "call_permission_request"}}


@pytest.mark.parametrize(("message", "field"), [
    (AddressMessage.create("Where to?", country="India"), "interactive.action.parameters.country"),
    (AddressMessage.create("", country="IN"), "interactive.body.text"),
])
def test_bad_requests_name_the_field(message: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        build_request(TO, message)
    assert info.value.field == field
