"""Every resource method against FakeCloudAPI: the happy path and a refusal."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import PHONE_NUMBER_ID
from whatsapp_async import (
    APIError,
    AuthenticationError,
    InvalidParameterError,
    RegistrationError,
    RegistrationRateLimitError,
    TemplateError,
    WhatsAppClient,
)
from whatsapp_async.resources.messages import MessagesResource
from whatsapp_async.testing import FakeCloudAPI, Fault
from whatsapp_async.types.messages import (
    Contact,
    ContactName,
    ListRow,
    ListSection,
    ProductItem,
    ProductSection,
    ReplyButton,
    Text,
)

TO = "+15551234567"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

#: The fake knows one number and one approved template.
pytestmark = pytest.mark.fake_cloud_api(
    phone_numbers=(PHONE_NUMBER_ID,), templates=["order_update"]
)


@pytest.fixture
def stranger(wa: WhatsAppClient) -> WhatsAppClient:
    """A view bound to a number the fake does not know."""
    return wa.for_number("999999")


# ----------------------------------------------------------------- messages

Send = Callable[[MessagesResource], Awaitable[Any]]

SENDS: dict[str, tuple[str, Send]] = {
    "send": ("text", lambda m: m.send(TO, Text(body="hi"))),
    "send_text": ("text", lambda m: m.send_text(TO, "hi", preview_url=True)),
    "send_image": ("image", lambda m: m.send_image(TO, link="https://example.com/a.jpg",
                                                   caption="c")),
    "send_video": ("video", lambda m: m.send_video(TO, link="https://example.com/a.mp4")),
    "send_audio": ("audio", lambda m: m.send_audio(TO, link="https://example.com/a.ogg")),
    "send_document": ("document", lambda m: m.send_document(
        TO, link="https://example.com/a.pdf", filename="a.pdf", caption="Invoice")),
    "send_sticker": ("sticker", lambda m: m.send_sticker(TO, link="https://example.com/a.webp")),
    "send_location": ("location", lambda m: m.send_location(TO, 51.5, -0.12, name="Office")),
    "send_contacts": ("contacts", lambda m: m.send_contacts(
        TO, [Contact(name=ContactName(formatted_name="Ana Souza", first_name="Ana"))])),
    "send_reply_buttons": ("interactive", lambda m: m.send_reply_buttons(
        TO, "Pick", [ReplyButton(id="y", title="Yes"), ReplyButton(id="n", title="No")],
        header="Header", footer="Footer")),
    "send_list": ("interactive", lambda m: m.send_list(
        TO, "Choose", button="Options",
        sections=[ListSection(title="Slots", rows=[ListRow(id=f"r{i}", title=f"Row {i}")
                                          for i in range(10)])])),
    "send_cta_url": ("interactive", lambda m: m.send_cta_url(
        TO, "See the offer", display_text="Open", url="https://example.com/offer")),
    "send_flow": ("interactive", lambda m: m.send_flow(
        TO, "Book now", flow_cta="Book", flow_id="1234", flow_token="tok", mode="published",
        flow_action="navigate", screen="START")),
    "send_product": ("interactive", lambda m: m.send_product(
        TO, catalog_id="cat1", product_retailer_id="sku1", body="Look")),
    "send_product_list": ("interactive", lambda m: m.send_product_list(
        TO, "Our range", header="Cacti", catalog_id="cat1",
        sections=[ProductSection(title="Cacti",
                                 product_items=[ProductItem(product_retailer_id="sku1")])])),
    "send_location_request": ("interactive", lambda m: m.send_location_request(
        TO, "Where are you?")),
    "send_catalog": ("interactive", lambda m: m.send_catalog(TO, "Our catalog")),
    "send_address_request": ("interactive", lambda m: m.send_address_request(
        TO, "Where should we deliver?", country="IN")),
    "send_call_permission_request": ("interactive", lambda m: m.send_call_permission_request(
        TO, "May we call you?")),
    "send_template": ("template", lambda m: m.send_template(TO, "order_update")),
    "send_reaction": ("reaction", lambda m: m.send_reaction(TO, "wamid.ABC", "\U0001f44d")),
    "remove_reaction": ("reaction", lambda m: m.remove_reaction(TO, "wamid.ABC")),
}


def test_every_send_method_is_covered() -> None:
    methods = {name for name in dir(MessagesResource)
               if name.startswith(("send", "remove_")) and not name.startswith("_")}
    assert methods == set(SENDS)


@pytest.mark.parametrize("name", sorted(SENDS))
async def test_send_method_is_accepted_by_the_fake(
    fake: FakeCloudAPI, wa: WhatsAppClient, name: str
) -> None:
    kind, call = SENDS[name]
    sent = await call(wa.messages)
    [record] = fake.sent
    assert (sent.message_id, record.type, record.wa_id) == (record.id, kind, "15551234567")
    assert sent.wa_id == "15551234567"


@pytest.mark.parametrize("name", sorted(SENDS))
async def test_send_method_from_a_deregistered_number_is_refused(
    fake: FakeCloudAPI, wa: WhatsAppClient, name: str
) -> None:
    fake.numbers[PHONE_NUMBER_ID].registered = False
    with pytest.raises(RegistrationError) as info:
        await SENDS[name][1](wa.messages)
    assert info.value.code == 133010
    assert fake.sent == []


async def test_sent_record_decodes_to_the_librarys_struct(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    await wa.messages.send_text(TO, "hi", preview_url=True)
    assert fake.sent[0].message == Text(body="hi", preview_url=True)


async def test_send_template_reports_the_pacing_status(wa: WhatsAppClient) -> None:
    sent = await wa.messages.send_template(TO, "order_update")
    assert sent.message_status == "accepted"


async def test_send_unknown_template_is_refused(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    with pytest.raises(TemplateError) as info:
        await wa.messages.send_template(TO, "no_such_template")
    assert info.value.code == 132001


async def test_send_reply_to_sets_context(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    await wa.messages.send_text(TO, "yes", reply_to="wamid.INBOUND")
    assert fake.sent[0].body["context"] == {"message_id": "wamid.INBOUND"}


async def test_send_with_a_wrong_token_is_refused(fake: FakeCloudAPI) -> None:
    async with WhatsAppClient("wrong", PHONE_NUMBER_ID, base_url=fake.base_url) as other:
        with pytest.raises(AuthenticationError) as info:
            await other.messages.send_text(TO, "hi")
    assert info.value.code == 190
    assert "wrong" not in str(info.value)


async def test_mark_read(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    assert await wa.messages.mark_read("wamid.INBOUND", typing_indicator=True) is True
    assert [(r.message_id, r.typing_indicator) for r in fake.read_marks] == [
        ("wamid.INBOUND", True)]


async def test_mark_read_of_a_non_message_id_is_refused(wa: WhatsAppClient) -> None:
    with pytest.raises(InvalidParameterError) as info:
        await wa.messages.mark_read("12345")
    assert info.value.code == 131009


# -------------------------------------------------------------------- media


async def test_media_upload_stores_the_bytes(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    media_id = await wa.media.upload(PNG, mime_type="image/png", filename="a.png")
    assert fake.media[media_id].data == PNG


async def test_media_upload_with_a_wrong_token_is_refused(fake: FakeCloudAPI) -> None:
    async with WhatsAppClient("wrong", PHONE_NUMBER_ID, base_url=fake.base_url) as other:
        with pytest.raises(AuthenticationError):
            await other.media.upload(PNG, mime_type="image/png", filename="a.png")
    assert fake.media == {}


async def test_media_get(wa: WhatsAppClient) -> None:
    media_id = await wa.media.upload(PNG, mime_type="image/png", filename="a.png")
    info = await wa.media.get(media_id)
    assert (info.id, info.mime_type, info.file_size) == (media_id, "image/png", len(PNG))
    assert info.sha256 == hashlib.sha256(PNG).hexdigest()


async def test_media_get_unknown_id_is_refused(wa: WhatsAppClient) -> None:
    with pytest.raises(InvalidParameterError) as info:
        await wa.media.get("4242424242424242")
    assert info.value.code == 100


async def test_media_get_for_another_number_is_refused(wa: WhatsAppClient) -> None:
    media_id = await wa.media.upload(PNG, mime_type="image/png", filename="a.png")
    with pytest.raises(InvalidParameterError):
        await wa.media.get(media_id, phone_number_id="5555555")


async def test_media_download_to_bytes_and_to_a_file(wa: WhatsAppClient, tmp_path: Path
                                                     ) -> None:
    media_id = await wa.media.upload(PNG, mime_type="image/png", filename="a.png")
    assert await wa.media.download(media_id) == PNG
    path = await wa.media.download(media_id, tmp_path / "out.png")
    assert path.read_bytes() == PNG


async def test_media_download_refreshes_an_expired_url(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    media_id = await wa.media.upload(PNG, mime_type="image/png", filename="a.png")
    info = await wa.media.get(media_id)
    fake.advance(fake.media_url_ttl + 1)
    assert await wa.media.download(info) == PNG


async def test_media_download_retries_a_dropped_download(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    media_id = await wa.media.upload(PNG, mime_type="image/png", filename="a.png")
    fake.inject(Fault.drop_before(), operation="downloadMedia")
    assert await wa.media.download(media_id) == PNG
    assert fake.dropped == 1


async def test_media_download_of_deleted_media_is_refused(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    media_id = await wa.media.upload(PNG, mime_type="image/png", filename="a.png")
    info = await wa.media.get(media_id)
    await wa.media.delete(media_id)
    with pytest.raises(APIError):
        await wa.media.download(info)


async def test_media_delete(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    media_id = await wa.media.upload(PNG, mime_type="image/png", filename="a.png")
    assert await wa.media.delete(media_id) is True
    assert media_id not in fake.media


async def test_media_delete_unknown_id_is_refused(wa: WhatsAppClient) -> None:
    with pytest.raises(InvalidParameterError):
        await wa.media.delete("4242424242424242")


async def test_sending_uploaded_media_by_id(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    media_id = await wa.media.upload(PNG, mime_type="image/png", filename="a.png")
    await wa.messages.send_image(TO, media_id=media_id, caption="Receipt")
    assert fake.sent[0].body["image"] == {"id": media_id, "caption": "Receipt"}


# ------------------------------------------------------------ phone numbers


async def test_phone_numbers_get(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    number = await wa.phone_numbers.get()
    assert number.id == PHONE_NUMBER_ID
    assert number.display_phone_number == fake.numbers[PHONE_NUMBER_ID].display_phone_number
    assert number.quality_rating == "GREEN"


async def test_phone_numbers_get_unknown_field_is_refused(wa: WhatsAppClient) -> None:
    with pytest.raises(InvalidParameterError):
        await wa.phone_numbers.get(fields=["favourite_colour"])


async def test_phone_numbers_get_unknown_number_is_refused(stranger: WhatsAppClient) -> None:
    with pytest.raises(InvalidParameterError) as info:
        await stranger.phone_numbers.get()
    assert info.value.code == 100


async def test_set_two_step_pin(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    assert await wa.phone_numbers.set_two_step_pin("246810") is True
    assert fake.numbers[PHONE_NUMBER_ID].pin == "246810"


async def test_set_two_step_pin_on_unknown_number_is_refused(stranger: WhatsAppClient) -> None:
    with pytest.raises(InvalidParameterError):
        await stranger.phone_numbers.set_two_step_pin("246810")


# ------------------------------------------------------------- registration


async def test_request_code(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    assert await wa.registration.request_code(method="VOICE", language="pt_BR") is True
    assert fake.verification_code(PHONE_NUMBER_ID) is not None


async def test_request_code_on_unknown_number_is_refused(stranger: WhatsAppClient) -> None:
    with pytest.raises(InvalidParameterError):
        await stranger.registration.request_code()


async def test_verify_code(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    await wa.registration.request_code()
    code = fake.verification_code(PHONE_NUMBER_ID)
    assert code is not None
    assert await wa.registration.verify_code(code) is True
    assert fake.numbers[PHONE_NUMBER_ID].code_verification_status == "VERIFIED"


async def test_verify_wrong_code_is_refused(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    await wa.registration.request_code()
    wrong = "000000" if fake.verification_code(PHONE_NUMBER_ID) != "000000" else "111111"
    with pytest.raises(APIError) as info:
        await wa.registration.verify_code(wrong)
    assert info.value.code == 136025


async def test_register_and_deregister(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    assert await wa.registration.deregister() is True
    assert not fake.numbers[PHONE_NUMBER_ID].registered
    assert await wa.registration.register("123456", data_localization_region="DE") is True
    assert fake.numbers[PHONE_NUMBER_ID].registered
    await wa.messages.send_text(TO, "back online")


async def test_register_with_the_wrong_pin_is_refused(fake: FakeCloudAPI, wa: WhatsAppClient
                                                      ) -> None:
    await wa.phone_numbers.set_two_step_pin("111111")
    with pytest.raises(RegistrationError) as info:
        await wa.registration.register("222222")
    assert info.value.code == 133005


async def test_register_over_budget_is_refused(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    for _ in range(fake.register_budget):
        await wa.registration.register("123456")
    with pytest.raises(RegistrationRateLimitError) as info:
        await wa.registration.register("123456")
    assert info.value.code == 133016


async def test_deregister_over_budget_is_refused(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    for _ in range(fake.register_budget):
        await wa.registration.deregister()
    with pytest.raises(RegistrationRateLimitError):
        await wa.registration.deregister()


# --------------------------------------------------------- business profile


async def test_business_profile_update_then_get(wa: WhatsAppClient) -> None:
    assert await wa.business_profile.update(
        about="Garden tools", description="Since 1999", email="shop@example.com",
        websites=["https://example.com"], vertical="RETAIL", address="1 Main St",
    ) is True
    profile = await wa.business_profile.get()
    assert (profile.about, profile.email, profile.vertical) == (
        "Garden tools", "shop@example.com", "RETAIL")
    assert list(profile.websites or []) == ["https://example.com"]


async def test_business_profile_get_unknown_number_is_refused(stranger: WhatsAppClient) -> None:
    with pytest.raises(InvalidParameterError):
        await stranger.business_profile.get()


async def test_business_profile_update_unknown_number_is_refused(
    stranger: WhatsAppClient,
) -> None:
    with pytest.raises(InvalidParameterError):
        await stranger.business_profile.update(about="x")


# ----------------------------------------------------------------- QR codes


async def test_qr_codes_lifecycle(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    created = await wa.qr_codes.create("Hi there", image_format="PNG")
    assert created.deep_link_url == f"https://wa.me/message/{created.code}"
    assert created.qr_image_url is not None
    assert [q.code for q in await wa.qr_codes.list()] == [created.code]
    assert (await wa.qr_codes.get(created.code)).prefilled_message == "Hi there"
    updated = await wa.qr_codes.update(created.code, "Hello")
    assert updated.prefilled_message == "Hello"
    assert await wa.qr_codes.delete(created.code) is True
    assert fake.qr_codes == {}


@pytest.mark.parametrize("operation", ["get", "update", "delete"])
async def test_qr_code_unknown_code_is_refused(wa: WhatsAppClient, operation: str) -> None:
    qr = wa.qr_codes
    calls: dict[str, Callable[[], Awaitable[Any]]] = {
        "get": lambda: qr.get("ANED2T5QRU7HG1"),
        "update": lambda: qr.update("ANED2T5QRU7HG1", "x"),
        "delete": lambda: qr.delete("ANED2T5QRU7HG1"),
    }
    with pytest.raises(InvalidParameterError):
        await calls[operation]()


async def test_qr_code_create_on_unknown_number_is_refused(stranger: WhatsAppClient) -> None:
    with pytest.raises(InvalidParameterError):
        await stranger.qr_codes.create("Hi")


async def test_qr_code_list_on_unknown_number_is_refused(stranger: WhatsAppClient) -> None:
    with pytest.raises(InvalidParameterError):
        await stranger.qr_codes.list()
