"""Phone numbers: reading the number's node and setting the two-step PIN."""

from __future__ import annotations

import logging

import pytest
import rich.pretty
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY, TOKEN, only_request
from whatsapp_async import (
    APIError,
    ConfigurationError,
    PhoneNumber,
    Throughput,
    ValidationError,
    WhatsAppClient,
)
from whatsapp_async.types.phone_numbers import (
    RegisterRequest,
    TwoStepPinRequest,
    VerifyCodeRequest,
)

NODE = {
    "id": "1234567890",
    "verified_name": "Jasper's Market",
    "display_phone_number": "+1 555-025-3483",
    "quality_rating": "GREEN",
    "code_verification_status": "VERIFIED",
    "platform_type": "CLOUD_API",
    "throughput": {"level": "STANDARD"},
    "is_official_business_account": False,
    "name_status": "APPROVED",
    "status": "CONNECTED",
    "webhook_configuration": {"application": "https://example.com/hook"},  # unknown: ignored
}


async def test_get_asks_for_all_known_fields_and_decodes_the_node() -> None:
    async with WhatsAppClient(TOKEN, "1234567890", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1234567890?fields=id,verified_name,display_phone_number,"
                     "quality_rating,code_verification_status,platform_type,throughput,"
                     "is_official_business_account,name_status,status", payload=NODE)
            number = await wa.phone_numbers.get()
            ((method, url),) = mock.requests
    assert method == "GET" and url.path == "/v21.0/1234567890"
    assert number == PhoneNumber(
        id="1234567890", verified_name="Jasper's Market", display_phone_number="+1 555-025-3483",
        quality_rating="GREEN", code_verification_status="VERIFIED", platform_type="CLOUD_API",
        throughput=Throughput(level="STANDARD"), is_official_business_account=False,
        name_status="APPROVED", status="CONNECTED",
    )
    assert number.throughput_level == "STANDARD"


async def test_get_with_chosen_fields_leaves_the_rest_none() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/42?fields=throughput", payload={"throughput": {"level": "HIGH"},
                                                              "id": "42"})
            number = await wa.phone_numbers.get(fields=["throughput"])
    assert number.throughput_level == "HIGH"
    assert number.verified_name is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [("id,status", "fields"), ([], "fields"), (["id", "status&x=1"], "fields[1]")],
)
async def test_get_refuses_malformed_fields(fields: object, field: str) -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await wa.phone_numbers.get(fields=fields)  # type: ignore[arg-type]
            assert mock.requests == {}
    assert info.value.field == field


async def test_get_needs_a_phone_number_id() -> None:
    async with WhatsAppClient(TOKEN, retry=NO_RETRY) as wa:
        with pytest.raises(ConfigurationError):
            await wa.phone_numbers.get()


async def test_set_two_step_pin_posts_the_pin_to_the_number_node() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42", payload={"success": True})
            assert await wa.phone_numbers.set_two_step_pin("150954") is True
            method, url, body = only_request(mock)
    assert (method, url.path) == ("POST", "/v21.0/42")
    assert body == {"pin": "150954"}


@pytest.mark.parametrize("pin", ["12345", "1234567", "12345a", "١٢٣٤٥٦", " 12345", ""])
async def test_set_two_step_pin_refuses_anything_but_six_digits_without_echoing_it(
    pin: str,
) -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await wa.phone_numbers.set_two_step_pin(pin)
            assert mock.requests == {}
    assert info.value.field == "pin"
    if pin.strip():
        assert pin.strip() not in str(info.value)


async def test_pin_never_appears_in_api_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="whatsapp_async")
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42", status=400, payload={"error": {
                "message": "(#133005) Two step verification PIN Mismatch", "type": "OAuthException",
                "code": 133005, "fbtrace_id": "AbC"}})
            with pytest.raises(APIError) as info:
                await wa.phone_numbers.set_two_step_pin("918273")
    assert info.value.code == 133005
    assert "918273" not in str(info.value) and "918273" not in repr(info.value)
    assert "918273" not in caplog.text
    assert caplog.records  # the request itself was logged


@pytest.mark.parametrize(
    "body",
    [
        TwoStepPinRequest(pin="918273"),
        VerifyCodeRequest(code="918273"),
        RegisterRequest(messaging_product="whatsapp", pin="918273"),
    ],
    ids=["two-step-pin", "verify-code", "register"],
)
def test_secret_bodies_hide_the_secret_from_rich_pretty_printing(body: object) -> None:
    # rich (the CLI's dependency) renders Structs through __rich_repr__, not __repr__.
    assert "918273" not in rich.pretty.pretty_repr(body)
