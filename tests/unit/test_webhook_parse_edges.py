"""parse_notification edges found by mutation testing: what each refusal says."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import FIXTURES
from whatsapp_async.webhooks import (
    InvalidPayloadError,
    MessagesChange,
    MessagesValue,
    TemplateStatusChange,
    UnknownMessage,
    parse_notification,
)

TEXT = json.loads((FIXTURES / "facts" / "webhooks" / "01_text_from_ctwa_ad.json").read_text())
DEEP = "[" * 50_000 + "]" * 50_000


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def _nested_before(key: str) -> bytes:
    """The text fixture with a too-deeply nested extra key just before ``key``."""
    return body(TEXT).replace(f'"{key}"'.encode(), f'"zz": {DEEP}, "{key}"'.encode(), 1)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (_nested_before("type"), "JSON nested too deeply"),
        (_nested_before("field"), "JSON nested too deeply"),
        (_nested_before("changes"), "JSON nested too deeply in the body"),
        (b'{"object": "x", "entry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
         "JSON nested too deeply in the body"),
    ],
    ids=["in-a-message", "in-a-change", "in-an-entry", "the-entry-list"],
)
def test_too_deep_nesting_is_refused_saying_so(raw: bytes, text: str) -> None:
    with pytest.raises(InvalidPayloadError) as info:
        parse_notification(raw)
    assert str(info.value) == f"invalid webhook payload: {text}"


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / "webhooks" / "meta" / name).read_text())


def _value_of(payload: Any) -> Any:
    return payload["entry"][0]["changes"][0]["value"]


@pytest.mark.parametrize("odd_message", [False, True], ids=["fast-pass", "slow-pass"])
def test_calls_and_echoes_inside_a_messages_change_are_kept(odd_message: bool) -> None:
    payload: Any = json.loads(json.dumps(TEXT))
    value = _value_of(payload)
    value["message_echoes"] = _value_of(_fixture("smb_message_echoes.json"))["message_echoes"]
    value["calls"] = _value_of(_fixture("calls_connect.json"))["calls"]
    if odd_message:  # a message of no known kind sends the value down the slow pass
        value["messages"].append({"id": "wamid.odd", "type": "hologram"})
    change = parse_notification(body(payload)).entry[0].changes[0]
    kept = change.value
    assert [echo.id for echo in kept.message_echoes] == [
        echo["id"] for echo in value["message_echoes"]
    ]
    assert [call.id for call in kept.calls] == [call["id"] for call in value["calls"]]


def test_an_entry_list_that_is_not_a_list_is_refused_naming_it() -> None:
    with pytest.raises(InvalidPayloadError) as info:
        parse_notification(b'{"object": "whatsapp_business_account", "entry": {"id": "1"}}')
    assert str(info.value) == "invalid webhook payload: entry: Expected `array`, got `object`"


def test_an_entry_without_an_id_is_refused_naming_the_entry_and_key() -> None:
    with pytest.raises(InvalidPayloadError) as info:
        parse_notification(b'{"object": "whatsapp_business_account", "entry": [{"time": 1}]}')
    assert str(info.value) == "invalid webhook payload: entry[0] has no 'id'"


# ------------------------------------------------------------------ the slow pass's envelope

# A value whose first key has the wrong type: the fast pass stops there, so the
# slow pass's envelope decode is the first to read the rest of the body.
_ODD_VALUE = b'{"messaging_product": 5}'


def _one_change(value: bytes, *, after: bytes = b"", entry_keys: bytes = b"") -> bytes:
    return (b'{"object": "whatsapp_business_account", "entry": [{"id": "1", ' + entry_keys
            + b'"changes": [{"field": "messages", "value": ' + value + b"}]}]}" + after)


def test_malformed_json_after_a_value_the_fast_pass_refused_is_refused_as_not_json() -> None:
    with pytest.raises(InvalidPayloadError) as info:
        parse_notification(_one_change(_ODD_VALUE, after=b" trailing"))
    assert str(info.value).startswith("invalid webhook payload: not JSON (")


def test_too_deep_nesting_after_a_value_the_fast_pass_refused_is_refused_saying_so() -> None:
    deep = b'{"messaging_product": 5, "zz": ' + DEEP.encode() + b"}"
    with pytest.raises(InvalidPayloadError) as info:
        parse_notification(_one_change(deep))
    assert str(info.value) == "invalid webhook payload: JSON nested too deeply"


def test_the_slow_pass_keeps_the_entry_time() -> None:
    payload: Any = json.loads(json.dumps(TEXT))
    payload["entry"][0]["time"] = 1700000000
    _value_of(payload)["messages"].append({"id": "wamid.odd", "type": "hologram"})
    notification = parse_notification(body(payload))
    assert notification.entry[0].time == 1700000000
    change = notification.entry[0].changes[0]
    assert isinstance(change, MessagesChange)
    assert change.value.messages[-1].type == "hologram"


_OBJECT = '"object": "whatsapp_business_account"'


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("[1]", "the body: Expected `object`, got `array`"),
        ('{"entry": []}', "the body has no 'object'"),
        ('{"object": 1}', "object is not a string"),
        ('{%s, "entry": [1]}', "entry[0]: Expected `object`, got `int`"),
        ('{%s, "entry": [{"id": 1}]}', "entry[0].id is not a string"),
        ('{%s, "entry": [{"id": "1", "time": "soon"}]}',
         "entry[0].time: Expected `int | null`, got `str`"),
        ('{%s, "entry": [{"id": "1", "changes": {}}]}',
         "entry[0].changes: Expected `array`, got `object`"),
        ('{%s, "entry": [{"id": "1", "changes": [1]}]}',
         "entry[0].changes[0]: Expected `object`, got `int`"),
        ('{%s, "entry": [{"id": "1", "changes": [{"value": {}}]}]}',
         "entry[0].changes[0] has no 'field'"),
        ('{%s, "entry": [{"id": "1", "changes": [{"field": 1, "value": {}}]}]}',
         "entry[0].changes[0].field is not a string"),
        ('{%s, "entry": [{"id": "1", "changes": [{"field": "x"}]}]}',
         "entry[0].changes[0] has no 'value'"),
        ('{%s, "entry": [{"id": "1"}, {"id": "2", "changes": [{}, {"field": "x"}]}]}',
         "entry[1].changes[0] has no 'field'"),
    ],
    ids=["body", "no-object", "object", "entry-item", "id", "time", "changes", "change",
         "no-field", "field", "no-value", "second-entry"],
)
def test_a_misshapen_envelope_is_refused_naming_where(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPayloadError) as info:
        parse_notification(raw.replace("%s", _OBJECT).encode())
    assert info.value.reason == reason
    assert str(info.value) == f"invalid webhook payload: {reason}"


def test_a_body_with_an_unmodelled_key_and_no_entry_list_has_no_entries() -> None:
    notification = parse_notification(b'{%s, "extra": 1}' % _OBJECT.encode())
    assert notification.object == "whatsapp_business_account"
    assert notification.entry == ()
    assert notification.unmodelled == {"extra": 1}


def test_an_entry_with_an_unmodelled_key_keeps_its_time_read_leniently() -> None:
    notification = parse_notification(
        b'{%s, "entry": [{"id": "7", "time": "1700000000", "extra": [1]}]}' % _OBJECT.encode()
    )
    (entry,) = notification.entry
    assert (entry.id, entry.time, entry.changes) == ("7", 1700000000, ())
    assert entry.unmodelled == {"extra": [1]}


def test_a_key_beside_an_unknown_change_is_kept_in_the_entry_under_its_change() -> None:
    notification = parse_notification(
        b'{%s, "entry": [{"id": "1", "changes": [{"field": "brand_new", "value": {"a": 1},'
        b' "seq": 9}]}]}' % _OBJECT.encode()
    )
    (entry,) = notification.entry
    assert entry.changes[0].field == "brand_new"
    assert entry.unmodelled == {"changes[0].seq": 9}


# A key the envelope does not model comes first, so neither the fast pass nor the
# envelope's one scan reaches the value: the value's own decode meets its bytes.
def _with_top_extra(field: bytes, value: bytes) -> bytes:
    return (b'{"extra": 1, "object": "whatsapp_business_account", "entry": [{"id": "1", '
            b'"changes": [{"field": "' + field + b'", "value": ' + value + b"}]}]}")


_META = b'"metadata": {"display_phone_number": "1", "phone_number_id": "2"}'


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (_with_top_extra(b"messages", b'{"messaging_product": "\xff"}'),
         "entry[0].changes[0].value"),
        (_with_top_extra(b"account_update", b'{"phone_number": "\xff"}'),
         "entry[0].changes[0].value"),
        (_with_top_extra(b"account_update", b'{"zz": 1, "phone_number": "\xff"}'),
         "entry[0].changes[0].value"),
        (_with_top_extra(b"messages", b'{"zz": 1, "messaging_product": "whatsapp", ' + _META
                         + b', "messages": [{"from": "\xff", "id": "x", "timestamp": "1",'
                         b' "type": "text", "text": {"body": "hi"}}]}'),
         "entry[0].changes[0].value.messages[0]"),
    ],
    ids=["messages-value", "other-value", "other-value-lenient", "one-message"],
)
def test_invalid_utf8_inside_a_value_is_refused_naming_where(raw: bytes, where: str) -> None:
    with pytest.raises(InvalidPayloadError) as info:
        parse_notification(raw)
    assert info.value.reason == f"Invalid UTF-8 encoded string (in {where})"


def _change_with(field: bytes, value: bytes) -> bytes:
    return (b'{"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": '
            b'[{"field": "' + field + b'", "value": ' + value + b"}]}]}")


def test_invalid_utf8_in_a_key_the_body_does_not_model_is_refused_as_not_json() -> None:
    with pytest.raises(InvalidPayloadError) as info:
        parse_notification(b'{"object": "whatsapp_business_account", "extra": "\xff"}')
    assert info.value.reason == "not JSON (Invalid UTF-8 encoded string)"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"[1]", "entry[0].changes[0].value: Expected `object`, got `array`"),
        (b'{"zz": 1, "messaging_product": "whatsapp", ' + _META + b', "messages": {}}',
         "entry[0].changes[0].value.messages: Expected `array`, got `object`"),
    ],
    ids=["value", "messages"],
)
def test_a_misshapen_messages_value_is_refused_naming_where(value: bytes, reason: str) -> None:
    with pytest.raises(InvalidPayloadError) as info:
        parse_notification(_change_with(b"messages", value))
    assert info.value.reason == reason


def test_a_messages_value_with_an_unmodelled_key_and_no_messages_is_read_leniently() -> None:
    value = (b'{"zz": 1, "messaging_product": "whatsapp", ' + _META
             + b', "errors": [{"code": "131000", "title": "x"}]}')
    change = parse_notification(_change_with(b"messages", value)).entry[0].changes[0]
    assert isinstance(change, MessagesChange)
    assert change.value.messages == ()
    assert [error.code for error in change.value.errors] == [131000]
    assert change.unmodelled == {"value.zz": 1}


def test_another_fields_value_with_an_unmodelled_key_is_read_leniently() -> None:
    value = (b'{"zz": 1, "event": "APPROVED", "message_template_id": "123", '
             b'"message_template_name": "a", "message_template_language": "en_US", '
             b'"reason": "NONE"}')
    change = parse_notification(_change_with(b"message_template_status_update", value))
    (typed,) = change.entry[0].changes
    assert isinstance(typed, TemplateStatusChange)
    assert typed.value.message_template_id == 123
    assert typed.unmodelled == {"value.zz": 1}


def test_a_message_of_no_known_kind_keeps_its_envelope_and_a_lenient_context() -> None:
    value = (b'{"messaging_product": "whatsapp", ' + _META + b', "messages": ['
             b'{"from": "15550001", "id": "wamid.z", "timestamp": "1700000000", '
             b'"type": "hologram", "context": {"id": "wamid.q", "forwarded": "true"}},'
             b' {"id": "wamid.y", "type": ["odd"]}]}')
    change = parse_notification(_change_with(b"messages", value)).entry[0].changes[0]
    assert isinstance(change, MessagesChange)
    hologram, odd = change.value.messages
    assert isinstance(hologram, UnknownMessage) and isinstance(odd, UnknownMessage)
    assert (hologram.type, hologram.id, hologram.from_, hologram.timestamp) == (
        "hologram", "wamid.z", "15550001", "1700000000")
    assert hologram.context is not None
    assert (hologram.context.id, hologram.context.forwarded) == ("wamid.q", True)
    assert (odd.type, odd.id, odd.from_, odd.timestamp, odd.context) == (
        "", "wamid.y", "", "", None)


def test_a_messages_value_of_the_fast_pass_is_a_public_messages_value() -> None:
    change = parse_notification(body(TEXT)).entry[0].changes[0]
    assert type(change.value) is MessagesValue
    (contact,) = change.value.contacts
    assert contact.wa_id is not None
    assert change.value.contact_for(contact.wa_id) == contact
