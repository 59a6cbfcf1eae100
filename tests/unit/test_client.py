"""WhatsAppClient: configuration, lifecycle, pool, views."""

from __future__ import annotations

import aiohttp
import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY
from whatsapp_async import (
    APIRequest,
    ClientClosedError,
    ConfigurationError,
    InvalidParameterError,
    LocalThrottle,
    RetryPolicy,
    ValidationError,
    WhatsAppClient,
)
from whatsapp_async.resources import (
    BusinessProfileResource,
    MediaResource,
    MessagesResource,
    PhoneNumbersResource,
    QrCodesResource,
    RegistrationResource,
)
from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.types.common import Success


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_missing_token_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="WHATSAPP_ACCESS_TOKEN"):
        WhatsAppClient(phone_number_id="123")


def test_settings_fall_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "env-token")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "555")
    monkeypatch.setenv("WHATSAPP_BASE_URL", "http://127.0.0.1:9999/v22.0/")
    wa = WhatsAppClient()
    assert wa.phone_number_id == "555"
    assert wa.base_url == "http://127.0.0.1:9999/v22.0"


def test_default_base_url_and_api_version_shortcut() -> None:
    assert WhatsAppClient("t").base_url == BASE
    assert WhatsAppClient("t", api_version="v22.0").base_url == "https://graph.facebook.com/v22.0"


@pytest.mark.parametrize("version", ["22.0", "v22", "v22.0/x", ""])
def test_malformed_api_version_refused(version: str) -> None:
    with pytest.raises(ConfigurationError, match="api_version"):
        WhatsAppClient("t", api_version=version)


def test_base_url_and_api_version_together_refused() -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        WhatsAppClient("t", base_url="https://example.test/v21.0", api_version="v22.0")


@pytest.mark.parametrize(
    "url", ["http://graph.facebook.com/v21.0", "http://10.0.0.5:8080/v21.0", "http://example.test"]
)
def test_plain_http_refused_for_non_loopback(url: str) -> None:
    with pytest.raises(ConfigurationError, match="clear text"):
        WhatsAppClient("t", base_url=url)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8089/v21.0", "http://localhost:1/v21.0", "http://[::1]:80", "http://127.5.0.1"],
)
def test_plain_http_allowed_for_loopback(url: str) -> None:
    assert WhatsAppClient("t", base_url=url).base_url == url.rstrip("/")


@pytest.mark.parametrize("url", ["ftp://x/v1", "graph.facebook.com/v21.0", "https://x/v1?a=b"])
def test_malformed_base_url_refused(url: str) -> None:
    with pytest.raises(ConfigurationError):
        WhatsAppClient("t", base_url=url)


@pytest.mark.parametrize(
    "url",
    ["https://graph.facebook.com", "https://graph.facebook.com/", "https://GRAPH.facebook.com",
     "https://graph.facebook.com/me", "https://graph-video.facebook.com"],
)
def test_a_graph_base_url_without_the_version_is_refused_with_the_fix(url: str) -> None:
    # Meta would answer every call "(#100) Unknown path components", which does not say why.
    with pytest.raises(ConfigurationError, match=r"must end with the API version, e\.g\. "
                       r"'https://[^/]+/v\d+\.\d+'"):
        WhatsAppClient("t", base_url=url)


def test_a_graph_base_url_without_the_version_is_refused_from_the_environment_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WHATSAPP_BASE_URL", "https://graph.facebook.com")
    with pytest.raises(ConfigurationError, match="must end with the API version"):
        WhatsAppClient("t")


@pytest.mark.parametrize(
    "url",
    ["https://graph.facebook.com/v23.0", "https://graph.facebook.com/v21.0/",
     "http://127.0.0.1:4010", "http://localhost:8089/", "https://proxy.example.test/whatsapp"],
)
def test_versioned_graph_and_unversioned_test_or_proxy_base_urls_are_kept(url: str) -> None:
    # The fake and Prism serve without a version; a proxy has its own layout.
    assert WhatsAppClient("t", base_url=url).base_url == url.rstrip("/")


async def test_an_unknown_path_answer_to_an_unversioned_base_url_hints_at_the_version() -> None:
    # A proxy (here the fake) without the version in base_url: Meta's answer alone,
    # "(#100) Unknown path components", does not say what is wrong.
    async with FakeCloudAPI() as fake:
        host = fake.base_url.rsplit("/", 1)[0]
        async with WhatsAppClient(fake.access_token, fake.phone_number_id, base_url=host,
                                  retry=NO_RETRY) as wa:
            with pytest.raises(InvalidParameterError) as refused:
                await wa.messages.send_text("+15550000001", "hi")
    assert refused.value.code == 100
    assert refused.value.hint is not None and "has no API version" in refused.value.hint
    assert str(refused.value).endswith(f"e.g. {host}/v21.0")


async def test_an_unknown_path_under_a_versioned_base_url_gets_no_hint() -> None:
    async with FakeCloudAPI() as fake, WhatsAppClient(
        fake.access_token, fake.phone_number_id, base_url=fake.base_url, retry=NO_RETRY
    ) as wa:
        with pytest.raises(InvalidParameterError, match="Unknown path components") as refused:
            await wa.request(APIRequest("GET", ("no", "such", "thing"), Success))
    assert refused.value.hint is None
    assert "hint" not in str(refused.value)


