"""Every recorded webhook payload parses into the expected types and values."""

from __future__ import annotations

from datetime import datetime, timezone

import msgspec
import pytest

from tests.support import FIXTURES
from whatsapp_async.webhooks import (
    AudioMessage,
    ButtonMessage,
    ContactsMessage,
    DocumentMessage,
    ImageMessage,
    InboundMessage,
    InteractiveMessage,
    InvalidPayloadError,
    LocationMessage,
    MessagesChange,
    MessagesValue,
    Notification,
    OrderMessage,
    ReactionMessage,
    RequestWelcomeMessage,
    Status,
    StickerMessage,
    SystemMessage,
    TemplateStatusChange,
    TextMessage,
    UnknownChange,
    UnknownMessage,
    UnsupportedMessage,
    VideoMessage,
    parse_notification,
)

FACTS = FIXTURES / "facts" / "webhooks"
RECORDED = FIXTURES / "webhooks"
BUSINESS_NUMBER_ID = "109876543210987"
USER = "447700900123"


def parse(path: str) -> Notification:
    folder, _, name = path.partition("/")
    return parse_notification(((FACTS if folder == "facts" else RECORDED) / name).read_bytes())


def only_value(notification: Notification) -> MessagesValue:
    values = list(notification.values())
    assert len(values) == 1
    return values[0]


def only_message(path: str) -> InboundMessage:
    value = only_value(parse(path))
    assert len(value.messages) == 1
    return value.messages[0]


def only_status(path: str) -> Status:
    value = only_value(parse(path))
    assert len(value.statuses) == 1
    return value.statuses[0]


ALL_PAYLOADS = sorted(
    [f"facts/{p.name}" for p in FACTS.glob("*.json")]
    + [f"recorded/{p.name}" for p in RECORDED.glob("*.json")]
)


def test_every_fact_payload_is_covered() -> None:
    assert len([p for p in ALL_PAYLOADS if p.startswith("facts/")]) == 10


@pytest.mark.parametrize("path", ALL_PAYLOADS)
def test_every_payload_parses_with_envelope_and_business_number(path: str) -> None:
    notification = parse(path)
    assert notification.object == "whatsapp_business_account"
    assert notification.entry[0].id == "214367980012345"
    for value in notification.values():
        assert value.metadata.phone_number_id.startswith("1098765432")


# An UnknownMessage encodes as itself (type, id, raw, reason), not as the raw message.
WITH_UNKNOWN_MESSAGES = {"recorded/31_batch_mixed.json"}


@pytest.mark.parametrize("path", [p for p in ALL_PAYLOADS if p not in WITH_UNKNOWN_MESSAGES])
def test_payloads_without_unknown_messages_round_trip_through_msgspec(path: str) -> None:
    notification = parse(path)
    assert parse_notification(msgspec.json.encode(notification)) == notification


# ------------------------------------------------------------------ facts (shared)


def test_text_from_ctwa_ad() -> None:
    notification = parse("facts/01_text_from_ctwa_ad.json")
    value = only_value(notification)
    message = value.messages[0]
    assert isinstance(message, TextMessage)
    assert message.text.body == "Hi, is the hedge trimmer still on offer?"
    assert message.from_ == USER
    assert message.id == "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FGMTIzNDU2Nzg5MEFCQ0RFRjAA"
    assert message.timestamp == "1750412345"
    assert message.time == datetime(2025, 6, 20, 9, 39, 5, tzinfo=timezone.utc)
    assert message.type == message.kind == "text"
    assert value.metadata.display_phone_number == "15550001234"
    assert value.contacts[0].name == "Ana Souza"
    assert value.contacts[0].wa_id == USER


def test_ctwa_referral_block() -> None:
    message = only_message("facts/01_text_from_ctwa_ad.json")
    assert not isinstance(message, UnknownMessage)
    referral = message.referral
    assert referral is not None
    assert referral.source_type == "ad"
    assert referral.source_id == "120213456789012345"
    assert referral.media_type == "image"
    assert referral.image_url == "https://scontent.xx.fbcdn.net/v/t45.1600-4/example.jpg"
    assert referral.ctwa_clid == "AfZx3kQv9mTnW2pL8rYc1sDd7eHh4jKk0uVb6xNn5oPq"
    assert referral.welcome_message is not None
    assert referral.welcome_message.text == "Hi! How can we help?"
    assert referral.headline == "Chat with us"


def test_image_forwarded() -> None:
    message = only_message("facts/02_image_forwarded.json")
    assert isinstance(message, ImageMessage)
    assert message.image.caption == "Receipt from last week"
    assert message.image.mime_type == "image/jpeg"
    assert message.image.id == "1284756390123456"
    assert message.image.sha256 == "q2Zk1m3nB8yV0cX7eR4tW6uI9oP5aS2dF1gH3jK8lLQ="
    assert message.image.url is not None
    assert message.image.url.startswith("https://lookaside.fbsbx.com/")
    assert message.context is not None
    assert message.context.forwarded is True
    assert message.context.frequently_forwarded is False
    assert message.context.id is None


