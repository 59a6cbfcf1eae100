"""Every message kind puts Meta's documented body on the wire, and bad input sends nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from aioresponses import aioresponses

from tests.support import (
    BASE,
    NO_RETRY,
    PHONE_NUMBER_ID,
    TOKEN,
    RecordingThrottle,
    json_bodies,
    load_fixture,
)
from whatsapp_async import ValidationError, WhatsAppClient
from whatsapp_async.errors import ThroughputLimitError, UnexpectedResponseError
from whatsapp_async.types.messages import (
    Body,
    BodyComponent,
    ButtonComponent,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactName,
    ContactOrg,
    ContactPhone,
    ContactUrl,
    CouponCodeParameter,
    Currency,
    CurrencyParameter,
    DateTime,
    DateTimeParameter,
    Document,
    DocumentParameter,
    Group,
    HeaderComponent,
    Image,
    ImageHeader,
    ImageParameter,
    Language,
    ListRow,
    ListSection,
    Location,
    LocationParameter,
    PayloadParameter,
    ProductItem,
    ProductSection,
    ReplyButton,
    ReplyButtonItem,
    ReplyButtons,
    ReplyButtonsAction,
    SentMessage,
    Template,
    Text,
    TextParameter,
    Video,
    VideoParameter,
)

ENDPOINT = f"{BASE}/{PHONE_NUMBER_ID}/messages"
TO = "+16505551234"
INBOUND = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA="
GROUP = "Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD"

Call = Callable[[WhatsAppClient], Awaitable[Any]]


@pytest.fixture
async def wa() -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient(
        access_token=TOKEN, phone_number_id=PHONE_NUMBER_ID, base_url=BASE, retry=NO_RETRY,
    ) as client:
        yield client


@pytest.fixture
def api() -> Iterator[aioresponses]:
    with aioresponses() as mocked:
        yield mocked


def bodies(api: aioresponses) -> list[Any]:
    """The JSON bodies POSTed to the messages endpoint, in order."""
    return json_bodies(api, "POST", ENDPOINT)


def contact_card() -> Contact:
    return Contact(
        name=ContactName(
            formatted_name="John Smith", first_name="John", last_name="Smith",
            middle_name="D.", prefix="Dr", suffix="Jr",
        ),
        addresses=[
            ContactAddress(
                street="1 Hacker Way", city="Menlo Park", state="CA", zip="94025",
                country="United States", country_code="us", type="HOME",
            ),
            ContactAddress(
                street="200 Jefferson Dr", city="Menlo Park", state="CA", zip="94025",
                country="United States", country_code="us", type="WORK",
            ),
        ],
        birthday="2012-08-18",
        emails=[
            ContactEmail(email="test@fb.com", type="WORK"),
            ContactEmail(email="test@whatsapp.com", type="HOME"),
        ],
        org=ContactOrg(company="WhatsApp", department="Design", title="Manager"),
        phones=[
            ContactPhone(phone="+1 (940) 555-1234", type="HOME"),
            ContactPhone(phone="+1 (650) 555-1234", type="WORK", wa_id="16505551234"),
        ],
        urls=[
            ContactUrl(url="https://www.facebook.com", type="WORK"),
            ContactUrl(url="https://www.whatsapp.com", type="HOME"),
        ],
    )


def shipping_sections() -> list[ListSection]:
    return [
        ListSection(title="I want it ASAP!", rows=[
            ListRow(id="priority_express", title="Priority Mail Express",
                    description="Next Day to 2 Days"),
            ListRow(id="priority_mail", title="Priority Mail", description="1–3 Days"),
        ]),
        ListSection(title="I can wait a bit", rows=[
            ListRow(id="usps_ground_advantage", title="USPS Ground Advantage",
                    description="2–5 Days"),
            ListRow(id="media_mail", title="Media Mail", description="2–8 Days"),
        ]),
    ]


# One call per message kind, each with the fixture holding the body it must send.
WIRE_CASES: list[Any] = [
    pytest.param("text", lambda wa: wa.messages.send_text(
        "+1 (650) 555-1234", "Hello from whatsapp-async!"), id="text"),
    pytest.param("text", lambda wa: wa.messages.send(
        TO, Text(body="Hello from whatsapp-async!", preview_url=False)), id="text-struct"),
    pytest.param("text_preview_reply", lambda wa: wa.messages.send_text(
        TO, "Please visit https://youtu.be/hpltvTEiRrY.", preview_url=True,
        reply_to=INBOUND, biz_opaque_callback_data="order-4711"), id="text-reply"),
    pytest.param("text_group", lambda wa: wa.messages.send_text(
        Group(id=GROUP), "Hello, group!"), id="text-group"),
    pytest.param("image_id", lambda wa: wa.messages.send_image(
        TO, media_id="1479537139650973"), id="image-id"),
    pytest.param("image_link", lambda wa: wa.messages.send_image(
        TO, link="https://example.com/images/shrub.jpg", caption="The best succulent ever?"),
        id="image-link"),
    pytest.param("video_link", lambda wa: wa.messages.send_video(
        TO, link="https://example.com/videos/repotting.mp4", caption="A succulent eclipse!"),
        id="video"),
    pytest.param("audio_id", lambda wa: wa.messages.send_audio(
        TO, media_id="1013859600285441"), id="audio"),
    pytest.param("document_id", lambda wa: wa.messages.send_document(
        TO, media_id="1376223850470843", caption="Lucky Shrub Invoice",
        filename="lucky-shrub-invoice.pdf"), id="document"),
    pytest.param("sticker_link", lambda wa: wa.messages.send_sticker(
        TO, link="https://example.com/stickers/cactus.webp"), id="sticker"),
    pytest.param("location", lambda wa: wa.messages.send_location(
        TO, 37.758056, -122.425332, name="META HQ",
        address="1 Hacker Way, Menlo Park, CA 94025"), id="location"),
    pytest.param("contacts", lambda wa: wa.messages.send_contacts(TO, [contact_card()]),
                 id="contacts"),
    pytest.param("interactive_reply_buttons", lambda wa: wa.messages.send_reply_buttons(
        TO,
        "Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons "
        "if you need to reschedule. Thank you!",
        [ReplyButton(id="change-button", title="Change"),
         ReplyButton(id="cancel-button", title="Cancel")],
        header=ImageHeader(image=Image(id="2762702990552401")),
        footer="Lucky Shrub: Your gateway to succulents!"), id="reply-buttons"),
    pytest.param("interactive_list", lambda wa: wa.messages.send_list(
        TO, "Which shipping option do you prefer?", button="Shipping Options",
        sections=shipping_sections(), header="Choose Shipping Option",
        footer="Lucky Shrub: Your gateway to succulents™"), id="list"),
    pytest.param("interactive_cta_url", lambda wa: wa.messages.send_cta_url(
        TO, "Tap the button below to see available dates.", display_text="See Dates",
        url="https://www.luckyshrub.com?clickID=kqDGWd24Q5TRwoEQTICY7W1JKoXvaZOXWAS7h1P76s0R7Paec4",
        header="Available Dates", footer="Dates subject to change."), id="cta-url"),
    pytest.param("interactive_flow", lambda wa: wa.messages.send_flow(
        TO, "Pick a time that suits you.", flow_cta="Open Flow!", flow_id="1234567890123456",
        flow_token="AQAAAAACS5FpgQ_cAAAAAD0QI3s.", flow_action="navigate",
        screen="APPOINTMENT",
        data={"product_name": "name", "product_description": "description",
              "product_price": 100},
        header="Book an appointment", footer="Takes less than a minute"), id="flow"),
    pytest.param("interactive_product", lambda wa: wa.messages.send_product(
        TO, catalog_id="367025965434465", product_retailer_id="2lc20305pt",
        body="Our best seller this week", footer="Lucky Shrub"), id="product"),
    pytest.param("interactive_product_list", lambda wa: wa.messages.send_product_list(
        TO, "Pick your favourites.", header="Our succulents", catalog_id="146265584024623",
        sections=[
            ProductSection(title="Cacti", product_items=[
                ProductItem(product_retailer_id="cactus-01"),
                ProductItem(product_retailer_id="cactus-02")]),
            ProductSection(title="Aloes", product_items=[
                ProductItem(product_retailer_id="aloe-01"),
                ProductItem(product_retailer_id="aloe-02")]),
        ],
        footer="Free shipping over $50"), id="product-list"),
    pytest.param("interactive_location_request", lambda wa: wa.messages.send_location_request(
        TO, "Let's start with your pickup. You can either manually *enter an address* or "
        "*share your current location*."), id="location-request"),
    pytest.param("template_hello_world", lambda wa: wa.messages.send_template(
        TO, "hello_world"), id="template-plain"),
    pytest.param("template_media_buttons", lambda wa: wa.messages.send(TO, Template(
        name="order_update",
        language=Language(code="en_US", policy="deterministic"),
        components=[
            HeaderComponent(parameters=[
                ImageParameter(image=Image(link="https://example.com/images/order.jpg"))]),
            BodyComponent(parameters=[
                TextParameter(text="Mr. Jones"),
                CurrencyParameter(currency=Currency(
                    fallback_value="$100.99", code="USD", amount_1000=100990)),
                DateTimeParameter(date_time=DateTime(fallback_value="February 25, 1977")),
            ]),
            ButtonComponent(sub_type="quick_reply", index="0",
                            parameters=[PayloadParameter(payload="aGlzIHRoaXMgaXMgY29v")]),
            ButtonComponent(sub_type="quick_reply", index="1",
                            parameters=[PayloadParameter(payload="9rwnB8RbYmPF5t2Mn09x4h")]),
        ],
    )), id="template-media-buttons"),
    pytest.param("template_location_coupon", lambda wa: wa.messages.send_template(
        TO, "store_offer", components=[
            HeaderComponent(parameters=[LocationParameter(location=Location(
                latitude=37.483307, longitude=-122.148981, name="Pablo Morales",
                address="1 Hacker Way, Menlo Park, CA 94025"))]),
            BodyComponent(parameters=[TextParameter(text="Pablo")]),
            ButtonComponent(sub_type="copy_code", index="0",
                            parameters=[CouponCodeParameter(coupon_code="25OFF")]),
            ButtonComponent(sub_type="url", index="1",
                            parameters=[TextParameter(text="summer-sale")]),
        ]), id="template-location-coupon"),
    pytest.param("template_video_document", lambda wa: wa.messages.send_template(
        TO, "invoice_ready", language="pt_BR", components=[
            HeaderComponent(parameters=[DocumentParameter(
                document=Document(id="1376223850470843", filename="invoice.pdf"))]),
            BodyComponent(parameters=[
                TextParameter(text="4711", parameter_name="order_number")]),
        ]), id="template-document-named"),
    pytest.param("template_video_header", lambda wa: wa.messages.send_template(
        TO, "new_arrivals", language="en", components=[
            HeaderComponent(parameters=[VideoParameter(
                video=Video(link="https://example.com/videos/arrivals.mp4"))]),
        ]), id="template-video"),
    pytest.param("reaction", lambda wa: wa.messages.send_reaction(TO, INBOUND, "😀"),
                 id="reaction"),
    pytest.param("reaction_remove", lambda wa: wa.messages.remove_reaction(TO, INBOUND),
                 id="remove-reaction"),
]


@pytest.mark.parametrize(("fixture", "call"), WIRE_CASES)
async def test_sends_the_documented_body(
    wa: WhatsAppClient, api: aioresponses, fixture: str, call: Call
) -> None:
    api.post(ENDPOINT, payload=load_fixture("messages/response_sent.json"))

    await call(wa)

    assert bodies(api) == [load_fixture(f"messages/{fixture}.json")]


async def test_send_returns_the_accepted_message(wa: WhatsAppClient, api: aioresponses) -> None:
    api.post(ENDPOINT, payload=load_fixture("messages/response_sent.json"))

    sent = await wa.messages.send_text(TO, "Hi")

    assert sent == SentMessage(
        message_id="wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA",
        wa_id="16505551234",
        input="+16505551234",
    )


async def test_send_reports_the_pacing_status_of_a_template(
    wa: WhatsAppClient, api: aioresponses
) -> None:
    api.post(ENDPOINT, payload=load_fixture("messages/response_template_held.json"))

    sent = await wa.messages.send_template(TO, "hello_world")

    assert sent.message_status == "held_for_quality_assessment"


async def test_group_send_returns_the_group_id(wa: WhatsAppClient, api: aioresponses) -> None:
    api.post(ENDPOINT, payload=load_fixture("messages/response_group.json"))

    sent = await wa.messages.send_text(Group(id=GROUP), "Hello, group!")

    assert (sent.group_id, sent.wa_id) == (GROUP, None)


async def test_an_answer_without_message_id_is_unexpected(
    wa: WhatsAppClient, api: aioresponses
) -> None:
    api.post(ENDPOINT, payload={"messaging_product": "whatsapp", "messages": []})

    with pytest.raises(UnexpectedResponseError):
        await wa.messages.send_text(TO, "Hi")


async def test_unknown_answer_fields_are_ignored(wa: WhatsAppClient, api: aioresponses) -> None:
    answer = load_fixture("messages/response_sent.json")
    answer["messages"][0]["future_field"] = {"x": 1}
    answer["brand_new"] = True
    api.post(ENDPOINT, payload=answer)

    sent = await wa.messages.send_text(TO, "Hi")

    assert sent.message_id.startswith("wamid.")


@pytest.mark.parametrize(
    ("fixture", "typing"), [("mark_read", False), ("mark_read_typing", True)]
)
async def test_mark_read_sends_metas_read_receipt(
    wa: WhatsAppClient, api: aioresponses, fixture: str, typing: bool
) -> None:
    api.post(ENDPOINT, payload=load_fixture("messages/response_mark_read.json"))

    ok = await wa.messages.mark_read(INBOUND, typing_indicator=typing)

    assert ok is True
    assert bodies(api) == [load_fixture(f"messages/{fixture}.json")]


async def test_mark_read_returns_false_when_the_api_says_so(
    wa: WhatsAppClient, api: aioresponses
) -> None:
    api.post(ENDPOINT, payload={"success": False})

    assert await wa.messages.mark_read(INBOUND) is False


async def test_sends_take_a_token_for_the_business_number(api: aioresponses) -> None:
    throttle = RecordingThrottle()
    api.post(ENDPOINT, payload=load_fixture("messages/response_sent.json"))
    async with WhatsAppClient(
        access_token=TOKEN, phone_number_id=PHONE_NUMBER_ID, base_url=BASE,
        throttle=throttle,
    ) as wa:
        await wa.messages.send_text(TO, "Hi")

    assert throttle.asked == [PHONE_NUMBER_ID]


async def test_mark_read_takes_no_throughput_token(api: aioresponses) -> None:
    throttle = RecordingThrottle()
    api.post(ENDPOINT, payload={"success": True})
    async with WhatsAppClient(
        access_token=TOKEN, phone_number_id=PHONE_NUMBER_ID, base_url=BASE,
        throttle=throttle,
    ) as wa:
        await wa.messages.mark_read(INBOUND)

    assert throttle.asked == []


async def test_a_rate_limited_send_raises_the_typed_error(
    wa: WhatsAppClient, api: aioresponses
) -> None:
    api.post(ENDPOINT, status=400, payload=load_fixture("facts/errors/130429_rate_limit_hit.json"))

    with pytest.raises(ThroughputLimitError):
        await wa.messages.send_text(TO, "Hi")


# One wrong value per kind: the error names the wire field, and nothing is sent.
INVALID_CASES: list[Any] = [
    pytest.param(lambda wa: wa.messages.send_text(TO, "x" * 4097), "text.body", id="text-long"),
    pytest.param(lambda wa: wa.messages.send_text(TO, ""), "text.body", id="text-empty"),
    pytest.param(lambda wa: wa.messages.send_text("+1 650 CALL-NOW", "Hi"), "to", id="to-letters"),
    pytest.param(lambda wa: wa.messages.send_text(TO, "Hi", reply_to=""), "context.message_id",
                 id="reply-to-empty"),
    pytest.param(lambda wa: wa.messages.send_text(TO, "Hi", biz_opaque_callback_data="x" * 513),
                 "biz_opaque_callback_data", id="callback-data-long"),
    pytest.param(lambda wa: wa.messages.send_image(
        TO, media_id="1", link="https://example.com/a.jpg"), "image", id="image-both"),
    pytest.param(lambda wa: wa.messages.send_image(TO, link="http://example.com/a.jpg"),
                 "image.link", id="image-http"),
    pytest.param(lambda wa: wa.messages.send_image(TO, media_id="1", caption="c" * 1025),
                 "image.caption", id="image-caption"),
    pytest.param(lambda wa: wa.messages.send_video(TO), "video", id="video-neither"),
    pytest.param(lambda wa: wa.messages.send_image(TO, link="https://[example.com/a.jpg"),
                 "image.link", id="image-malformed-host"),
    pytest.param(lambda wa: wa.messages.send_audio(TO, link="/files/a.ogg"), "audio.link",
                 id="audio-relative"),
    pytest.param(lambda wa: wa.messages.send_document(TO, media_id="1", caption="c" * 1025),
                 "document.caption", id="document-caption"),
    pytest.param(lambda wa: wa.messages.send_sticker(TO, link="ftp://example.com/s.webp"),
                 "sticker.link", id="sticker-scheme"),
    pytest.param(lambda wa: wa.messages.send_location(TO, 90.5, 0), "location.latitude",
                 id="latitude"),
    pytest.param(lambda wa: wa.messages.send_location(TO, 0, -180.5), "location.longitude",
                 id="longitude"),
    pytest.param(lambda wa: wa.messages.send_contacts(TO, []), "contacts", id="contacts-none"),
    pytest.param(lambda wa: wa.messages.send_contacts(TO, [Contact(
        name=ContactName(formatted_name="A B", first_name="A"),
        emails=[ContactEmail(email="not-an-email")])]), "contacts[0].emails[0].email",
        id="contacts-email"),
    pytest.param(lambda wa: wa.messages.send_reply_buttons(
        TO, "Pick", [ReplyButton(id=str(i), title=str(i)) for i in range(4)]),
        "interactive.action.buttons", id="buttons-four"),
    pytest.param(lambda wa: wa.messages.send_reply_buttons(
        TO, "Pick", [ReplyButton(id="a", title="A"), ReplyButton(id="b", title="B" * 21)]),
        "interactive.action.buttons[1].reply.title", id="button-title"),
    pytest.param(lambda wa: wa.messages.send_list(
        TO, "Pick", button="B" * 21, sections=shipping_sections()),
        "interactive.action.button", id="list-button"),
    pytest.param(lambda wa: wa.messages.send_list(
        TO, "Pick", button="Menu",
        sections=[ListSection(rows=[ListRow(id=str(i), title="t") for i in range(11)])]),
        "interactive.action.sections", id="list-rows"),
    pytest.param(lambda wa: wa.messages.send_cta_url(
        TO, "Go", display_text="D" * 21, url="https://example.com"),
        "interactive.action.parameters.display_text", id="cta-text"),
    pytest.param(lambda wa: wa.messages.send_flow(
        TO, "Go", flow_cta="Open", flow_id="1", flow_name="signup"),
        "interactive.action.parameters", id="flow-id-and-name"),
    pytest.param(lambda wa: wa.messages.send_product(
        TO, catalog_id="", product_retailer_id="sku"), "interactive.action.catalog_id",
        id="product-catalog"),
    pytest.param(lambda wa: wa.messages.send_product_list(
        TO, "Pick", header="Shop", catalog_id="1", sections=[ProductSection(
            product_items=[ProductItem(product_retailer_id=str(i)) for i in range(31)])]),
        "interactive.action.sections", id="product-list-items"),
    pytest.param(lambda wa: wa.messages.send_location_request(TO, "b" * 1025),
                 "interactive.body.text", id="location-request-body"),
    pytest.param(lambda wa: wa.messages.send_template(TO, ""), "template.name",
                 id="template-name"),
    pytest.param(lambda wa: wa.messages.send_template(TO, "hello_world", language="en-US"),
                 "template.language.code", id="template-language"),
    pytest.param(lambda wa: wa.messages.send_template(TO, "promo", components=[
        ButtonComponent(sub_type="quick_reply", index="10",
                        parameters=[PayloadParameter(payload="p")])]),
        "template.components[0].index", id="template-button-index"),
    pytest.param(lambda wa: wa.messages.send_reaction(TO, INBOUND, "👍👍"), "reaction.emoji",
                 id="reaction-two"),
    pytest.param(lambda wa: wa.messages.remove_reaction(TO, ""), "reaction.message_id",
                 id="reaction-target"),
    pytest.param(lambda wa: wa.messages.mark_read(""), "message_id", id="mark-read"),
]


@pytest.mark.parametrize(("call", "field"), INVALID_CASES)
async def test_bad_input_is_refused_before_any_request(
    wa: WhatsAppClient, api: aioresponses, call: Call, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await call(wa)

    assert caught.value.field == field
    assert api.requests == {}


async def test_a_struct_built_by_hand_gets_the_same_checks(
    wa: WhatsAppClient, api: aioresponses
) -> None:
    message = ReplyButtons(
        body=Body(text="Pick"),
        action=ReplyButtonsAction(buttons=[
            ReplyButtonItem(reply=ReplyButton(id="a", title="Same")),
            ReplyButtonItem(reply=ReplyButton(id="b", title="Same")),
        ]),
    )

    with pytest.raises(ValidationError) as caught:
        await wa.messages.send(TO, message)

    assert caught.value.field == "interactive.action.buttons[1].reply.title"
    assert api.requests == {}
