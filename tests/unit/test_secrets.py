"""The access token never leaves its lane: reprs, exceptions, logs."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
from aioresponses import aioresponses

from tests.support import BASE, FAST_RETRY, load_fixture
from whatsapp_async import WhatsAppClient, WhatsAppError
from whatsapp_async.types.common import Success

#: Shaped like a real Meta token, so a leak would look like one.
SECRET_TOKEN = "EAAG-super-secret-token-0123456789"


def test_token_absent_from_client_and_view_reprs() -> None:
    wa = WhatsAppClient(SECRET_TOKEN, "1")
    for obj in (wa, wa.for_number("2"), wa.with_options(timeout=1), wa.messages, wa.throttle):
        assert SECRET_TOKEN not in repr(obj)
    assert "***" in repr(wa)


async def test_token_absent_from_exceptions_and_debug_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []
    async with WhatsAppClient(SECRET_TOKEN, "1", retry=FAST_RETRY) as wa:
        with aioresponses() as m:
            m.post(f"{BASE}/1/messages", status=400,
                   payload=load_fixture("facts/errors/190_access_token_expired.json"))
            m.post(f"{BASE}/1/messages", exception=asyncio.TimeoutError())
            m.get(f"{BASE}/1", status=503, body=b"overloaded")
            m.get(f"{BASE}/1", exception=aiohttp.ServerDisconnectedError())
            m.get(f"{BASE}/1", status=400,
                  payload=load_fixture("facts/errors/4_application_request_limit.json"))
            m.get(f"{BASE}/1", status=400,
                  payload=load_fixture("facts/errors/131009_parameter_value_invalid.json"))
            for method, segments in (("POST", ("1", "messages")), ("POST", ("1", "messages")),
                                     ("GET", ("1",))):
                try:
                    await wa.messages._request(method, *segments, cast_to=Success,
                                               throttle=method == "POST")
                except WhatsAppError as exc:
                    errors.append(exc)
    assert len(errors) == 3
    for exc in errors:
        chain: BaseException | None = exc
        while chain is not None:
            assert SECRET_TOKEN not in str(chain) and SECRET_TOKEN not in repr(chain)
            chain = chain.__cause__
    assert caplog.records, "expected DEBUG/INFO records"
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    assert any("retrying" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        assert SECRET_TOKEN not in record.getMessage()
        assert SECRET_TOKEN not in str(record.args)


async def test_token_not_sent_to_a_download_host_off_the_allow_list() -> None:
    from whatsapp_async import ValidationError

    async with WhatsAppClient(SECRET_TOKEN, "1") as wa:
        with aioresponses() as m:
            with pytest.raises(ValidationError, match="refusing to send the access token"):
                async with wa.open_download("https://evil.example.com/file"):
                    pass
            assert not m.requests


@pytest.mark.parametrize(
    "url",
    ["https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1",
     "https://scontent.xx.fbcdn.net/v/t1/abc", "https://graph.facebook.com/v21.0/media/1"],
)
def test_meta_media_hosts_are_allowed(url: str) -> None:
    WhatsAppClient(SECRET_TOKEN, "1")._transport.check_download_host(url)


@pytest.mark.parametrize(
    "url",
    ["http://lookaside.fbsbx.com/x", "https://fbcdn.net.evil.com/x",
     "https://lookaside.fbsbx.com.evil.com/x", "https://evilfbcdn.net/x"],
)
def test_lookalike_and_plain_http_media_hosts_refused(url: str) -> None:
    from whatsapp_async import ValidationError

    with pytest.raises(ValidationError):
        WhatsAppClient(SECRET_TOKEN, "1")._transport.check_download_host(url)
