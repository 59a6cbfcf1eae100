"""What an API error says and what it is, at the edges: details, code families, usage hints."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY
from whatsapp_async import (
    APIError,
    APIRequest,
    InvalidParameterError,
    PermissionDeniedError,
    RegistrationError,
    TemplateError,
    ThroughputLimitError,
    WhatsAppClient,
)
from whatsapp_async.errors import api_error_class
from whatsapp_async.types.common import Success

SEND = APIRequest("POST", ("1", "messages"), Success, phone_number_id="1")


def test_details_follow_the_message_in_the_text() -> None:
    err = APIError(status=400, code=100, message="(#100) Invalid parameter",
                   details="to must be a phone number")
    assert str(err) == "HTTP 400, code 100: (#100) Invalid parameter: to must be a phone number"


def test_details_already_in_the_message_are_not_repeated() -> None:
    err = APIError(status=400, code=131009, message="(#131009) Parameter value is not valid: "
                   "bad to", details="bad to")
    assert str(err).count("bad to") == 1


def test_an_error_without_details_says_nothing_of_them() -> None:
    err = APIError(status=400, code=100, message="Invalid parameter")
    assert str(err) == "HTTP 400, code 100: Invalid parameter"


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (199, APIError), (200, PermissionDeniedError), (299, PermissionDeniedError),
        (300, APIError),
        (131999, APIError), (132002, TemplateError), (132999, TemplateError),
        (133001, RegistrationError), (133999, RegistrationError), (134000, APIError),
    ],
)
def test_code_families_end_at_their_bounds(code: int, cls: type[APIError]) -> None:
    assert api_error_class(code) is cls


@pytest.mark.parametrize(
    "header",
    ['{"1":[{"estimated_time_to_regain_access":', "not json", "[1, 2]", '{"1": 5}',
     '{"1": [7, {"estimated_time_to_regain_access": "soon"}]}', ""],
)
async def test_a_malformed_usage_header_gives_the_error_without_a_hint(header: str) -> None:
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", status=400,
                      payload={"error": {"code": 130429, "message": "(#130429) Rate limit hit"}},
                      headers={"X-Business-Use-Case-Usage": header})
            with pytest.raises(ThroughputLimitError) as info:
                await wa.request(SEND)
    assert info.value.retry_after is None
    assert info.value.code == 130429


async def test_the_longest_wait_in_the_usage_header_is_the_hint() -> None:
    usage = ('{"1":[{"estimated_time_to_regain_access":1},{"estimated_time_to_regain_access":0}],'
             '"2":[{"estimated_time_to_regain_access":4}]}')
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", status=400,
                      payload={"error": {"code": 100, "message": "Invalid parameter"}},
                      headers={"X-Business-Use-Case-Usage": usage})
            with pytest.raises(InvalidParameterError) as info:
                await wa.request(SEND)
    assert info.value.retry_after == 240.0
