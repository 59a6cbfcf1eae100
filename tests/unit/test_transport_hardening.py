"""Transport hardening: token shape, broken clients' reprs, download origins, redirects."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from whatsapp_async import ConfigurationError, ValidationError, WhatsAppClient

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
