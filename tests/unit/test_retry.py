"""RetryPolicy: retries by the request's fate (ARCHITECTURE rule 2)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from unittest import mock

import aiohttp
import pytest
from aioresponses import aioresponses

from tests.conftest import load_fixture
from tests.support import BASE, FAST_RETRY
from whatsapp_async import (
    InvalidParameterError,
    OutcomeUnknownError,
    PairRateLimitError,
    RequestTimeout,
    RetryPolicy,
    ServerError,
    ThrottleUnavailableError,
    ThroughputLimitError,
    UnexpectedResponseError,
    WhatsAppClient,
)
from whatsapp_async.retry import may_have_been_sent
from whatsapp_async.types.common import Success

SEND = f"{BASE}/1/messages"
OK = {"success": True}


@pytest.fixture
def sleeps() -> Iterator[list[float]]:
    """Record tenacity's waits instead of sleeping them."""
    waited: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waited.append(seconds)

    with mock.patch("whatsapp_async.retry._sleep", fake_sleep):
        yield waited


def graph(code: int, **extra: object) -> dict[str, object]:
    return {"error": {"message": f"(#{code}) x", "type": "OAuthException", "code": code, **extra}}


async def call(wa: WhatsAppClient, method: str = "GET", *segments: str) -> Success:
    return await wa.messages._request(
        method, *(segments or ("1",)), cast_to=Success, throttle=segments[-1:] == ("messages",)
    )


def count(m: aioresponses) -> int:
    return sum(len(v) for v in m.requests.values())


async def test_not_sent_is_retried_even_for_a_send() -> None:
    async with WhatsAppClient("t", "1", retry=FAST_RETRY) as wa:
        with aioresponses() as m:
            m.post(SEND, exception=aiohttp.ConnectionTimeoutError("no free connection"))
            m.post(SEND, payload=OK)
            assert await call(wa, "POST", "1", "messages") == Success(success=True)
            assert count(m) == 2


async def test_transient_code_is_retried_with_growing_backoff(sleeps: list[float]) -> None:
    policy = RetryPolicy(initial_backoff=0.5, multiplier=2, jitter=0.0)
    async with WhatsAppClient("t", "1", retry=policy) as wa:
        with aioresponses() as m:
            m.post(SEND, status=500, payload=graph(131000))
            m.post(SEND, status=503, payload=graph(2))
            m.post(SEND, payload=OK)
            await call(wa, "POST", "1", "messages")
            assert count(m) == 3
    assert sleeps == [0.5, 1.0]


async def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(initial_backoff=1, multiplier=10, max_backoff=5, jitter=0.5)
    waits = [policy.backoff(4) for _ in range(200)]
    assert all(2.5 <= w <= 5 for w in waits)
    assert len(set(waits)) > 1


async def test_server_time_hint_is_honoured(sleeps: list[float]) -> None:
    usage = '{"1":[{"type":"whatsapp","estimated_time_to_regain_access":1}]}'
    async with WhatsAppClient("t", "1", retry=FAST_RETRY) as wa:
        with aioresponses() as m:
            m.get(f"{BASE}/1", status=400, payload=graph(80007),
                  headers={"X-Business-Use-Case-Usage": usage})
            m.get(f"{BASE}/1", payload=OK)
            await call(wa)
    assert sleeps == [60.0]


async def test_hint_longer_than_max_retry_after_raises_at_once() -> None:
    usage = '{"1":[{"type":"whatsapp","estimated_time_to_regain_access":30}]}'
    async with WhatsAppClient("t", "1", retry=FAST_RETRY) as wa:
        with aioresponses() as m:
            m.get(f"{BASE}/1", status=400, payload=graph(4),
                  headers={"X-Business-Use-Case-Usage": usage})
            with pytest.raises(Exception) as info:
                await call(wa)
            assert count(m) == 1
    assert getattr(info.value, "retry_after", None) == 1800.0


async def test_unknown_outcome_on_send_is_not_retried_and_says_so() -> None:
    async with WhatsAppClient("t", "1", retry=FAST_RETRY) as wa:
        with aioresponses() as m:
            m.post(SEND, exception=aiohttp.ServerDisconnectedError())
            m.post(SEND, payload=OK)
            with pytest.raises(OutcomeUnknownError, match="may have been sent"):
                await call(wa, "POST", "1", "messages")
            assert count(m) == 1


