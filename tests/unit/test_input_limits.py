"""Limits the API enforces and the client now enforces too, in agreement with the fake.

Each limit is checked three ways: the client accepts a value at the limit,
refuses one over it with a ValidationError naming the wire field, and the
fake's own body check (``testing._validate.check_send``) draws the line at
the same place. Where each limit comes from is noted in ``limits.py`` and
``_validation.ID_MAX``.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from aioresponses import aioresponses

from tests.support import NO_RETRY, PHONE_NUMBER_ID, TOKEN
from whatsapp_async import ValidationError, WhatsAppClient
from whatsapp_async._codec import encode
from whatsapp_async._validation import ID_MAX
from whatsapp_async.request import check_segment
from whatsapp_async.testing._graph import GraphError
from whatsapp_async.testing._validate import check_send
from whatsapp_async.types.messages import (
    DOCUMENT_FILENAME_MAX,
    LOCATION_ADDRESS_MAX,
    LOCATION_NAME_MAX,
    Document,
    Image,
    Location,
    Message,
    Product,
    Reaction,
    Text,
    build_request,
)

TO = "+15551234567"


def wamid(length: int) -> str:
    return ("wamid." + "A" * length)[:length]


def _wire(message: Message, **options: Any) -> dict[str, Any]:
    """The send body the client builds, as the fake receives it."""
    raw: dict[str, Any] = msgspec.json.decode(encode(build_request(TO, message, **options)))
    return raw


def _fake_accepts(body: dict[str, Any]) -> bool:
    try:
        check_send(body)
    except GraphError:
        return False
    return True


def _client_refusal(message: Message, **options: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        build_request(TO, message, **options)
    return info.value


def test_the_limits_are_the_documented_ones() -> None:
    assert (ID_MAX, DOCUMENT_FILENAME_MAX, LOCATION_NAME_MAX, LOCATION_ADDRESS_MAX) == (
        256, 240, 1000, 1000
    )


# ------------------------------------------------------------------ ids


def test_a_reaction_message_id_over_256_characters_is_refused_by_both() -> None:
    at_limit = Reaction(message_id=wamid(ID_MAX), emoji="👍")
    assert _fake_accepts(_wire(at_limit))
    over = Reaction(message_id=wamid(ID_MAX + 1), emoji="👍")
    refusal = _client_refusal(over)
    assert refusal.field == "reaction.message_id"
    assert "at most 256" in refusal.rule
    body = _wire(at_limit)
    body["reaction"]["message_id"] = wamid(ID_MAX + 1)
    assert not _fake_accepts(body)


def test_a_reply_to_id_over_256_characters_is_refused_by_both() -> None:
    assert _fake_accepts(_wire(Text(body="hi"), reply_to=wamid(ID_MAX)))
    assert _client_refusal(Text(body="hi"), reply_to=wamid(ID_MAX + 1)).field == (
        "context.message_id"
    )
    body = _wire(Text(body="hi"), reply_to=wamid(ID_MAX))
    body["context"]["message_id"] = wamid(ID_MAX + 1)
    assert not _fake_accepts(body)


async def test_mark_read_refuses_a_5000_character_message_id_before_any_request() -> None:
    with aioresponses() as mock:
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, retry=NO_RETRY) as wa:
            with pytest.raises(ValidationError) as info:
                await wa.messages.mark_read(wamid(5000))
            with pytest.raises(ValidationError):
                await wa.messages.send_reaction(TO, wamid(5000), "👍")
            with pytest.raises(ValidationError):
                await wa.messages.remove_reaction(TO, wamid(5000))
        assert not mock.requests
    assert info.value.field == "message_id"
    read = {"messaging_product": "whatsapp", "status": "read"}
    assert _fake_accepts({**read, "message_id": wamid(ID_MAX)})
    assert not _fake_accepts({**read, "message_id": wamid(ID_MAX + 1)})


def test_media_and_catalog_ids_over_256_characters_are_refused_by_both() -> None:
    image = Image(id="1" * ID_MAX)
    assert _fake_accepts(_wire(image))
    assert _client_refusal(Image(id="1" * (ID_MAX + 1))).field == "image.id"
    body = _wire(image)
    body["image"]["id"] = "1" * (ID_MAX + 1)
    assert not _fake_accepts(body)
    product = Product.create(catalog_id="c" * ID_MAX, product_retailer_id="p" * ID_MAX)
    assert _fake_accepts(_wire(product))
    for key in ("catalog_id", "product_retailer_id"):
        assert _client_refusal(
            Product.create(**{"catalog_id": "c", "product_retailer_id": "p", key: "x" * 257})
        ).field == f"interactive.action.{key}"
        body = _wire(product)
        body["interactive"]["action"][key] = "x" * (ID_MAX + 1)
        assert not _fake_accepts(body)


def test_a_path_segment_over_256_characters_is_refused() -> None:
    assert check_segment("media_id", "1" * ID_MAX) == "1" * ID_MAX
    with pytest.raises(ValidationError) as info:
        check_segment("media_id", "1" * (ID_MAX + 1))
    assert info.value.field == "media_id"
    assert "at most 256" in info.value.rule


async def test_a_5000_character_path_id_is_refused_before_any_request() -> None:
    with aioresponses() as mock:
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, retry=NO_RETRY) as wa:
            for call in (wa.media.get, wa.media.delete, wa.qr_codes.get, wa.qr_codes.delete):
                with pytest.raises(ValidationError):
                    await call("1" * 5000)
            with pytest.raises(ValidationError) as info:
                wa.for_number("1" * 5000)
        assert not mock.requests
    assert info.value.field == "phone_number_id"


# ------------------------------------------------------------------ document filename


@pytest.mark.parametrize("kind", ["link", "id"])
def test_a_document_filename_over_240_characters_is_refused_by_both(kind: str) -> None:
    source = {"link": "https://example.com/a.pdf"} if kind == "link" else {"id": "1"}
    name = "a" * (DOCUMENT_FILENAME_MAX - 4) + ".pdf"
    at_limit = Document(**source, filename=name)
    assert len(name) == 240 and _fake_accepts(_wire(at_limit))
    refusal = _client_refusal(Document(**source, filename="a" + name))
    assert refusal.field == "document.filename"
    assert "at most 240" in refusal.rule
    body = _wire(at_limit)
    body["document"]["filename"] = "a" + name
    assert not _fake_accepts(body)


# ------------------------------------------------------------------ location name and address


@pytest.mark.parametrize("part", ["name", "address"])
def test_a_location_name_or_address_over_1000_characters_is_refused_by_both(part: str) -> None:
    at_limit = Location(latitude=1, longitude=2, **{part: "x" * 1000})
    assert _fake_accepts(_wire(at_limit))
    refusal = _client_refusal(Location(latitude=1, longitude=2, **{part: "x" * 1001}))
    assert refusal.field == f"location.{part}"
    assert "at most 1000" in refusal.rule
    body = _wire(at_limit)
    body["location"][part] = "x" * 1001
    assert not _fake_accepts(body)


# ------------------------------------------------------------------ keycap emoji


@pytest.mark.parametrize("keycap", ["1\ufe0f\u20e3", "0\u20e3", "#\ufe0f\u20e3", "*\u20e3"])
def test_a_keycap_is_one_emoji_for_the_client_and_the_fake(keycap: str) -> None:
    reaction = Reaction(message_id=wamid(40), emoji=keycap)
    reaction.validate()
    assert _fake_accepts(_wire(reaction))


@pytest.mark.parametrize("text", ["1", "12\u20e3", "a\ufe0f\u20e3", "1\ufe0f\u20e3 ok"])
def test_digits_and_text_are_not_an_emoji_for_either(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        Reaction(message_id=wamid(40), emoji=text).validate()
    assert info.value.field == "reaction.emoji"
    body = _wire(Reaction(message_id=wamid(40), emoji="👍"))
    body["reaction"]["emoji"] = text
    assert not _fake_accepts(body)