def test_interactive_button_reply() -> None:
    message = only_message("facts/03_interactive_button_reply.json")
    assert isinstance(message, InteractiveMessage)
    assert message.interactive.type == "button_reply"
    assert message.interactive.button_reply is not None
    assert message.interactive.button_reply.id == "reschedule-btn"
    assert message.interactive.button_reply.title == "Reschedule"
    assert message.interactive.reply is message.interactive.button_reply
    assert message.context is not None
    assert message.context.from_ == "15550001234"
    assert message.context.id == "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkI3RjQ1QTkyQzE4RDNFMkE0AA=="


def test_interactive_list_reply() -> None:
    message = only_message("facts/04_interactive_list_reply.json")
    assert isinstance(message, InteractiveMessage)
    reply = message.interactive.list_reply
    assert reply is not None
    assert (reply.id, reply.title, reply.description) == (
        "slot_2025-06-21_0930", "Sat 21 Jun, 09:30", "Main branch, 30 min"
    )
    assert message.interactive.button_reply is None


def test_template_quick_reply_button() -> None:
    message = only_message("facts/05_template_quick_reply_button.json")
    assert isinstance(message, ButtonMessage)
    assert message.button.payload == "STOP_PROMOTIONS"
    assert message.button.text == "Stop promotions"
    assert message.context is not None
    assert message.context.id == "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSMTFBMjJCMzNDNDRENTVFNjZGAA=="


def test_reaction_with_escaped_emoji() -> None:
    message = only_message("facts/06_reaction.json")
    assert isinstance(message, ReactionMessage)
    assert message.reaction.emoji == "\N{THUMBS UP SIGN}"
    assert message.reaction.message_id == (
        "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkI3RjQ1QTkyQzE4RDNFMkE0AA=="
    )
    assert message.reaction.removed is False


def test_status_delivered_with_pricing_and_conversation() -> None:
    status = only_status("facts/07_status_delivered_with_pricing.json")
    assert status.status == "delivered"
    assert status.id == "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkI3RjQ1QTkyQzE4RDNFMkE0AA=="
    assert status.recipient_id == USER
    assert status.biz_opaque_callback_data == "order-8841:attempt-1"
    assert status.time == datetime(2025, 6, 20, 9, 45, 10, tzinfo=timezone.utc)
    assert status.conversation is not None
    assert status.conversation.id == "5f0c3b8e2a9d4c17b6e1a0f2d3c4b5a6"
    assert status.conversation.origin is not None
    assert status.conversation.origin.type == "utility"
    assert status.conversation.expiration_time is None
    assert status.pricing is not None
    assert (status.pricing.billable, status.pricing.pricing_model, status.pricing.type,
            status.pricing.category) == (True, "PMP", "regular", "utility")
    assert status.errors == ()


def test_status_failed_with_error() -> None:
    status = only_status("facts/08_status_failed_131047.json")
    assert status.status == "failed"
    assert status.biz_opaque_callback_data == "ticket-5512"
    [error] = status.errors
    assert error.code == 131047
    assert error.title == "Re-engagement message"
    assert error.details is not None
    assert error.details.startswith("Message failed to send because more than 24 hours")
    assert error.href == "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"


def test_unsupported_message_with_errors() -> None:
    message = only_message("facts/09_unsupported_message_131051.json")
    assert isinstance(message, UnsupportedMessage)
    assert message.unsupported is not None
    assert message.unsupported.type == "poll_creation"
    [error] = message.errors
    assert error.code == 131051
    assert error.details == "Message type is currently not supported."
    assert error.href is None


def test_system_message_without_contacts() -> None:
    value = only_value(parse("facts/10_system_user_changed_number.json"))
    assert value.contacts == ()
    message = value.messages[0]
    assert isinstance(message, SystemMessage)
    assert message.system.type == "user_changed_number"
    assert message.system.wa_id == "447700900456"
    assert message.system.body == "User Ana Souza changed from 447700900123 to 447700900456"


# ------------------------------------------------------------------ recorded kinds


def test_audio_voice_note() -> None:
    message = only_message("recorded/11_audio_voice_note.json")
    assert isinstance(message, AudioMessage)
    assert message.audio.voice is True
    assert message.audio.mime_type == "audio/ogg; codecs=opus"
    assert message.audio.id == "2234567890123456"
    assert message.audio.url is not None


def test_video_with_caption_and_no_url() -> None:
    message = only_message("recorded/12_video_with_caption.json")
    assert isinstance(message, VideoMessage)
    assert message.video.caption == "The leak under the sink"
    assert message.video.mime_type == "video/mp4"
    assert message.video.url is None