async def test_5xx_without_graph_body_on_send_is_unknown_outcome() -> None:
    async with WhatsAppClient("t", "1", retry=FAST_RETRY) as wa:
        with aioresponses() as m:
            m.post(SEND, status=502, body=b"<html>bad gateway</html>")
            with pytest.raises(OutcomeUnknownError) as info:
                await call(wa, "POST", "1", "messages")
            assert count(m) == 1
    assert isinstance(info.value.__cause__, UnexpectedResponseError)


async def test_unknown_outcome_retried_when_opted_in() -> None:
    policy = RetryPolicy(initial_backoff=0, jitter=0, retry_unknown_outcome=True)
    async with WhatsAppClient("t", "1", retry=policy) as wa:
        with aioresponses() as m:
            m.post(SEND, exception=asyncio.TimeoutError())
            m.post(SEND, payload=OK)
            await call(wa, "POST", "1", "messages")
            assert count(m) == 2


async def test_get_timeout_is_retried() -> None:
    async with WhatsAppClient("t", "1", retry=FAST_RETRY) as wa:
        with aioresponses() as m:
            m.get(f"{BASE}/1", exception=asyncio.TimeoutError())
            m.get(f"{BASE}/1", exception=aiohttp.ServerDisconnectedError())
            m.get(f"{BASE}/1", payload=OK)
            await call(wa)
            assert count(m) == 3


async def test_delete_timeout_is_retried() -> None:
    async with WhatsAppClient("t", "1", retry=FAST_RETRY) as wa:
        with aioresponses() as m:
            m.delete(f"{BASE}/1", exception=asyncio.TimeoutError())
            m.delete(f"{BASE}/1", payload=OK)
            await call(wa, "DELETE", "1")
            assert count(m) == 2


async def test_non_transient_code_is_not_retried() -> None:
    async with WhatsAppClient("t", "1", retry=FAST_RETRY) as wa:
        with aioresponses() as m:
            m.post(SEND, status=400, payload=load_fixture(
                "facts/errors/131009_parameter_value_invalid.json"))
            m.post(SEND, payload=OK)
            with pytest.raises(InvalidParameterError):
                await call(wa, "POST", "1", "messages")
            assert count(m) == 1


async def test_gives_up_after_max_attempts_with_the_last_error() -> None:
    policy = RetryPolicy(max_attempts=3, initial_backoff=0, jitter=0)
    async with WhatsAppClient("t", "1", retry=policy) as wa:
        with aioresponses() as m:
            m.get(f"{BASE}/1", status=503, payload=graph(131016), repeat=True)
            with pytest.raises(ServerError):
                await call(wa)
            assert count(m) == 3


async def test_get_timeout_exhausted_raises_request_timeout() -> None:
    policy = RetryPolicy(max_attempts=2, initial_backoff=0, jitter=0)
    async with WhatsAppClient("t", "1", retry=policy) as wa:
        with aioresponses() as m:
            m.get(f"{BASE}/1", exception=asyncio.TimeoutError(), repeat=True)
            with pytest.raises(RequestTimeout):
                await call(wa)


async def test_pair_limit_backs_off_1_4_16_64(sleeps: list[float]) -> None:
    body = load_fixture("facts/errors/131056_pair_rate_limit.json")
    async with WhatsAppClient("t", "1", retry=RetryPolicy(max_attempts=2)) as wa:
        with aioresponses() as m:
            for _ in range(4):
                m.post(SEND, status=400, payload=body)
            m.post(SEND, payload=OK)
            await call(wa, "POST", "1", "messages")
            assert count(m) == 5
    assert sleeps == [1.0, 4.0, 16.0, 64.0]


async def test_pair_limit_gives_up_after_the_last_delay() -> None:
    body = load_fixture("facts/errors/131056_pair_rate_limit.json")
    async with WhatsAppClient("t", "1", retry=FAST_RETRY) as wa:
        with aioresponses() as m:
            m.post(SEND, status=400, payload=body, repeat=True)
            with pytest.raises(PairRateLimitError):
                await call(wa, "POST", "1", "messages")
            assert count(m) == 5


