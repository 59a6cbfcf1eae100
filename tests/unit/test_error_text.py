"""What an API error says and what it is, at the edges: details, code families, usage hints."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY
from whatsapp_async import (
    APIError,
    APIRequest,
    InvalidParameterError,
    JournalError,
    PermissionDeniedError,
    RegistrationError,
    TemplateError,
    ThroughputLimitError,
    TransportError,
    UnexpectedResponseError,
    WhatsAppClient,
)
from whatsapp_async.errors import api_error_class, build_api_error
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


# --------------------------------------------------------------------------- from an answer


async def answered(status: int, *, payload: object = None, body: bytes | None = None,
                   headers: dict[str, str] | None = None) -> APIError:
    """The error a GET of ``/1`` raises when the server answers this."""
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            if payload is not None:
                mock.get(f"{BASE}/1", status=status, payload=payload, headers=headers)
            else:
                mock.get(f"{BASE}/1", status=status, body=body or b"", headers=headers)
            with pytest.raises(APIError) as info:
                await wa.request(APIRequest("GET", ("1",), Success))
    return info.value


async def test_an_error_names_the_call_and_the_trace_id() -> None:
    err = await answered(400, payload={"error": {"code": 100, "message": "(#100) bad"}},
                         headers={"x-fb-trace-id": "TRACE9"})
    assert (err.method, err.path, err.fbtrace_id) == ("GET", "/1", "TRACE9")
    assert str(err) == "HTTP 400, code 100 on GET /1: (#100) bad [fbtrace_id=TRACE9]"


async def test_an_answer_without_a_graph_body_keeps_the_call_and_shows_the_start_of_it() -> None:
    page = b"x" * 250
    err = await answered(502, body=page, headers={"x-fb-trace-id": "TRACE8"})
    assert isinstance(err, UnexpectedResponseError)
    assert (err.method, err.path, err.fbtrace_id) == ("GET", "/1", "TRACE8")
    assert err.message == "unexpected answer without a Graph error body: " + "x" * 200


async def test_an_empty_error_answer_says_so() -> None:
    err = await answered(503, body=b"")
    assert str(err) == ("HTTP 503 on GET /1: unexpected answer without a Graph error body: "
                        "(empty body)")


async def test_an_error_body_that_is_not_utf8_is_shown_with_replacement_characters() -> None:
    err = await answered(502, body=b"bad \xff\xfe gateway")
    assert err.message.endswith("bad \ufffd\ufffd gateway")


async def test_a_graph_error_without_a_message_says_no_message() -> None:
    err = await answered(400, payload={"error": {"code": 100}})
    assert err.message == ""
    assert str(err) == "HTTP 400, code 100 on GET /1: (no message)"


async def test_the_user_facing_title_and_text_are_kept() -> None:
    err = await answered(400, payload={"error": {
        "code": 131009, "message": "(#131009) Parameter value is not valid",
        "error_user_title": "Bad number", "error_user_msg": "Check the phone number",
        "error_subcode": 2494010, "error_data": {"details": "to is invalid"},
        "is_transient": False, "type": "OAuthException",
    }})
    assert (err.user_title, err.user_message) == ("Bad number", "Check the phone number")
    assert (err.error_subcode, err.details, err.is_transient, err.type) == (
        2494010, "to is invalid", False, "OAuthException"
    )


@pytest.mark.parametrize(
    "error",
    [
        {"code": "100", "message": 5, "error_subcode": "2", "is_transient": "yes",
         "error_data": {"details": 7}, "error_user_title": 1, "fbtrace_id": 9},
        {"code": True, "message": None, "error_subcode": 1.5, "is_transient": 1,
         "error_data": {"details": ["x"]}, "error_user_title": ["t"], "fbtrace_id": None},
    ],
)
async def test_fields_of_the_wrong_type_in_an_error_body_are_dropped(
    error: dict[str, object]
) -> None:
    err = await answered(400, payload={"error": error})
    assert type(err) is APIError  # a bool is no code: True must not read as code 1
    assert (err.code, err.message, err.error_subcode, err.is_transient, err.details,
            err.user_title, err.fbtrace_id) == (None, "", None, None, None, None, None)
    assert not err.transient
    assert str(err) == "HTTP 400 on GET /1: (no message)"


async def test_a_redirect_is_an_error_naming_the_call() -> None:
    err = await answered(302, body=b"", headers={"Location": "https://example.test/"})
    assert isinstance(err, UnexpectedResponseError)
    assert (err.method, err.path) == ("GET", "/1")
    assert str(err) == ("HTTP 302 on GET /1: a redirect, not followed: API calls never "
                        "follow redirects, so the request was not processed")


# --------------------------------------------------------------------------- built directly


def test_an_error_built_without_its_call_has_empty_method_and_path() -> None:
    err = APIError(status=500)
    assert (err.method, err.path, err.message) == ("", "", "")
    assert str(err) == "HTTP 500: (no message)"
    lost = TransportError("connection reset")
    assert (lost.method, lost.path) == ("", "")


def test_build_api_error_needs_no_context() -> None:
    err = build_api_error(400, {"code": 100, "message": "bad", "fbtrace_id": "T1"})
    assert (type(err), err.message, err.fbtrace_id, err.method) == (
        InvalidParameterError, "bad", "T1", ""
    )
    bare = build_api_error(502, None)
    assert (type(bare), bare.message) == (UnexpectedResponseError, "")


def test_a_transport_error_keeps_the_call_it_was_for() -> None:
    err = TransportError("connection reset", method="POST", path="/1/messages")
    assert (err.method, err.path) == ("POST", "/1/messages")


def test_a_journal_error_keeps_the_path_of_the_file() -> None:
    err = JournalError("the disk is full", "/tmp/run.db")
    assert err.path == "/tmp/run.db"
