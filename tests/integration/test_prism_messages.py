"""Conformance: every message kind the library sends is accepted by a Prism mock of the spec.

Prism validates each request body against ``whatsapp_async.testing.OPENAPI_SPEC``
(required fields, enums, lengths, ranges, URI/email formats) and answers 2xx only
when it conforms. A refusal is reported with Prism's own reasons (the
``sl-violations`` header), fetched by replaying the same bytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import msgspec
import pytest
from aioresponses import aioresponses

from tests.support import BASE, PHONE_NUMBER_ID, TOKEN, load_fixture
from tests.unit.test_messages_send import WIRE_CASES, Call
from whatsapp_async import APIError, RetryPolicy, WhatsAppClient
from whatsapp_async.types.messages import SentMessage

INBOUND = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA="


@pytest.fixture
async def wa(prism_url: str) -> AsyncIterator[WhatsAppClient]:
    # Quirk 5: Prism serves the paths at the root, so the base URL has no version.
    async with WhatsAppClient(
        access_token=TOKEN, phone_number_id=PHONE_NUMBER_ID, base_url=prism_url,
        retry=RetryPolicy.disabled(),
    ) as client:
        yield client


async def prism_violations(prism_url: str, body: bytes) -> tuple[int, str | None]:
    async with aiohttp.ClientSession() as session, session.post(
        f"{prism_url}/{PHONE_NUMBER_ID}/messages", data=body,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    ) as resp:
        return resp.status, resp.headers.get("sl-violations")


@pytest.mark.parametrize(("fixture", "call"), WIRE_CASES)
async def test_every_message_kind_conforms_to_the_spec(
    wa: WhatsAppClient, prism_url: str, fixture: str, call: Call
) -> None:
    try:
        sent = await call(wa)
    except APIError as exc:
        # The fixture is the exact body the library sent (checked by the unit tests).
        body = msgspec.json.encode(load_fixture(f"messages/{fixture}.json"))
        status, violations = await prism_violations(prism_url, body)
        pytest.fail(f"Prism refused {fixture} ({exc}); HTTP {status}, violations: {violations}")

    assert isinstance(sent, SentMessage)
    assert sent.message_id


async def test_mark_read_against_a_recorded_answer() -> None:
    # Not sent to Prism on purpose (conformance README, quirk 4): the seed spec's
    # SendMessageRequest requires `to` and `type`, but Meta's documented read
    # receipt has neither, so Prism answers 400 to a correct body. The body is
    # checked against Meta's example and the answer is Meta's recorded one.
    endpoint = f"{BASE}/{PHONE_NUMBER_ID}/messages"
    with aioresponses() as api:
        api.post(endpoint, payload=load_fixture("messages/response_mark_read.json"))
        async with WhatsAppClient(
            access_token=TOKEN, phone_number_id=PHONE_NUMBER_ID,
            retry=RetryPolicy.disabled(),
        ) as wa:
            ok = await wa.messages.mark_read(INBOUND, typing_indicator=True)
        (call,) = next(iter(api.requests.values()))

    assert ok is True
    assert msgspec.json.decode(call.kwargs["data"]) == load_fixture(
        "messages/mark_read_typing.json"
    )


async def test_the_mock_does_refuse_a_body_that_breaks_the_spec(prism_url: str) -> None:
    # Guards the test above against passing vacuously: a body the library would
    # refuse (latitude out of range), built by hand, is refused by Prism too.
    body = load_fixture("messages/location.json")
    body["location"]["latitude"] = 91

    status, violations = await prism_violations(prism_url, msgspec.json.encode(body))

    assert status == 400
    assert "latitude" in violations
