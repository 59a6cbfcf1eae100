"""parse_notification edges found by mutation testing: what each refusal says."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import FIXTURES
from whatsapp_async.webhooks import InvalidPayloadError, parse_notification

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
