"""QR codes: create, list (with pages), get (flat or wrapped), update, delete."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY, TOKEN, only_request
from whatsapp_async import QrCode, ValidationError, WhatsAppClient

CODE = {
    "code": "ANED2T5QRU7HG1",
    "prefilled_message": "Show me Cyber Monday deals!",
    "deep_link_url": "https://wa.me/message/ANED2T5QRU7HG1",
    "qr_image_url": "https://scontent.xx.fbcdn.net/m1/qr.svg",
}
EXPECTED = QrCode(
    code="ANED2T5QRU7HG1", prefilled_message="Show me Cyber Monday deals!",
    deep_link_url="https://wa.me/message/ANED2T5QRU7HG1",
    qr_image_url="https://scontent.xx.fbcdn.net/m1/qr.svg",
)


async def test_create_posts_message_and_image_format() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/message_qrdls", payload=CODE)
            code = await wa.qr_codes.create("Show me Cyber Monday deals!", image_format="PNG")
            method, url, body = only_request(mock)
    assert (method, url.path) == ("POST", "/v21.0/42/message_qrdls")
    assert body == {"prefilled_message": "Show me Cyber Monday deals!",
                    "generate_qr_image": "PNG"}
    assert code == EXPECTED


async def test_create_defaults_to_svg() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/message_qrdls", payload=CODE)
            await wa.qr_codes.create("Hi")
            assert only_request(mock)[2]["generate_qr_image"] == "SVG"


@pytest.mark.parametrize(
    ("message", "image_format", "field"),
    [("", "SVG", "prefilled_message"), ("x" * 141, "SVG", "prefilled_message"),
     ("Hi", "GIF", "generate_qr_image")],
)
async def test_create_refuses_bad_input(message: str, image_format: str, field: str) -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await wa.qr_codes.create(message, image_format=image_format)  # type: ignore[arg-type]
            assert mock.requests == {}
    assert info.value.field == field


async def test_create_accepts_140_characters() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/message_qrdls", payload=CODE)
            code = await wa.qr_codes.create("x" * 140)
            method, url, body = only_request(mock)
    assert (method, url.path) == ("POST", "/v21.0/42/message_qrdls")
    assert body == {"prefilled_message": "x" * 140, "generate_qr_image": "SVG"}
    assert code == EXPECTED


async def test_list_follows_pages_until_there_is_no_next() -> None:
    second = {**CODE, "code": "BBBBBBBBBBBBBB"}
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/42/message_qrdls", payload={
                "data": [CODE],
                "paging": {"cursors": {"before": "b1", "after": "a1"},
                           "next": f"{BASE}/42/message_qrdls?after=a1"}})
            mock.get(f"{BASE}/42/message_qrdls?after=a1", payload={
                "data": [second], "paging": {"cursors": {"before": "b2", "after": "a2"}}})
            codes = await wa.qr_codes.list()
            urls = [str(url) for (_, url) in mock.requests]
    assert [c.code for c in codes] == ["ANED2T5QRU7HG1", "BBBBBBBBBBBBBB"]
    assert urls == [f"{BASE}/42/message_qrdls", f"{BASE}/42/message_qrdls?after=a1"]


async def test_list_can_ask_for_image_urls() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/42/message_qrdls?fields=code,prefilled_message,deep_link_url,"
                     "qr_image_url.format(PNG)", payload={"data": [CODE]})
            assert await wa.qr_codes.list(image_format="PNG") == [EXPECTED]


@pytest.mark.parametrize("answer", [CODE, {"data": [CODE]}], ids=["flat", "wrapped"])
async def test_get_reads_flat_and_wrapped_answers(answer: dict[str, Any]) -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/42/message_qrdls/ANED2T5QRU7HG1", payload=answer)
            assert await wa.qr_codes.get("ANED2T5QRU7HG1") == EXPECTED
            assert only_request(mock)[0] == "GET"


async def test_update_posts_the_new_message_to_the_code() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/message_qrdls/ANED2T5QRU7HG1",
                      payload={**CODE, "prefilled_message": "New text"})
            code = await wa.qr_codes.update("ANED2T5QRU7HG1", "New text")
            method, url, body = only_request(mock)
    assert (method, url.path) == ("POST", "/v21.0/42/message_qrdls/ANED2T5QRU7HG1")
    assert body == {"prefilled_message": "New text"}
    assert code.prefilled_message == "New text"


async def test_update_refuses_a_too_long_message() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await wa.qr_codes.update("ANED2T5QRU7HG1", "x" * 141)
            assert mock.requests == {}
    assert info.value.field == "prefilled_message"


async def test_delete_returns_success() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.delete(f"{BASE}/42/message_qrdls/ANED2T5QRU7HG1", payload={"success": True})
            assert await wa.qr_codes.delete("ANED2T5QRU7HG1") is True
            method, url, _ = only_request(mock)
    assert (method, url.path) == ("DELETE", "/v21.0/42/message_qrdls/ANED2T5QRU7HG1")


@pytest.mark.parametrize("call", ["get", "delete", "update"])
async def test_code_that_could_rewrite_the_path_is_refused(call: str) -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            args: tuple[str, ...] = ("../../1/messages",)
            if call == "update":
                args += ("Hi",)
            with pytest.raises(ValidationError) as info:
                await getattr(wa.qr_codes, call)(*args)
            assert mock.requests == {}
    assert info.value.field == "code"
