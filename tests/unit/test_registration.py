"""Registration: verification codes, register, deregister and their errors."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY, TOKEN, only_request
from whatsapp_async import (
    OutcomeUnknownError,
    RegistrationError,
    RegistrationRateLimitError,
    ValidationError,
    WhatsAppClient,
)


def sent_json(mock: aioresponses) -> tuple[str, str, Any]:
    """The one request's method, path and JSON body."""
    method, url, body = only_request(mock)
    return method, url.path, body


def graph_error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "OAuthException", "code": code,
                      "error_data": {"messaging_product": "whatsapp", "details": message},
                      "fbtrace_id": "AZ9"}}


async def test_request_code_defaults_to_sms_in_en_us() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/request_code", payload={"success": True})
            assert await wa.registration.request_code() is True
            assert sent_json(mock) == ("POST", "/v21.0/42/request_code",
                                       {"code_method": "SMS", "language": "en_US"})


async def test_request_code_by_voice_in_another_language() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/request_code", payload={"success": True})
            await wa.registration.request_code(method="VOICE", language="pt_BR")
            assert sent_json(mock)[2] == {"code_method": "VOICE", "language": "pt_BR"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"method": "EMAIL"}, "code_method"), ({"language": "english"}, "language"),
     ({"language": "en-US"}, "language")],
)
async def test_request_code_refuses_bad_input(kwargs: dict[str, str], field: str) -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await wa.registration.request_code(**kwargs)  # type: ignore[arg-type]
            assert mock.requests == {}
    assert info.value.field == field


async def test_verify_code_posts_the_code() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/verify_code", payload={"success": True, "id": "42"})
            assert await wa.registration.verify_code("246810") is True
            assert sent_json(mock) == ("POST", "/v21.0/42/verify_code", {"code": "246810"})


@pytest.mark.parametrize("code", ["24681", "2468100", "24681x"])
async def test_verify_code_refuses_anything_but_six_digits(code: str) -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await wa.registration.verify_code(code)
            assert mock.requests == {}
    assert info.value.field == "code"
    assert code not in str(info.value)


async def test_register_sends_messaging_product_and_pin() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/register", payload={"success": True})
            assert await wa.registration.register("123456") is True
            assert sent_json(mock) == ("POST", "/v21.0/42/register",
                                       {"messaging_product": "whatsapp", "pin": "123456"})


async def test_register_with_data_localization_region_upper_cases_it() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/register", payload={"success": True})
            await wa.registration.register("123456", data_localization_region="de")
            assert sent_json(mock)[2]["data_localization_region"] == "DE"


@pytest.mark.parametrize(
    ("pin", "region", "field"),
    [("12345", None, "pin"), ("123456", "DEU", "data_localization_region"),
     ("123456", "D1", "data_localization_region"), ("123456", "", "data_localization_region")],
)
async def test_register_refuses_bad_pin_or_region(pin: str, region: str | None,
                                                  field: str) -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await wa.registration.register(pin, data_localization_region=region)
            assert mock.requests == {}
    assert info.value.field == field


async def test_deregister_sends_messaging_product() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/deregister", payload={"success": True})
            assert await wa.registration.deregister() is True
            assert sent_json(mock) == ("POST", "/v21.0/42/deregister",
                                       {"messaging_product": "whatsapp"})


@pytest.mark.parametrize("call", ["register", "deregister"])
async def test_register_budget_exhausted_is_a_registration_rate_limit_error(call: str) -> None:
    async with WhatsAppClient(TOKEN, "42") as wa:  # default retry policy: must not retry
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/{call}", status=400, payload=graph_error(
                133016, "Account register/deregister rate limit exceeded"))
            with pytest.raises(RegistrationRateLimitError) as info:
                await (wa.registration.register("123456") if call == "register"
                       else wa.registration.deregister())
            assert len(next(iter(mock.requests.values()))) == 1
    assert info.value.code == 133016
    assert "123456" not in str(info.value)


async def test_pin_mismatch_on_register_is_a_registration_error() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/register", status=400,
                      payload=graph_error(133005, "Two step verification PIN Mismatch"))
            with pytest.raises(RegistrationError) as info:
                await wa.registration.register("654321")
    assert info.value.code == 133005


async def test_register_is_not_retried_when_the_outcome_is_unknown() -> None:
    # Each register call spends one of 10 per 72 h: a blind retry could waste the budget.
    async with WhatsAppClient(TOKEN, "42") as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/register", status=502, body=b"Bad Gateway")
            with pytest.raises(OutcomeUnknownError):
                await wa.registration.register("123456")
            assert len(next(iter(mock.requests.values()))) == 1
