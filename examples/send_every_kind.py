"""Send one message of every kind the Cloud API accepts, then mark one read.

By default it runs with no account and no network: it starts the library's
local fake Cloud API (``whatsapp_async.testing.FakeCloudAPI``) on 127.0.0.1,
sends to it, and prints the JSON body the fake received for each message::

    python examples/send_every_kind.py

Point it at another local server (for example a Prism mock of Meta's OpenAPI
description, ``prism mock <spec file>``, which listens on
``http://127.0.0.1:4010``) with::

    python examples/send_every_kind.py --base-url http://127.0.0.1:4010 \\
        --token test-token --phone-number-id 1234567890 --to +16505551234

Plain http is accepted only for loopback hosts, so the token never leaves the
machine in clear text. Against Meta itself, pass ``--base-url
https://graph.facebook.com/v21.0``, a real token, number id and recipient (the
media ids, catalog, Flow and templates below are placeholders you must replace).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable

from whatsapp_async import SentMessage, Template, WhatsAppClient
from whatsapp_async.types.messages import (
    BodyComponent,
    ButtonComponent,
    Contact,
    ContactName,
    ContactPhone,
    Currency,
    CurrencyParameter,
    HeaderComponent,
    Image,
    ImageHeader,
    ImageParameter,
    Language,
    ListRow,
    ListSection,
    PayloadParameter,
    ProductItem,
    ProductSection,
    ReplyButton,
    TextParameter,
)

Send = Callable[[WhatsAppClient, str], Awaitable[SentMessage]]

PHOTO = "https://example.com/images/shrub.jpg"

KINDS: list[tuple[str, Send]] = [
    ("text", lambda wa, to: wa.messages.send_text(to, "Hello from whatsapp-async!")),
    ("image", lambda wa, to: wa.messages.send_image(to, link=PHOTO, caption="Our best seller")),
    ("video", lambda wa, to: wa.messages.send_video(
        to, link="https://example.com/videos/repotting.mp4", caption="Repotting in 60 s")),
    ("audio", lambda wa, to: wa.messages.send_audio(
        to, link="https://example.com/audio/welcome.ogg")),
    ("document", lambda wa, to: wa.messages.send_document(
        to, link="https://example.com/docs/invoice.pdf", filename="invoice.pdf",
        caption="Your invoice")),
    ("sticker", lambda wa, to: wa.messages.send_sticker(
        to, link="https://example.com/stickers/cactus.webp")),
    ("location", lambda wa, to: wa.messages.send_location(
        to, 37.758056, -122.425332, name="META HQ", address="1 Hacker Way, Menlo Park")),
    ("contacts", lambda wa, to: wa.messages.send_contacts(to, [Contact(
        name=ContactName(formatted_name="Ann Lee", first_name="Ann", last_name="Lee"),
        phones=[ContactPhone(phone="+1 (650) 555-0199", type="CELL", wa_id="16505550199")],
    )])),
    ("reply buttons", lambda wa, to: wa.messages.send_reply_buttons(
        to, "Your workshop is tomorrow at 9am.",
        [ReplyButton(id="keep", title="Keep it"), ReplyButton(id="move", title="Reschedule")],
        header=ImageHeader(image=Image(link=PHOTO)), footer="Lucky Shrub")),
    ("list", lambda wa, to: wa.messages.send_list(
        to, "Which shipping option do you prefer?", button="Shipping options",
        sections=[
            ListSection(title="Fast", rows=[
                ListRow(id="express", title="Express", description="Next day")]),
            ListSection(title="Cheap", rows=[
                ListRow(id="ground", title="Ground", description="2-5 days")]),
        ], header="Shipping", footer="Prices include VAT")),
    ("cta_url", lambda wa, to: wa.messages.send_cta_url(
        to, "See the dates that are still free.", display_text="See dates",
        url="https://example.com/dates")),
    ("flow", lambda wa, to: wa.messages.send_flow(
        to, "Book an appointment in a few taps.", flow_cta="Book now",
        flow_id="1234567890123456", flow_token="session-42", screen="APPOINTMENT",
        data={"service": "repotting"})),
    ("product", lambda wa, to: wa.messages.send_product(
        to, catalog_id="367025965434465", product_retailer_id="cactus-01",
        body="Our best seller this week")),
    ("product_list", lambda wa, to: wa.messages.send_product_list(
        to, "Pick your favourites.", header="Succulents", catalog_id="367025965434465",
        sections=[ProductSection(title="Cacti", product_items=[
            ProductItem(product_retailer_id="cactus-01"),
            ProductItem(product_retailer_id="cactus-02")])])),
    ("location request", lambda wa, to: wa.messages.send_location_request(
        to, "Where should we pick up your parcel?")),
    ("template", lambda wa, to: wa.messages.send(to, Template(
        name="order_update",
        language=Language(code="en_US"),
        components=[
            HeaderComponent(parameters=[ImageParameter(image=Image(link=PHOTO))]),
            BodyComponent(parameters=[
                TextParameter(text="Pablo"),
                CurrencyParameter(currency=Currency(
                    fallback_value="$100.99", code="USD", amount_1000=100990)),
            ]),
            ButtonComponent(sub_type="quick_reply", index="0",
                            parameters=[PayloadParameter(payload="TRACK_ORDER")]),
        ],
    ))),
]


async def send_all(wa: WhatsAppClient, to: str) -> list[SentMessage]:
    """Send every kind to ``to``, then react to the first message and remove it."""
    sent: list[SentMessage] = []
    for label, send in KINDS:
        result = await send(wa, to)
        print(f"{label:>16}: {result.message_id}")
        sent.append(result)
    first = sent[0].message_id
    sent.append(await wa.messages.send_reaction(to, first, "\N{THUMBS UP SIGN}"))
    print(f"{'reaction':>16}: {sent[-1].message_id}")
    sent.append(await wa.messages.remove_reaction(to, first))
    print(f"{'remove reaction':>16}: {sent[-1].message_id}")
    return sent


async def against_fake(to: str) -> None:
    from whatsapp_async.testing import FakeCloudAPI

    async with FakeCloudAPI() as fake, WhatsAppClient(
        fake.access_token, fake.phone_number_id, base_url=fake.base_url
    ) as wa:
        await send_all(wa, to)
        # An inbound message's wamid would go here; the fake accepts any wamid.
        print("mark_read:", await wa.messages.mark_read(fake.sent[0].id, typing_indicator=True))
        print("\nWhat the fake received (first two bodies):")
        for record in fake.sent[:2]:
            print(json.dumps(record.body, ensure_ascii=False))


async def against_server(base_url: str, token: str, number: str, to: str) -> None:
    async with WhatsAppClient(token, number, base_url=base_url) as wa:
        await send_all(wa, to)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="full API prefix of a local server; default: "
                        "start the built-in FakeCloudAPI")
    parser.add_argument("--token", default="test-token")
    parser.add_argument("--phone-number-id", default="1234567890")
    parser.add_argument("--to", default="+1 (650) 555-1234",
                        help="recipient; sent on the wire as +<digits>")
    args = parser.parse_args()
    if args.base_url:
        asyncio.run(against_server(args.base_url, args.token, args.phone_number_id, args.to))
    else:
        asyncio.run(against_fake(args.to))


if __name__ == "__main__":
    main()