def test_document() -> None:
    message = only_message("recorded/13_document.json")
    assert isinstance(message, DocumentMessage)
    assert message.document.filename == "contract-2025-06.pdf"
    assert message.document.caption == "Signed contract"
    assert message.document.mime_type == "application/pdf"


def test_sticker_animated() -> None:
    message = only_message("recorded/14_sticker_animated.json")
    assert isinstance(message, StickerMessage)
    assert message.sticker.animated is True
    assert message.sticker.mime_type == "image/webp"


def test_location() -> None:
    message = only_message("recorded/15_location.json")
    assert isinstance(message, LocationMessage)
    assert message.location.latitude == pytest.approx(53.79648)
    assert message.location.longitude == pytest.approx(-1.54785)
    assert message.location.name == "Market Square Branch"
    assert message.location.address == "1 Market Square, Leeds LS1 6AA"
    assert message.location.url == "https://example.com/branches/leeds"


def test_contacts_card() -> None:
    message = only_message("recorded/16_contacts_card.json")
    assert isinstance(message, ContactsMessage)
    [card] = message.contacts
    assert card.name is not None
    assert card.name.formatted_name == "José Ñúñez"
    assert [(p.phone, p.wa_id, p.type) for p in card.phones] == [
        ("+44 7700 900456", "447700900456", "CELL"), ("+44 113 496 0000", None, "WORK"),
    ]
    assert card.emails[0].email == "jose@example.com"
    assert card.addresses[0].country_code == "GB"
    assert card.org is not None and card.org.company == "Garden Co"
    assert card.urls[0].url == "https://example.com"
    assert card.birthday == "1990-04-12"


class Booking(msgspec.Struct):
    flow_token: str
    date: str
    party_size: int


def test_interactive_nfm_reply_decodes_flow_answers() -> None:
    message = only_message("recorded/17_interactive_nfm_reply_flow.json")
    assert isinstance(message, InteractiveMessage)
    reply = message.interactive.nfm_reply
    assert reply is not None
    assert (reply.name, reply.body) == ("flow", "Sent")
    assert reply.response(Booking) == Booking(flow_token="booking-7781", date="2025-06-21",
                                              party_size=4)


def test_nfm_reply_that_does_not_fit_raises_library_error() -> None:
    message = only_message("recorded/17_interactive_nfm_reply_flow.json")
    assert isinstance(message, InteractiveMessage)
    assert message.interactive.nfm_reply is not None
    with pytest.raises(InvalidPayloadError):
        message.interactive.nfm_reply.response(list[int])


def test_order() -> None:
    message = only_message("recorded/18_order.json")
    assert isinstance(message, OrderMessage)
    assert message.order.catalog_id == "194836987003835"
    assert message.order.text == "Please deliver after 6pm"
    assert [(i.product_retailer_id, i.quantity, i.item_price, i.currency)
            for i in message.order.product_items] == [
        ("hedge-trimmer-500", 1, 89.99, "GBP"), ("gloves-l", 2, 12.0, "GBP"),
    ]


def test_text_product_inquiry_context() -> None:
    message = only_message("recorded/19_text_product_inquiry.json")
    assert message.context is not None
    product = message.context.referred_product
    assert product is not None
    assert (product.catalog_id, product.product_retailer_id) == (
        "194836987003835", "hedge-trimmer-500"
    )


def test_text_frequently_forwarded() -> None:
    message = only_message("recorded/20_text_frequently_forwarded.json")
    assert message.context is not None
    assert message.context.frequently_forwarded is True
    assert message.context.forwarded is False


def test_text_reply_to_business_message_keeps_non_ascii() -> None:
    message = only_message("recorded/21_text_reply_to_business.json")
    assert isinstance(message, TextMessage)
    assert message.text.body == "Yes, Saturday works \N{WHITE HEAVY CHECK MARK}"
    assert message.context is not None
    assert message.context.from_ == "15550001234"


def test_referral_from_video_post() -> None:
    message = only_message("recorded/22_video_from_ctwa_video_ad.json")
    assert not isinstance(message, UnknownMessage)
    assert message.referral is not None
    assert message.referral.source_type == "post"
    assert message.referral.media_type == "video"
    assert message.referral.video_url == "https://video.xx.fbcdn.net/v/t42.1790-2/example.mp4"
    assert message.referral.thumbnail_url is not None
    assert message.referral.ctwa_clid is None


def test_status_sent_with_conversation_expiration() -> None:
    status = only_status("recorded/23_status_sent_with_conversation.json")
    assert status.status == "sent"
    assert status.conversation is not None
    assert status.conversation.expiration_time == datetime(2025, 6, 21, 10, 26, 40,
                                                           tzinfo=timezone.utc)
    assert status.pricing is not None
    assert status.pricing.type == "free_customer_service"
    assert status.pricing.billable is False