def test_unsafe_phone_number_id_refused_at_construction() -> None:
    with pytest.raises(ValidationError, match="phone_number_id"):
        WhatsAppClient("t", phone_number_id="123/../456")


def test_resources_hang_off_the_client() -> None:
    wa = WhatsAppClient("t", "123")
    assert isinstance(wa.messages, MessagesResource)
    assert isinstance(wa.media, MediaResource)
    assert isinstance(wa.phone_numbers, PhoneNumbersResource)
    assert isinstance(wa.registration, RegistrationResource)
    assert isinstance(wa.business_profile, BusinessProfileResource)
    assert isinstance(wa.qr_codes, QrCodesResource)
    assert wa.messages is wa.messages


async def test_number_bound_call_without_number_is_a_clear_error() -> None:
    async with WhatsAppClient("t") as wa:
        with pytest.raises(ConfigurationError, match="phone_number_id"):
            await wa.messages._request("GET", "x", cast_to=Success, throttle=True)


async def test_one_pool_is_reused_across_calls() -> None:
    async with WhatsAppClient("t", "123") as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/123", payload={"success": True}, repeat=True)
            await wa.messages._request("GET", "123", cast_to=Success)
            first = wa._transport._session
            await wa.messages._request("GET", "123", cast_to=Success)
            await wa.for_number("456").messages._request("GET", "123", cast_to=Success)
            assert wa._transport._session is first
            assert first is not None and not first.closed


async def test_pool_is_created_lazily_inside_the_loop() -> None:
    wa = WhatsAppClient("t", "123")
    assert wa._transport._session is None
    async with wa:
        assert isinstance(wa._transport._session, aiohttp.ClientSession)


async def test_pool_honours_max_connections() -> None:
    async with WhatsAppClient("t", max_connections=7) as wa:
        session = wa._transport._session
        assert session is not None
        assert session.connector is not None and session.connector.limit == 7


async def test_aclose_is_idempotent_and_closes_the_pool() -> None:
    wa = WhatsAppClient("t", "123")
    await wa._transport.open()
    session = wa._transport._session
    await wa.aclose()
    await wa.aclose()
    assert session is not None and session.closed
    assert wa.closed


async def test_using_a_closed_client_is_a_clear_error() -> None:
    async with WhatsAppClient("t", "123") as wa:
        pass
    with pytest.raises(ClientClosedError, match="closed"):
        await wa.messages._request("GET", "123", cast_to=Success)


async def test_passed_in_session_is_used_and_left_open() -> None:
    async with aiohttp.ClientSession(headers={"X-App": "mine"}) as session:
        headers_before = dict(session.headers)
        with aioresponses() as mock:
            mock.get(f"{BASE}/123", payload={"success": True})
            async with WhatsAppClient("secret-token", "123", session=session) as wa:
                await wa.messages._request("GET", "123", cast_to=Success)
                assert wa._transport._session is session
            call = next(iter(mock.requests.values()))[0]
            assert call.kwargs["headers"]["Authorization"] == "Bearer secret-token"
        assert not session.closed
        assert dict(session.headers) == headers_before


async def test_for_number_view_shares_pool_throttle_and_retry() -> None:
    retry = RetryPolicy(max_attempts=2)
    async with WhatsAppClient("t", "123", retry=retry) as wa:
        other = wa.for_number("456")
        assert other.phone_number_id == "456"
        assert other._transport is wa._transport
        assert other.throttle is wa.throttle
        assert other.retry_policy is retry
        await other.aclose()  # a view never closes the shared pool
        assert not wa.closed


def test_for_number_checks_the_id() -> None:
    with pytest.raises(ValidationError):
        WhatsAppClient("t", "123").for_number("12?3")


async def test_with_options_changes_only_its_view() -> None:
    async with WhatsAppClient("t", "123", timeout=30) as wa:
        fast = wa.with_options(timeout=2, retry=RetryPolicy.disabled())
        assert fast.timeout == 2 and fast.retry_policy.max_attempts == 1
        assert wa.timeout == 30 and wa.retry_policy.max_attempts == 4
        assert fast._transport is wa._transport
        assert fast.phone_number_id == "123"


async def test_with_options_timeout_reaches_the_request() -> None:
    async with WhatsAppClient("t", "123") as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/123", payload={"success": True})
            await wa.with_options(timeout=3.5).messages._request("GET", "123", cast_to=Success)
            call = next(iter(mock.requests.values()))[0]
            assert call.kwargs["timeout"].total == 3.5


def test_default_throttle_uses_messages_per_second() -> None:
    wa = WhatsAppClient("t", "123", messages_per_second=250)
    assert isinstance(wa.throttle, LocalThrottle)
    assert wa.throttle.rate_for("123") == 250


def test_invalid_timeout_refused() -> None:
    with pytest.raises(ConfigurationError):
        WhatsAppClient("t", timeout=0)
