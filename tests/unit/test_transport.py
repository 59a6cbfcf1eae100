"""Transport: URLs, path-segment checks, auth, codec round trip, error mapping."""

from __future__ import annotations

import asyncio

import aiohttp
import msgspec
import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY
from whatsapp_async import (
    APIError,
    ConnectError,
    ConnectionLostError,
    OutcomeUnknownError,
    RequestTimeout,
    UnexpectedResponseError,
    ValidationError,
    WhatsAppClient,
)
from whatsapp_async._transport import check_segment
from whatsapp_async.types.common import Success


class Echo(msgspec.Struct, kw_only=True, omit_defaults=True):
    name: str
    count: int | msgspec.UnsetType = msgspec.UNSET
    tags: list[str] = msgspec.field(default_factory=list)


class EchoReply(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    nested: Echo


@pytest.mark.parametrize("good", ["123", "wamid.HBgL-AbC_1=", "a:b~c", "1.2"])
def test_safe_segments_pass(good: str) -> None:
    assert check_segment("id", good) == good


@pytest.mark.parametrize(
    "bad", ["", ".", "..", "1/2", "1?x=1", "1#f", "1%2F", "a b", "a\tb", "a\nb", "ü", "../x"]
)
def test_unsafe_segments_refused(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_segment("media_id", bad)
    assert info.value.field == "media_id"


def test_non_string_segment_refused() -> None:
    with pytest.raises(ValidationError, match="string"):
        check_segment("media_id", 123)  # type: ignore[arg-type]


async def test_url_is_base_plus_segments_and_token_is_bearer() -> None:
    async with WhatsAppClient("tok-123", "999", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/999/whatsapp_business_profile?fields=about",
                     payload={"success": True})
            await wa.messages._request(
                "GET", "999", "whatsapp_business_profile", params={"fields": "about"},
                cast_to=Success,
            )
            (method, url), calls = next(iter(mock.requests.items()))
            assert method == "GET"
            assert str(url) == f"{BASE}/999/whatsapp_business_profile?fields=about"
            assert calls[0].kwargs["headers"]["Authorization"] == "Bearer tok-123"


async def test_struct_body_encoded_and_answer_decoded() -> None:
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(
                f"{BASE}/1/things",
                body=b'{"id":"x1","nested":{"name":"n","tags":["a"]},"unknown_field":7}',
                content_type="application/json",
            )
            reply = await wa.messages._request(
                "POST", "1", "things", body=Echo(name="n"), cast_to=EchoReply
            )
            call = next(iter(mock.requests.values()))[0]
            assert call.kwargs["data"] == b'{"name":"n"}'  # UNSET and defaults omitted
            assert call.kwargs["headers"]["Content-Type"] == "application/json"
    assert reply == EchoReply(id="x1", nested=Echo(name="n", tags=["a"]))


async def test_undecodable_success_answer_is_an_unexpected_response() -> None:
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", body=b"<html>hi</html>", status=200)
            with pytest.raises(UnexpectedResponseError, match="could not read"):
                await wa.messages._request("GET", "1", cast_to=Success)


async def test_error_without_graph_body_keeps_status_and_snippet() -> None:
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", body=b"Bad Gateway from proxy", status=502)
            with pytest.raises(UnexpectedResponseError) as info:
                await wa.messages._request("GET", "1", cast_to=Success)
    assert info.value.status == 502
    assert "Bad Gateway from proxy" in str(info.value)
    assert info.value.code is None


async def test_empty_error_body_still_gives_a_useful_error() -> None:
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.delete(f"{BASE}/1", body=b"", status=404)
            with pytest.raises(UnexpectedResponseError, match="empty body"):
                await wa.messages._request("DELETE", "1", cast_to=Success)


async def test_trace_id_header_and_buc_retry_hint_reach_the_error() -> None:
    usage = (
        '{"102290129340398":[{"type":"whatsapp","call_count":100,'
        '"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":3}]}'
    )
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(
                f"{BASE}/1", status=400,
                payload={"error": {"message": "(#4) Application request limit reached",
                                   "code": 4, "type": "OAuthException"}},
                headers={"x-fb-trace-id": "TRACE1", "X-Business-Use-Case-Usage": usage},
            )
            with pytest.raises(APIError) as info:
                await wa.messages._request("GET", "1", cast_to=Success)
    assert info.value.fbtrace_id == "TRACE1"
    assert info.value.retry_after == 180.0


@pytest.mark.parametrize(
    ("exc", "expected", "sent"),
    [
        (aiohttp.ClientConnectorError(
            aiohttp.client_reqrep.ConnectionKey("h", 1, True, True, None, None, None),
            OSError(111, "refused")), ConnectError, False),
        (aiohttp.ConnectionTimeoutError("pool"), ConnectError, False),
        (asyncio.TimeoutError(), RequestTimeout, True),
        (aiohttp.ServerDisconnectedError(), ConnectionLostError, True),
    ],
)
async def test_transport_failures_map_to_typed_errors(
    exc: BaseException, expected: type[Exception], sent: bool
) -> None:
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", exception=exc)
            with pytest.raises(expected) as info:
                await wa.messages._request("GET", "1", cast_to=Success)
    assert getattr(info.value, "may_have_been_sent") is sent  # noqa: B009


async def test_send_with_unknown_outcome_says_it_may_have_been_sent() -> None:
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", exception=asyncio.TimeoutError())
            with pytest.raises(OutcomeUnknownError, match="may have been sent") as info:
                await wa.messages._request("POST", "1", "messages", cast_to=Success,
                                           throttle=True)
    assert isinstance(info.value.__cause__, RequestTimeout)


async def test_multipart_body_sent_as_form_data() -> None:
    from whatsapp_async._transport import FilePart, Multipart

    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/media", payload={"success": True})
            await wa.media._request(
                "POST", "1", "media", cast_to=Success,
                multipart=Multipart(
                    fields={"messaging_product": "whatsapp", "type": "image/png"},
                    files=[FilePart("file", "a.png", "image/png", open=lambda: b"\x89PNG")],
                ),
            )
            call = next(iter(mock.requests.values()))[0]
    form = call.kwargs["data"]
    assert isinstance(form, aiohttp.FormData)
    names = [options["name"] for options, _headers, _value in form._fields]
    assert names == ["messaging_product", "type", "file"]
