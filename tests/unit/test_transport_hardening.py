"""Transport hardening: token shape, broken clients' reprs, download origins, redirects."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aioresponses import aioresponses

from tests.support import FAST_RETRY
from whatsapp_async import (
    ConfigurationError,
    UnexpectedResponseError,
    ValidationError,
    WhatsAppClient,
)
from whatsapp_async.middleware import AttemptCounter
from whatsapp_async.outcome import Fate, fate_of

#: Shaped like a real Meta token.
TOKEN = "EAAG-hardening-token-0123456789"


@pytest.mark.parametrize(
    "bad", [TOKEN + "\n", TOKEN + "\r\n", "EAAG\rX-Evil: 1", TOKEN + "\x00", "EAAG\x01x",
            TOKEN + "\x7f", "EAAG\tx"],
)
def test_token_with_a_character_not_allowed_in_a_header_is_refused_at_construction(
    bad: str,
) -> None:
    with pytest.raises(ConfigurationError, match="access token") as info:
        WhatsAppClient(bad, "1")
    assert bad not in str(info.value) and TOKEN not in str(info.value)


def test_repr_of_a_client_whose_init_failed_does_not_raise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WHATSAPP_ACCESS_TOKEN", raising=False)
    wa = object.__new__(WhatsAppClient)
    with pytest.raises(ConfigurationError):
        wa.__init__(None, "1")  # type: ignore[misc]  # what an error reporter sees
    text = repr(wa)
    assert "WhatsAppClient" in text
    half = object.__new__(WhatsAppClient)
    half._owner = True  # a failure after some attributes were set
    assert "WhatsAppClient" in repr(half)


@pytest.mark.parametrize(
    "url",
    ["https://graph.facebook.com:8443/v21.0/media/1", "https://graph.facebook.com:80/x",
     "http://graph.facebook.com/x", "https://lookaside.fbsbx.com:444/x",
     "https://scontent.xx.fbcdn.net:8080/v/t1/abc", "https://graph.facebook.com:99999/x"],
)
def test_download_host_check_compares_scheme_host_and_port(url: str) -> None:
    with pytest.raises(ValidationError):
        WhatsAppClient(TOKEN, "1")._transport.check_download_host(url)


@pytest.mark.parametrize(
    "url", ["https://graph.facebook.com:443/v21.0/media/1", "https://lookaside.fbsbx.com:443/x"]
)
def test_download_host_check_accepts_the_default_port_spelled_out(url: str) -> None:
    WhatsAppClient(TOKEN, "1")._transport.check_download_host(url)


def test_loopback_download_only_on_the_api_port() -> None:
    transport = WhatsAppClient(TOKEN, "1", base_url="http://127.0.0.1:8081/v21.0")._transport
    transport.check_download_host("http://127.0.0.1:8081/files/1")
    for url in ("http://127.0.0.1:8082/files/1", "http://127.0.0.1/files/1",
                "https://127.0.0.1:8081/files/1"):
        with pytest.raises(ValidationError):
            transport.check_download_host(url)


async def test_download_url_with_credentials_is_a_validation_error() -> None:
    async with WhatsAppClient(TOKEN, "1") as wa:
        with aioresponses() as mock:
            for url in ("https://user:pw@lookaside.fbsbx.com/x", "https://user@graph.facebook.com/x"):
                with pytest.raises(ValidationError, match="credentials"):
                    async with wa.open_download(url):
                        pass
            assert mock.requests == {}


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_api_calls_never_follow_a_redirect(status: int) -> None:
    hits: list[str] = []

    async def redirect(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(status=status, headers={"Location": "/elsewhere"})

    async def elsewhere(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.json_response({"success": True})

    app = web.Application()
    app.router.add_route("*", "/v21.0/1/messages", redirect)
    app.router.add_route("*", "/v21.0/1", redirect)
    app.router.add_route("*", "/elsewhere", elsewhere)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        base = str(server.make_url("/v21.0"))
        async with WhatsAppClient(TOKEN, "1", base_url=base, retry=FAST_RETRY) as wa:
            counter = AttemptCounter()
            view = wa.with_middleware(counter)
            with pytest.raises(UnexpectedResponseError) as sent:
                await view.messages.send_text("+15551234567", "hi")
            assert sent.value.status == status
            assert sent.value.may_have_been_sent is False
            assert fate_of(sent.value, attempts=counter.count) is Fate.REFUSED
            with pytest.raises(UnexpectedResponseError) as got:
                await wa.phone_numbers.get()
            assert got.value.status == status
    finally:
        await server.close()
    assert hits == ["/v21.0/1/messages", "/v21.0/1"]  # once each: not followed, not retried
