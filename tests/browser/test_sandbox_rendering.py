"""Every kind the business sends is drawn in the chat; a list row arrives as a ``list_reply``."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Bot
from tests.browser.test_sandbox_page import CUSTOMER, open_chat
from tests.examples.test_examples import load_example

TEMPLATES = [{
    "name": "order_update", "language": "en_US", "status": "APPROVED",
    "components": [
        {"type": "HEADER", "format": "IMAGE"},
        {"type": "BODY", "text": "Hi {{1}}, your order of {{2}} has shipped."},
        {"type": "FOOTER", "text": "Lucky Shrub"},
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Track it"}]},
    ],
}]


def png(width: int = 96, height: int = 64) -> bytes:
    """A small green-to-white gradient PNG, written by hand (no image library)."""
    def pixel(x: int, y: int) -> bytes:
        return bytes(((37 + x) % 256, (211 - y) % 256, (102 + x) % 256))

    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.mark.sandbox(template_definitions=TEMPLATES)
async def test_every_kind_is_drawn_and_a_list_row_is_a_list_reply(
        page: Any, echo_bot: Bot, artifacts: Path) -> None:
    every_kind = load_example("send_every_kind")
    wa = echo_bot.client
    await open_chat(page, echo_bot, artifacts)
    await page.get_by_test_id("composer-input").fill("Hi! What can you send me?")
    await page.get_by_test_id("composer-send").click()
    await page.locator('[data-direction="out"][data-type="text"]').wait_for()
    media_id = await wa.media.upload(png(), mime_type="image/png", filename="shrub.png")
    await wa.messages.send_image(f"+{CUSTOMER}", media_id=media_id, caption="Our best seller")
    for _, send in every_kind.KINDS:
        await send(wa, f"+{CUSTOMER}")
    first = echo_bot.sandbox.sent[0].id
    await wa.messages.send_reaction(f"+{CUSTOMER}", first, "\N{THUMBS UP SIGN}")

    out = page.locator('[data-testid="message"][data-direction="out"]')
    # The reaction is drawn on the message it reacts to, not as a bubble of its own.
    await page.get_by_test_id("reaction").wait_for()
    assert await out.count() == len(every_kind.KINDS) + 2
    kinds = {await m.get_attribute("data-type") for m in await out.all()}
    assert kinds == {"text", "image", "video", "audio", "document", "sticker", "location",
                     "contacts", "interactive", "template"}
    interactive = {await m.get_attribute("data-interactive") for m in await out.all()}
    assert interactive >= {"button", "list", "cta_url", "flow", "product", "product_list",
                           "location_request_message"}
    # An uploaded image is previewed from the sandbox; a template is filled in.
    preview = page.locator(f'img[src="/_sandbox/media/{media_id}"]')
    assert await preview.evaluate("img => img.complete && img.naturalWidth") == 96
    template = out.and_(page.locator('[data-type="template"]'))
    assert "Hi Pablo, your order of $100.99 has shipped." in await template.inner_text()
    await page.screenshot(path=artifacts / "02-every-kind.png", full_page=True)

    await page.get_by_test_id("list-open").click()
    row = page.get_by_test_id("list-row").filter(has_text="Express")
    await row.click()
    await page.locator('[data-direction="out"]').filter(
        has_text="You picked Express (express)").wait_for()
    await page.screenshot(path=artifacts / "03-list-reply.png")
    tap = echo_bot.sandbox.inbound[-1]
    assert tap.message["interactive"] == {"type": "list_reply", "list_reply": {
        "id": "express", "title": "Express", "description": "Next day"}}


async def test_an_image_a_location_and_a_reaction_from_the_customer(
        page: Any, echo_bot: Bot, artifacts: Path, tmp_path: Path) -> None:
    await open_chat(page, echo_bot, artifacts)
    photo = tmp_path / "plant.png"
    photo.write_bytes(png())
    await page.get_by_test_id("composer-image").set_input_files(str(photo))
    # The echo bot likes images: its reaction is drawn on the customer's image.
    mine = page.locator('[data-testid="message"][data-direction="in"][data-type="image"]')
    await mine.get_by_test_id("reaction").filter(has_text="\N{THUMBS UP SIGN}").wait_for()
    image = echo_bot.sandbox.inbound[0]
    assert image.message["image"]["mime_type"] == "image/png"
    assert echo_bot.sandbox.media[image.message["image"]["id"]].data == photo.read_bytes()

    await page.get_by_test_id("composer-location").click()
    await page.get_by_test_id("location-latitude").fill("48.8584")
    await page.get_by_test_id("location-longitude").fill("2.2945")
    await page.get_by_test_id("location-name").fill("Eiffel Tower")
    await page.get_by_test_id("location-send").click()
    await page.locator('[data-direction="in"][data-type="location"]').filter(
        has_text="Eiffel Tower").wait_for()
    assert echo_bot.sandbox.inbound[1].message["location"] == {
        "latitude": 48.8584, "longitude": 2.2945, "name": "Eiffel Tower"}

    await page.get_by_test_id("composer-input").fill("Thanks!")
    await page.get_by_test_id("composer-send").click()
    answer = page.locator('[data-direction="out"][data-type="text"]').filter(has_text="Thanks!")
    await answer.hover()
    await answer.get_by_test_id("react").first.click()
    await answer.get_by_test_id("reaction").wait_for()
    await page.screenshot(path=artifacts / "02-customer-kinds.png")
    reaction = echo_bot.sandbox.inbound[-1].message
    assert reaction["type"] == "reaction"
    assert reaction["reaction"]["message_id"] == echo_bot.sandbox.sent[-1].id