def test_status_read() -> None:
    status = only_status("recorded/24_status_read.json")
    assert status.status == "read"
    assert status.pricing is None and status.conversation is None


def test_status_played() -> None:
    assert only_status("recorded/25_status_played_voice.json").status == "played"


def test_status_of_group_message() -> None:
    status = only_status("recorded/26_status_group_delivered.json")
    assert status.recipient_type == "group"
    assert status.recipient_participant_id == USER
    assert status.recipient_id is not None and status.recipient_id.startswith("Y2FwaV9ncm91c")


def test_value_level_errors() -> None:
    value = only_value(parse("recorded/27_value_errors.json"))
    [error] = value.errors
    assert error.code == 131000
    assert error.details == "Message failed to send due to an unknown error."
    assert value.messages == () and value.statuses == ()


def test_request_welcome_is_typed() -> None:
    message = only_message("recorded/28_unknown_type_request_welcome.json")
    assert isinstance(message, RequestWelcomeMessage)
    assert message.kind == "request_welcome"
    assert message.id == "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUV0VMQ09NRTAwMDAwMDAwMDAwMDEA"
    assert message.from_ == USER
    assert message.time == datetime(2025, 6, 20, 10, 33, 20, tzinfo=timezone.utc)


def test_unknown_message_type_keeps_raw_object() -> None:
    first = parse("recorded/31_batch_mixed.json").entry[0].changes[0]
    assert isinstance(first, MessagesChange)
    message = first.value.messages[1]
    assert isinstance(message, UnknownMessage)
    assert message.kind == "unknown"
    assert message.type == "poll_creation"
    assert msgspec.json.decode(message.raw)["type"] == "poll_creation"
    assert "poll_creation" in message.reason


def test_legacy_unknown_type_is_an_unsupported_message() -> None:
    message = only_message("recorded/29_legacy_unknown_type.json")
    assert isinstance(message, UnsupportedMessage)
    assert message.kind == "unsupported"
    assert message.type == "unknown"
    assert message.errors[0].code == 131051


def test_template_status_field_is_typed() -> None:
    notification = parse("recorded/30_template_status_update_field.json")
    [change] = notification.entry[0].changes
    assert isinstance(change, TemplateStatusChange)
    assert change.field == "message_template_status_update"
    assert change.value.event == "APPROVED"
    assert change.value.message_template_id == 1234567890123456
    assert change.unmodelled == {}
    assert list(notification.values()) == []


def test_undocumented_field_becomes_unknown_change_with_raw_value() -> None:
    body = (b'{"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": '
            b'[{"field": "brand_new_field", "value": {"a": [1, 2]}}]}]}')
    [change] = parse_notification(body).entry[0].changes
    assert isinstance(change, UnknownChange)
    assert change.field == "brand_new_field"
    assert change.reason == ""
    assert msgspec.json.decode(change.value) == {"a": [1, 2]}


def test_batch_keeps_every_update_in_order() -> None:
    notification = parse("recorded/31_batch_mixed.json")
    assert [e.id for e in notification.entry] == ["214367980012345", "214367980099999"]
    kinds = [type(c).__name__ for c in notification.entry[0].changes]
    assert kinds == ["MessagesChange", "MessagesChange", "PhoneNumberQualityChange"]
    assert [m.kind for m in notification.messages()] == ["text", "unknown", "text"]
    assert [s.status for s in notification.statuses()] == ["delivered"]
    numbers = [v.metadata.phone_number_id for v in notification.values()]
    assert numbers == [BUSINESS_NUMBER_ID, BUSINESS_NUMBER_ID, "109876543219999"]


def test_unknown_message_does_not_hide_its_neighbours() -> None:
    first = parse("recorded/31_batch_mixed.json").entry[0].changes[0]
    assert isinstance(first, MessagesChange)
    text, unknown = first.value.messages
    assert isinstance(text, TextMessage) and text.text.body == "first"
    assert isinstance(unknown, UnknownMessage) and unknown.type == "poll_creation"


def test_reaction_removed() -> None:
    message = only_message("recorded/32_reaction_removed.json")
    assert isinstance(message, ReactionMessage)
    assert message.reaction.removed is True


def test_every_message_kind_has_a_recorded_payload() -> None:
    kinds = {m.kind for p in ALL_PAYLOADS for m in parse(p).messages()}
    assert kinds == {
        "text", "image", "audio", "video", "document", "sticker", "location", "contacts",
        "interactive", "button", "reaction", "order", "system", "unsupported", "unknown",
        "request_welcome",
    }


def test_every_status_value_has_a_recorded_payload() -> None:
    statuses = {s.status for p in ALL_PAYLOADS for s in parse(p).statuses()}
    assert statuses == {"sent", "delivered", "read", "failed", "played"}
