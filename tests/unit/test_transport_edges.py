"""Transport edges found by mutation testing: masked reprs, download answers, refusals' fields."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import msgspec
import pytest
from aiohttp import BodyPartReader, web
from aiohttp.test_utils import TestServer
from aioresponses import CallbackResult, aioresponses
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from tests.support import BASE, FAST_RETRY, NO_RETRY, RecordingThrottle
from whatsapp_async import (
    APIError,
    ClientClosedError,
    ConnectError,
    ConnectionLostError,
    RequestTimeout,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
    WhatsAppClient,
    __version__,
)
from whatsapp_async._transport import AuthHeaders, Secret
from whatsapp_async.middleware import Answer
from whatsapp_async.types.common import Success

TOKEN = "EAAG-edges-token-0123456789"


# ------------------------------------------------------------------ a raw loopback server


@asynccontextmanager
async def raw_http(head: bytes, body: bytes = b"", *, stall: float = 0.0) -> AsyncIterator[int]:
    """A loopback server answering every connection with ``head`` + ``body``, byte for byte.

    aiohttp's own server always adds a Content-Type; this one sends only what it is
    given. With ``stall``, it sends the head and waits that long before the body.
    """

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(head)
        await writer.drain()
        if stall:
            # Until the client gives up and hangs up (read() then returns b"").
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(reader.read(), stall)
        writer.write(body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


# ------------------------------------------------------------------ reprs that mask the token


def test_auth_headers_show_every_header_but_the_token() -> None:
    headers = AuthHeaders({"Authorization": f"Bearer {TOKEN}", "User-Agent": "ua/1"})
    expected = "AuthHeaders({'Authorization': 'Bearer ***', 'User-Agent': 'ua/1'})"
    assert repr(headers) == expected
    assert str(headers) == expected
    assert TOKEN not in repr(headers)


def test_a_secret_shows_three_stars_in_place_of_its_value() -> None:
    secret = Secret(TOKEN)
    assert repr(secret) == "'***'"
    assert str(secret) == "'***'"
    assert secret.reveal() == TOKEN


# ------------------------------------------------------------------ the unversioned-URL hint


@pytest.mark.parametrize(
    ("code", "message"),
    [(100, "Invalid parameter"), (131009, "Unknown path components: /x")],
)
async def test_only_an_unknown_path_answer_with_code_100_gets_the_version_hint(
    code: int, message: str
) -> None:
    base = "http://127.0.0.1:4010"
    async with WhatsAppClient(TOKEN, "1", base_url=base, retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{base}/1", status=400,
                     payload={"error": {"message": message, "type": "OAuthException",
                                        "code": code}})
            with pytest.raises(APIError) as refused:
                await wa.messages._request("GET", "1", cast_to=Success)
    assert refused.value.code == code
    assert refused.value.hint is None


# ------------------------------------------------------------------ an unreadable 2xx answer


async def test_an_unreadable_success_answer_names_the_method_and_path() -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1/things", body=b"<html>hi</html>", status=200)
            with pytest.raises(UnexpectedResponseError) as info:
                await wa.messages._request("GET", "1", "things", cast_to=Success)
    assert info.value.method == "GET"
    assert info.value.path == "/1/things"
    assert info.value.status == 200


# ------------------------------------------------------------------ downloads


async def test_a_download_answer_reports_its_status_type_and_length() -> None:
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 5\r\n"
            b"Connection: close\r\n\r\n")
    async with raw_http(head, b"\xff\xd8abc") as port:
        base = f"http://127.0.0.1:{port}"
        async with WhatsAppClient(TOKEN, "1", base_url=base, retry=NO_RETRY) as wa, \
                wa.open_download(f"{base}/files/1") as answer:
            assert answer.status == 200
            assert answer.content_type == "image/jpeg"
            assert answer.content_length == 5
            body = b"".join([chunk async for chunk in answer.chunks()])
    assert body == b"\xff\xd8abc"


async def test_a_download_answer_without_a_content_type_reports_an_empty_one() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
    async with raw_http(head, b"ok") as port:
        base = f"http://127.0.0.1:{port}"
        async with WhatsAppClient(TOKEN, "1", base_url=base, retry=NO_RETRY) as wa, \
                wa.open_download(f"{base}/files/1") as answer:
            assert answer.content_type == ""
            assert answer.content_length == 2


async def test_a_download_stalling_midway_is_a_request_timeout_of_the_get() -> None:
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 5\r\n"
            b"Connection: close\r\n\r\n")
    async with raw_http(head, b"late!", stall=5.0) as port:
        base = f"http://127.0.0.1:{port}"
        async with WhatsAppClient(TOKEN, "1", base_url=base, retry=NO_RETRY) as wa:
            view = wa.with_options(timeout=0.3)
            with pytest.raises(RequestTimeout) as info:
                async with view.open_download(f"{base}/files/1?sig=secret") as answer:
                    async for _chunk in answer.chunks():
                        pass
    assert info.value.method == "GET"
    assert info.value.path == "(media download)"  # never the signed URL
    assert str(info.value) == (
        "GET (media download): timed out waiting for the answer; it may have been sent"
    )
    assert info.value.may_have_been_sent is True


# ------------------------------------------------------------------ download host refusals


def test_a_malformed_download_url_is_refused_naming_the_url_field() -> None:
    wa = WhatsAppClient(TOKEN, "1")
    with pytest.raises(ValidationError) as info:
        wa._transport.check_download_host("https://[lookaside.fbsbx.com/x")
    assert info.value.field == "url"
    assert info.value.rule == "is not a valid URL"


def test_a_download_url_with_credentials_is_refused_naming_the_url_field() -> None:
    wa = WhatsAppClient(TOKEN, "1")
    with pytest.raises(ValidationError) as info:
        wa._transport.check_download_host("https://user:pw@lookaside.fbsbx.com/x")
    assert info.value.field == "url"
    assert info.value.rule == "must not carry credentials (user:password@)"


@pytest.mark.parametrize(
    ("base_url", "api_host"),
    [("https://graph.facebook.com/v21.0", "graph.facebook.com"),
     ("https://proxy.example.test/whatsapp/graph/v21.0", "proxy.example.test")],
)
def test_a_foreign_download_host_is_refused_naming_the_hosts_allowed(
    base_url: str, api_host: str
) -> None:
    wa = WhatsAppClient(TOKEN, "1", base_url=base_url)
    with pytest.raises(ValidationError) as info:
        wa._transport.check_download_host("https://evil.example.com:8443/file")
    assert info.value.field == "url"
    assert info.value.rule == (
        "refusing to send the access token to https://evil.example.com:8443: media is "
        f"downloaded only from {api_host} or Meta's media hosts over https"
    )


# ------------------------------------------------------------------ uploads


async def test_an_uploaded_file_part_carries_its_content_type() -> None:
    seen: list[tuple[str | None, str | None, str, bytes]] = []

    async def media(request: web.Request) -> web.Response:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            assert isinstance(part, BodyPartReader)
            seen.append((part.name, part.filename, part.headers.get("Content-Type", ""),
                         bytes(await part.read())))
        return web.json_response({"id": "m1"})

    app = web.Application()
    app.router.add_post("/1/media", media)
    async with TestServer(app, host="127.0.0.1") as server:
        base = str(server.make_url("")).rstrip("/")
        async with WhatsAppClient(TOKEN, "1", base_url=base, retry=NO_RETRY) as wa:
            assert await wa.media.upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 8,
                                         mime_type="image/png", filename="a.png") == "m1"
    files = [entry for entry in seen if entry[1] is not None]
    assert len(files) == 1
    assert files[0][1] == "a.png"
    assert files[0][2] == "image/png"


# ------------------------------------------------------------------ what a failure says


def _bad_answer() -> aiohttp.ClientResponseError:
    url = URL(f"{BASE}/1/things")
    info = aiohttp.RequestInfo(url, "GET", CIMultiDictProxy(CIMultiDict()), url)
    return aiohttp.ClientResponseError(info, (), message="Invalid header")


@pytest.mark.parametrize(
    ("exc", "expected", "text", "sent"),
    [
        (_bad_answer(), ConnectionLostError, "GET /1/things: bad answer: Invalid header", True),
        (aiohttp.ConnectionTimeoutError("pool"), ConnectError,
         "GET /1/things: could not connect: ConnectionTimeoutError: pool", False),
        (asyncio.TimeoutError(), RequestTimeout,
         "GET /1/things: timed out after 0.25s waiting for the answer; it may have been sent",
         True),
        (aiohttp.ServerDisconnectedError(), ConnectionLostError,
         "GET /1/things: connection lost (ServerDisconnectedError: Server disconnected); "
         "it may have been sent", True),
    ],
)
async def test_a_transport_failure_names_the_request_and_what_went_wrong(
    exc: BaseException, expected: type[TransportError], text: str, sent: bool
) -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1/things", exception=exc)
            with pytest.raises(expected) as info:
                await wa.with_options(timeout=0.25).messages._request(
                    "GET", "1", "things", cast_to=Success
                )
    assert str(info.value) == text
    assert info.value.method == "GET"
    assert info.value.path == "/1/things"
    assert info.value.may_have_been_sent is sent
    assert info.value.__cause__ is None  # aiohttp's exception holds the request headers


# ------------------------------------------------------------------ headers, sessions, loops


async def test_the_headers_handed_to_aiohttp_show_no_token_in_their_repr() -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", payload={"success": True})
            mock.post(f"{BASE}/1/things", payload={"success": True})
            await wa.messages._request("GET", "1", cast_to=Success)
            await wa.messages._request("POST", "1", "things", body=Success(success=True),
                                       cast_to=Success)
            calls = [call for calls in mock.requests.values() for call in calls]
    assert len(calls) == 2
    for call in calls:
        headers = call.kwargs["headers"]
        assert headers["Authorization"] == f"Bearer {TOKEN}"
        assert TOKEN not in repr(headers) and TOKEN not in str(headers)
        assert "'Authorization': 'Bearer ***'" in repr(headers)


async def test_requests_name_the_library_in_their_user_agent() -> None:
    seen: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.headers.get("User-Agent", ""))
        return web.json_response({"success": True})

    app = web.Application()
    app.router.add_get("/1", handler)
    async with TestServer(app, host="127.0.0.1") as server:
        base = str(server.make_url("")).rstrip("/")
        async with WhatsAppClient(TOKEN, "1", base_url=base, retry=NO_RETRY) as wa:
            await wa.messages._request("GET", "1", cast_to=Success)
    assert seen == [f"whatsapp-async/{__version__}"]


async def test_a_borrowed_session_is_not_held_to_max_connections() -> None:
    # Its pool limits are its owner's: two calls are in flight at once even with
    # max_connections=1 (each answer waits until both requests have arrived).
    arrived = 0
    both = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        nonlocal arrived
        arrived += 1
        if arrived == 2:
            both.set()
        await asyncio.wait_for(both.wait(), 5)
        return web.json_response({"success": True})

    app = web.Application()
    app.router.add_get("/1", handler)
    async with TestServer(app, host="127.0.0.1") as server, aiohttp.ClientSession() as session:
        base = str(server.make_url("")).rstrip("/")
        async with WhatsAppClient(TOKEN, "1", base_url=base, session=session, max_connections=1,
                                  connect_timeout=1.0, retry=NO_RETRY) as wa:
            answers = await asyncio.gather(
                wa.messages._request("GET", "1", cast_to=Success),
                wa.messages._request("GET", "1", cast_to=Success),
            )
        assert not session.closed  # borrowed: never closed by the client
    assert answers == [Success(success=True), Success(success=True)]


async def test_a_client_says_whether_it_is_closed_and_refuses_calls_once_it_is() -> None:
    wa = WhatsAppClient(TOKEN, "1", retry=NO_RETRY)
    assert wa.closed is False
    async with wa:
        assert wa.closed is False
    assert wa.closed is True
    with pytest.raises(ClientClosedError) as info:
        await wa.messages._request("GET", "1", cast_to=Success)
    assert str(info.value) == "this WhatsAppClient is closed; create a new one"


async def test_a_client_used_from_another_event_loop_is_refused() -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", payload={"success": True}, repeat=True)
            await wa.messages._request("GET", "1", cast_to=Success)

            async def elsewhere() -> Success:
                return await wa.messages._request("GET", "1", cast_to=Success)

            with pytest.raises(ClientClosedError) as info:
                await asyncio.to_thread(asyncio.run, elsewhere())
            # The loop it was opened in still works.
            assert await wa.messages._request("GET", "1", cast_to=Success) == Success(
                success=True
            )
    assert str(info.value) == (
        "this WhatsAppClient was opened in another event loop; create one per loop"
    )


# ------------------------------------------------------------------ bodies and the pool


class _Note(msgspec.Struct, kw_only=True):
    text: str


async def test_a_body_that_cannot_be_json_is_refused_before_anything_is_sent() -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/things", payload={"success": True}, repeat=True)
            with pytest.raises(ValidationError) as info:
                await wa.messages._request("POST", "1", "things", body=_Note(text="a\ud800b"),
                                           cast_to=Success)
            assert mock.requests == {}
    assert info.value.field == "text"
    assert "lone surrogate" in info.value.rule


@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_a_call_without_a_body_sends_no_body_and_no_content_type(method: str) -> None:
    seen: list[tuple[str | None, bytes]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append((request.headers.get("Content-Type"), await request.read()))
        return web.json_response({"success": True})

    app = web.Application()
    app.router.add_route(method, "/1", handler)
    async with TestServer(app, host="127.0.0.1") as server:
        base = str(server.make_url("")).rstrip("/")
        async with WhatsAppClient(TOKEN, "1", base_url=base, retry=NO_RETRY) as wa:
            await wa.messages._request(method, "1", cast_to=Success)
    assert seen == [(None, b"")]


async def test_no_free_place_in_the_pool_says_which_call_waited_and_for_how_long() -> None:
    hold = asyncio.Event()

    async def answer(url: object, **kwargs: object) -> CallbackResult:
        await hold.wait()
        return CallbackResult(payload={"success": True})

    async with WhatsAppClient(TOKEN, "1", max_connections=1, connect_timeout=0.05,
                              retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1/things", callback=answer, repeat=True)
            busy = asyncio.ensure_future(
                wa.messages._request("GET", "1", "things", cast_to=Success)
            )
            await asyncio.sleep(0.01)
            with pytest.raises(ConnectError) as info:
                await asyncio.wait_for(
                    wa.messages._request("GET", "1", "things", cast_to=Success), 2
                )
            hold.set()
            await busy
    assert str(info.value) == (
        "GET /1/things: could not connect: no free connection within 0.05s (all 1 in use)"
    )
    assert (info.value.method, info.value.path) == ("GET", "/1/things")


class _GateThrottle(RecordingThrottle):
    """Holds every send in ``acquire`` until ``gate`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = asyncio.Event()
        self.gate = asyncio.Event()

    async def acquire(self, phone_number_id: str) -> None:
        await super().acquire(phone_number_id)
        self.entered.set()
        await self.gate.wait()


async def test_a_send_let_through_after_the_client_closed_is_refused_as_closed() -> None:
    throttle = _GateThrottle()
    wa = WhatsAppClient(TOKEN, "1", throttle=throttle, retry=NO_RETRY)
    async with wa:
        with aioresponses() as mock:
            sending = asyncio.ensure_future(wa.messages.send_text("+15550000001", "hi"))
            await asyncio.wait_for(throttle.entered.wait(), 2)
    # The client is closed now; the throttle lets the send through only afterwards.
    throttle.gate.set()
    with pytest.raises(ClientClosedError):
        await asyncio.wait_for(sending, 2)
    assert mock.requests == {}


# ------------------------------------------------------------------ the debug line


async def test_each_answer_is_logged_at_debug_with_its_status_attempt_and_trace_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1/things", payload={"success": True},
                     headers={"x-fb-trace-id": "TRACE7"})
            with caplog.at_level(logging.DEBUG, logger="whatsapp_async"):
                await wa.messages._request("GET", "1", "things", cast_to=Success)
    lines = [r.getMessage() for r in caplog.records if r.name == "whatsapp_async"]
    assert "GET /1/things -> 200 (attempt 1, fbtrace_id=TRACE7)" in lines
    assert not any(TOKEN in line for line in lines)


async def test_no_debug_line_is_written_when_debug_is_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1/things", payload={"success": True})
            with caplog.at_level(logging.INFO, logger="whatsapp_async"):
                await wa.messages._request("GET", "1", "things", cast_to=Success)
    assert not [r for r in caplog.records if "-> 200" in r.getMessage()]


# ------------------------------------------------------------------ the throttle's optional hooks

_SENT = {"messaging_product": "whatsapp", "contacts": [{"input": "+15550000001", "wa_id": "1"}],
         "messages": [{"id": "wamid.E1"}]}
_RATE_LIMIT = {"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException",
                         "code": 130429}}


class _NowaitThrottle(RecordingThrottle):
    """Has ``acquire_nowait``: a free token for the first ``free`` sends, then none."""

    def __init__(self, free: int) -> None:
        super().__init__()
        self.free = free
        self.nowait_asked: list[str] = []

    def acquire_nowait(self, phone_number_id: str) -> bool:
        self.nowait_asked.append(phone_number_id)
        if self.free > 0:
            self.free -= 1
            return True
        return False


async def test_a_throttle_whose_acquire_nowait_says_yes_is_not_awaited_and_else_is() -> None:
    throttle = _NowaitThrottle(free=1)
    async with WhatsAppClient(TOKEN, "555", throttle=throttle, retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/555/messages", payload=_SENT, repeat=True)
            await wa.messages.send_text("+15550000001", "one")
            assert (throttle.nowait_asked, throttle.asked) == (["555"], [])
            await wa.messages.send_text("+15550000001", "two")
    assert throttle.nowait_asked == ["555", "555"]
    assert throttle.asked == ["555"]


async def test_a_throttle_with_only_acquire_is_asked_once_per_send() -> None:
    throttle = RecordingThrottle()
    async with WhatsAppClient(TOKEN, "555", throttle=throttle, retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/555/messages", payload=_SENT, repeat=True)
            await wa.messages.send_text("+15550000001", "one")
            await wa.messages.send_text("+15550000001", "two")
    assert throttle.asked == ["555", "555"]


class _ObservingThrottle(RecordingThrottle):
    """Has ``observe``: records every answer it is shown, and any rate-limit report."""

    def __init__(self) -> None:
        super().__init__()
        self.observed: list[tuple[str, int]] = []
        self.reported: list[str] = []

    async def observe(self, phone_number_id: str, answer: Answer) -> None:
        self.observed.append((phone_number_id, answer.status))

    async def report_rate_limited(
        self, phone_number_id: str, retry_after: float | None = None
    ) -> None:
        self.reported.append(phone_number_id)


async def test_a_throttle_with_observe_sees_every_answer_to_its_sends_instead_of_the_rules(
) -> None:
    throttle = _ObservingThrottle()
    async with WhatsAppClient(TOKEN, "555", throttle=throttle, retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/555/messages", payload=_SENT)
            mock.post(f"{BASE}/555/messages", status=400, payload=_RATE_LIMIT)
            await wa.messages.send_text("+15550000001", "one")
            with pytest.raises(APIError):
                await wa.messages.send_text("+15550000001", "two")
    assert throttle.observed == [("555", 200), ("555", 400)]
    assert throttle.reported == []  # observe decides; the built-in rules are not applied


async def test_a_closed_client_refuses_a_send_before_asking_the_throttle() -> None:
    throttle = RecordingThrottle()
    wa = WhatsAppClient(TOKEN, "555", throttle=throttle, retry=NO_RETRY)
    async with wa:
        pass
    with pytest.raises(ClientClosedError):
        await wa.messages.send_text("+15550000001", "late")
    assert throttle.asked == []


async def test_the_pool_gives_back_each_place_once_a_call_is_done() -> None:
    # With room for two, one call first and then three at once: two are in flight
    # together, never three, and the third goes once one of them is done.
    arrived: list[int] = []
    release = asyncio.Event()
    two_in = asyncio.Event()

    async def answer(url: object, **kwargs: object) -> CallbackResult:
        arrived.append(len(arrived))
        if len(arrived) == 3:  # the one call, then two of the three
            two_in.set()
        if len(arrived) > 1:
            await release.wait()
        return CallbackResult(payload={"success": True})

    async with WhatsAppClient(TOKEN, "1", max_connections=2, connect_timeout=5.0,
                              retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", callback=answer, repeat=True)
            await wa.messages._request("GET", "1", cast_to=Success)
            calls = [asyncio.ensure_future(wa.messages._request("GET", "1", cast_to=Success))
                     for _ in range(3)]
            await asyncio.wait_for(two_in.wait(), 2)
            await asyncio.sleep(0.05)
            assert len(arrived) == 3  # the third of the three still waits for a place
            release.set()
            assert await asyncio.wait_for(asyncio.gather(*calls), 2) == [Success(success=True)] * 3
    assert len(arrived) == 4


async def test_a_300_answer_is_an_error_even_with_a_readable_body() -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", status=300, payload={"success": True})
            with pytest.raises(APIError) as info:
                await wa.messages._request("GET", "1", cast_to=Success)
    assert info.value.status == 300


async def test_an_unreadable_answer_says_what_did_not_fit_on_every_attempt(
    caplog: pytest.LogCaptureFixture,
) -> None:
    retry = dataclasses.replace(FAST_RETRY, max_attempts=2)
    async with WhatsAppClient(TOKEN, "1", retry=retry) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", payload={"success": "yes"})
            with pytest.raises(UnexpectedResponseError) as first:
                await wa.messages._request("GET", "1", cast_to=Success)
            mock.get(f"{BASE}/1", status=503, body=b"busy")
            mock.get(f"{BASE}/1", payload={"success": "yes"})
            with caplog.at_level(logging.INFO, logger="whatsapp_async"), \
                    pytest.raises(UnexpectedResponseError) as retried:
                await wa.messages._request("GET", "1", cast_to=Success)
    for info in (first, retried):
        assert str(info.value) == (
            "HTTP 200 on GET /1: could not read the answer as Success: "
            "Expected `bool`, got `str` - at `$.success`"
        )
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]
    assert len(retries) == 1
    assert retries[0].startswith("retrying GET /1 in ")


async def test_a_retry_answered_300_is_an_error_too() -> None:
    retry = dataclasses.replace(FAST_RETRY, max_attempts=2)
    async with WhatsAppClient(TOKEN, "1", retry=retry) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", status=503, body=b"busy")
            mock.get(f"{BASE}/1", status=300, payload={"success": True})
            with pytest.raises(APIError) as info:
                await wa.messages._request("GET", "1", cast_to=Success)
    assert info.value.status == 300