async def test_pair_limit_does_not_delay_other_recipients() -> None:
    """One send waiting out 131056 must not hold up a concurrent send."""
    body = load_fixture("facts/errors/131056_pair_rate_limit.json")
    policy = RetryPolicy(pair_limit_delays=(3600.0,))
    async with WhatsAppClient("t", "1", retry=policy) as wa:
        with aioresponses() as m:
            m.post(SEND, status=400, payload=body)
            m.post(SEND, payload=OK)
            blocked = asyncio.create_task(call(wa, "POST", "1", "messages"))
            await asyncio.sleep(0.05)
            other = await asyncio.wait_for(call(wa, "POST", "1", "messages"), timeout=5)
            assert other == Success(success=True)
            assert not blocked.done()
            blocked.cancel()


async def test_throughput_error_is_retried_and_reported_to_the_throttle() -> None:
    reports: list[tuple[str, float | None]] = []

    class Recorder:
        async def acquire(self, key: str) -> None:
            return None

        async def report_rate_limited(self, key: str, retry_after: float | None = None) -> None:
            reports.append((key, retry_after))

    body = load_fixture("facts/errors/130429_rate_limit_hit.json")
    async with WhatsAppClient("t", "1", retry=FAST_RETRY, throttle=Recorder()) as wa:
        with aioresponses() as m:
            m.post(SEND, status=400, payload=body)
            m.post(SEND, payload=OK)
            await call(wa, "POST", "1", "messages")
            assert count(m) == 2
    assert reports == [("1", None)]


async def test_disabled_policy_never_retries() -> None:
    async with WhatsAppClient("t", "1", retry=RetryPolicy.disabled()) as wa:
        with aioresponses() as m:
            m.post(SEND, status=400,
                   payload=load_fixture("facts/errors/130429_rate_limit_hit.json"))
            with pytest.raises(ThroughputLimitError):
                await call(wa, "POST", "1", "messages")
            assert count(m) == 1


@pytest.mark.parametrize("kwargs", [{"max_attempts": 0}, {"jitter": 2}, {"jitter": 1.01},
                                    {"jitter": -0.01}, {"initial_backoff": -1},
                                    {"max_backoff": -1}])
def test_policy_refuses_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs", [{"max_attempts": 1}, {"jitter": 0.0}, {"jitter": 1.0},
                                    {"initial_backoff": 0, "max_backoff": 0}])
def test_policy_accepts_the_ends_of_each_range(kwargs: dict[str, float]) -> None:
    policy = RetryPolicy(**kwargs)  # type: ignore[arg-type]
    for attempt in (1, 2, 3):
        assert 0 <= policy.backoff(attempt) <= policy.max_backoff


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_attempts": 0}, "max_attempts must be >= 1"),
        ({"jitter": 1.5}, "jitter must be between 0 and 1"),
        ({"initial_backoff": -1}, "backoff times must be >= 0"),
        ({"max_backoff": -1}, "backoff times must be >= 0"),
    ],
)
def test_a_refused_policy_says_which_setting_is_wrong(
    kwargs: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError) as info:
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_the_disabled_policy_makes_one_attempt_and_waits_out_no_pair_limit() -> None:
    assert RetryPolicy.disabled() == RetryPolicy(max_attempts=1, pair_limit_delays=())


def test_may_have_been_sent_follows_the_fate_of_one_attempt() -> None:
    assert may_have_been_sent(RequestTimeout("slow"))
    assert may_have_been_sent(ThrottleUnavailableError("redis is down"))
    assert not may_have_been_sent(ServerError(status=500, code=131000, message="no"))


def test_full_jitter_waits_anywhere_up_to_the_backoff() -> None:
    policy = RetryPolicy(initial_backoff=2, multiplier=1, jitter=1.0)
    with mock.patch("whatsapp_async.retry.random.random", side_effect=[0.0, 0.25, 0.999]):
        waits = [policy.backoff(1) for _ in range(3)]
    assert waits == pytest.approx([2.0, 1.5, 0.002])
