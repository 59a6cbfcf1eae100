"""parse_notification: wrong inputs raise InvalidPayloadError, odd messages degrade to Unknown."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from tests.support import FIXTURES
from whatsapp_async import WhatsAppError
from whatsapp_async.webhooks import (
    InvalidPayloadError,
    TextMessage,
    UnknownMessage,
    WebhookError,
    parse_notification,
)

TEXT = json.loads((FIXTURES / "facts" / "webhooks" / "01_text_from_ctwa_ad.json").read_text())
STATUS = json.loads(
    (FIXTURES / "facts" / "webhooks" / "07_status_delivered_with_pricing.json").read_text()
)


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def with_value(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(json.dumps(base))
    payload["entry"][0]["changes"][0]["value"].update(changes)
    return payload


def first_message(payload: dict[str, Any]) -> Any:
    return next(parse_notification(body(payload)).messages())


def test_invalid_payload_error_is_a_library_and_value_error() -> None:
    assert issubclass(InvalidPayloadError, WebhookError)
    assert issubclass(InvalidPayloadError, WhatsAppError)
    assert issubclass(InvalidPayloadError, ValueError)


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"{", b"\xff\xfe{}", b'{"object": tru}', b'{"object": "\xc3"}',
     '{"object": "\ud800"}'],
)
def test_non_json_raises_invalid_payload(raw: bytes | str) -> None:
    with pytest.raises(InvalidPayloadError, match="not JSON"):
        parse_notification(raw)


@pytest.mark.parametrize(
    "payload",
    [
        [], 42, "text", None, {}, {"object": 1, "entry": []},
        {"object": "whatsapp_business_account", "entry": {}},
        {"object": "whatsapp_business_account", "entry": [{"changes": []}]},
        {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{}]}]},
    ],
)
def test_wrong_envelope_shapes_raise_invalid_payload(payload: Any) -> None:
    with pytest.raises(InvalidPayloadError):
        parse_notification(body(payload))


def test_messages_value_without_metadata_raises_with_its_location() -> None:
    payload = json.loads(json.dumps(TEXT))
    del payload["entry"][0]["changes"][0]["value"]["metadata"]
    with pytest.raises(InvalidPayloadError, match=r"entry\[0\]\.changes\[0\]\.value"):
        parse_notification(body(payload))


def test_status_without_id_raises_invalid_payload() -> None:
    payload = json.loads(json.dumps(STATUS))
    del payload["entry"][0]["changes"][0]["value"]["statuses"][0]["id"]
    with pytest.raises(InvalidPayloadError):
        parse_notification(body(payload))


def test_message_that_is_not_an_object_raises_invalid_payload() -> None:
    with pytest.raises(InvalidPayloadError, match=r"messages\[0\]"):
        parse_notification(body(with_value(TEXT, messages=[7])))


def test_deeply_nested_json_raises_invalid_payload() -> None:
    with pytest.raises(InvalidPayloadError):
        parse_notification(b"[" * 100_000 + b"]" * 100_000)


def test_deep_nesting_inside_a_message_raises_invalid_payload() -> None:
    deep = "[" * 50_000 + "]" * 50_000
    raw = body(TEXT).replace(b'"type": "text"', f'"extra": {deep}, "type": "text"'.encode(), 1)
    assert len(raw) > 100_000
    with pytest.raises(InvalidPayloadError):
        parse_notification(raw)


def test_known_type_with_wrong_body_becomes_unknown_message_with_reason() -> None:
    message = dict(TEXT["entry"][0]["changes"][0]["value"]["messages"][0], text={"body": 5})
    parsed = first_message(with_value(TEXT, messages=[message]))
    assert isinstance(parsed, UnknownMessage)
    assert parsed.type == "text"
    assert parsed.id == message["id"]
    assert "text.body" in parsed.reason


def test_unknown_message_keeps_a_valid_context() -> None:
    message = {"type": "edit", "id": "wamid.E", "from": "1", "timestamp": "1",
               "context": {"from": "2", "id": "wamid.ORIGINAL"}}
    parsed = first_message(with_value(TEXT, messages=[message]))
    assert isinstance(parsed, UnknownMessage)
    assert parsed.context is not None and parsed.context.id == "wamid.ORIGINAL"


def test_unknown_message_with_odd_common_fields_gets_empty_strings() -> None:
    parsed = first_message(with_value(TEXT, messages=[{"type": 3, "id": None, "context": 1}]))
    assert isinstance(parsed, UnknownMessage)
    assert (parsed.type, parsed.id, parsed.from_, parsed.timestamp) == ("", "", "", "")
    assert parsed.context is None


def test_unknown_fields_do_not_stop_the_typed_decode() -> None:
    payload = with_value(TEXT, brand_new_field={"a": [1, 2]})
    payload["brand_new_top"] = True
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["new_thing"] = "x"
    assert isinstance(first_message(payload), TextMessage)


def test_str_body_is_accepted() -> None:
    assert isinstance(next(parse_notification(json.dumps(TEXT)).messages()), TextMessage)


def test_bad_timestamp_raises_invalid_payload_on_access_only() -> None:
    message = dict(TEXT["entry"][0]["changes"][0]["value"]["messages"][0], timestamp="soon")
    parsed = first_message(with_value(TEXT, messages=[message]))
    assert parsed.timestamp == "soon"
    with pytest.raises(InvalidPayloadError, match="timestamp"):
        _ = parsed.time


def test_huge_timestamp_raises_invalid_payload() -> None:
    message = dict(TEXT["entry"][0]["changes"][0]["value"]["messages"][0], timestamp="9" * 30)
    with pytest.raises(InvalidPayloadError):
        _ = first_message(with_value(TEXT, messages=[message])).time


def test_parsed_structs_are_immutable() -> None:
    parsed = first_message(TEXT)
    with pytest.raises(AttributeError):
        parsed.id = "other"


def test_raw_of_unknown_message_does_not_pin_the_whole_body() -> None:
    message = {"type": "edit", "id": "wamid.E", "from": "1", "timestamp": "1"}
    parsed = first_message(with_value(TEXT, messages=[message], padding="x" * 10_000))
    assert isinstance(parsed, UnknownMessage)
    assert len(bytes(memoryview(parsed.raw))) < 200
    assert msgspec.json.decode(parsed.raw) == message
