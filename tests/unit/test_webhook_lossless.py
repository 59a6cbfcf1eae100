"""No key of a webhook body is dropped: what no Struct models lands in ``unmodelled``."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest

from tests.support import FIXTURES
from whatsapp_async import InvalidPayloadError
from whatsapp_async.webhooks import (
    AccountUpdateChange,
    MessagesChange,
    TextMessage,
    UnknownChange,
    UnknownMessage,
    _lossless,
    parse_notification,
)

TEXT = json.loads((FIXTURES / "facts" / "webhooks" / "01_text_from_ctwa_ad.json").read_text())
ACCOUNT = json.loads(
    (FIXTURES / "webhooks" / "meta" / "account_update_disabled.json").read_text()
)


@pytest.fixture(autouse=True)
def fresh_reports() -> Iterator[None]:
    _lossless._reported.clear()
    yield
    _lossless._reported.clear()


def copy(payload: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(payload))
    return result


def parse(payload: dict[str, Any]) -> Any:
    return parse_notification(json.dumps(payload).encode())


def test_unknown_key_of_a_message_is_kept_with_its_path() -> None:
    payload = copy(TEXT)
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["rich"] = {"bold": [0, 4]}
    notification = parse(payload)
    [change] = notification.entry[0].changes
    assert isinstance(change, MessagesChange)
    assert isinstance(change.value.messages[0], TextMessage)
    assert change.unmodelled == {"value.messages[0].text.rich": {"bold": [0, 4]}}


def test_unknown_keys_at_every_level_are_kept() -> None:
    payload = copy(TEXT)
    payload["brand_new_top"] = True
    payload["entry"][0]["region"] = "eu"
    change = payload["entry"][0]["changes"][0]
    change["value"]["brand_new_field"] = {"a": [1, 2]}
    change["value"]["contacts"][0]["profile"]["pronouns"] = "she/her"
    change["value"]["messages"][0]["new_thing"] = "x"
    change["seq"] = 3
    notification = parse(payload)
    assert notification.unmodelled == {"brand_new_top": True}
    assert notification.entry[0].unmodelled == {"region": "eu"}
    [typed] = notification.entry[0].changes
    assert isinstance(typed.value.messages[0], TextMessage)
    assert typed.unmodelled == {
        "seq": 3,
        "value.brand_new_field": {"a": [1, 2]},
        "value.contacts[0].profile.pronouns": "she/her",
        "value.messages[0].new_thing": "x",
    }


def test_unknown_key_of_another_field_is_kept() -> None:
    payload = copy(ACCOUNT)
    payload["entry"][0]["changes"][0]["value"]["ban_info"]["appeal_url"] = "https://x.example"
    [change] = parse(payload).entry[0].changes
    assert isinstance(change, AccountUpdateChange)
    assert change.value.ban_info is not None
    assert change.value.ban_info.waba_ban_state == "DISABLE"
    assert change.unmodelled == {"value.ban_info.appeal_url": "https://x.example"}


def test_unknown_message_type_keeps_its_neighbours_extras() -> None:
    payload = copy(TEXT)
    messages = payload["entry"][0]["changes"][0]["value"]["messages"]
    messages[0]["new_thing"] = 1
    messages.append({"type": "poll_creation", "id": "wamid.P", "from": "1", "timestamp": "1",
                     "poll_creation": {"q": "?"}})
    [change] = parse(payload).entry[0].changes
    text, poll = change.value.messages
    assert isinstance(text, TextMessage) and isinstance(poll, UnknownMessage)
    assert msgspec.json.decode(poll.raw)["poll_creation"] == {"q": "?"}
    assert change.unmodelled == {"value.messages[0].new_thing": 1}


def test_documented_field_of_the_wrong_shape_is_an_unknown_change_with_reason() -> None:
    payload = copy(ACCOUNT)
    payload["entry"][0]["changes"][0]["value"]["event"] = ["not", "a", "string"]
    [change] = parse(payload).entry[0].changes
    assert isinstance(change, UnknownChange)
    assert change.field == "account_update"
    assert "event" in change.reason
    assert msgspec.json.decode(change.value)["event"] == ["not", "a", "string"]


def test_first_unmodelled_key_per_kind_is_logged_once_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    payload = copy(TEXT)
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["secret_ish"] = "content"
    caplog.set_level(logging.DEBUG, logger="whatsapp_async.webhooks")
    parse(payload)
    parse(payload)
    records = [r for r in caplog.records if "does not model" in r.getMessage()]
    assert len(records) == 1
    assert records[0].levelno == logging.DEBUG
    assert "messages.text" in records[0].getMessage()
    assert "value.messages[0].secret_ish" in records[0].getMessage()
    assert "content" not in records[0].getMessage()


def test_another_kind_is_logged_on_its_own(caplog: pytest.LogCaptureFixture) -> None:
    text = copy(TEXT)
    text["entry"][0]["changes"][0]["value"]["messages"][0]["a"] = 1
    account = copy(ACCOUNT)
    account["entry"][0]["changes"][0]["value"]["b"] = 2
    caplog.set_level(logging.DEBUG, logger="whatsapp_async.webhooks")
    parse(text)
    parse(account)
    logged = [r.getMessage() for r in caplog.records if "does not model" in r.getMessage()]
    assert len(logged) == 2
    assert "account_update" in logged[1]


def test_a_body_the_structs_model_fully_has_no_unmodelled_keys() -> None:
    notification = parse(TEXT)
    assert notification.unmodelled == {} and notification.entry[0].unmodelled == {}
    assert notification.entry[0].changes[0].unmodelled == {}


def test_a_key_beside_a_value_that_fits_is_kept_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    payload = copy(ACCOUNT)
    payload["entry"][0]["changes"][0]["sequence"] = 7
    caplog.set_level(logging.DEBUG, logger="whatsapp_async.webhooks")
    [change] = parse(payload).entry[0].changes
    assert isinstance(change, AccountUpdateChange)
    assert change.unmodelled == {"sequence": 7}
    logged = [r.getMessage() for r in caplog.records if "does not model" in r.getMessage()]
    assert len(logged) == 1 and "account_update" in logged[0] and "sequence" in logged[0]


def test_invalid_utf8_in_a_value_that_needs_the_lenient_pass_is_invalid_payload() -> None:
    # An unmodelled key sends the value down the lenient pass, whose decode then
    # meets the bad bytes: that must be the library's error, not msgspec's.
    body = (b'{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":'
            b'{"event":"APPROVED","essage_template_id":1,"message_template_name":"a\xff",'
            b'"message_template_language":"en_US","reason":"NONE"},'
            b'"field":"message_template_status_update"}]}]}')
    with pytest.raises(InvalidPayloadError):
        parse_notification(body)


def test_unmodelled_keys_of_a_messages_value_an_entry_and_the_body_are_logged_by_kind(
    caplog: pytest.LogCaptureFixture,
) -> None:
    payload = copy(TEXT)
    payload["entry"][0]["changes"][0]["value"]["zz_value"] = 1
    payload["entry"][0]["zz_entry"] = 2
    payload["zz_top"] = 3
    caplog.set_level(logging.DEBUG, logger="whatsapp_async.webhooks")
    parse(payload)
    logged = [r.getMessage() for r in caplog.records if "does not model" in r.getMessage()]
    assert [m.split(" which")[0] for m in logged] == [
        "webhook messages carries 'value.zz_value',",
        "webhook entry carries 'zz_entry',",
        "webhook notification carries 'zz_top',",
    ]
