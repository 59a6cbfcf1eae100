"""RedisThrottle against a real redis-server: the Lua script's edge cases, the
shared slow-down, and what happens while Redis is away."""

from __future__ import annotations

import asyncio
import itertools
import logging
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis
from aioresponses import aioresponses

from tests.conftest import load_fixture
from tests.redis_server import RedisServer, free_port
from whatsapp_async import RetryPolicy, ThrottleUnavailableError, WhatsAppClient, WhatsAppError
from whatsapp_async.throttle import LocalThrottle, RedisThrottle, Throttle

NUMBER = "1234567890"


@pytest.fixture
def prefix() -> str:
    """A key prefix of this test's own, so tests sharing the server do not meet."""
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def raw(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    """A plain client to look at the keys the throttle writes."""
    client = aioredis.Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


@pytest.fixture
async def make(
    redis_server: RedisServer, prefix: str
) -> AsyncIterator[Callable[..., RedisThrottle]]:
    """Build throttles on the session's Redis and the test's prefix; closed afterwards."""
    made: list[RedisThrottle] = []

    def factory(**kwargs: Any) -> RedisThrottle:
        kwargs.setdefault("key_prefix", prefix)
        throttle = RedisThrottle(kwargs.pop("url", redis_server.url), **kwargs)
        made.append(throttle)
        return throttle

    yield factory
    for throttle in made:
        await throttle.aclose()


async def take(throttle: RedisThrottle, key: str = NUMBER) -> tuple[bool, float]:
    """One run of the script: (slot reserved, seconds until it may be used)."""
    reserved, wait_us = await throttle._call("take", key)
    return bool(reserved), wait_us / 1e6


async def immediate_grants(throttle: RedisThrottle, n: int, key: str = NUMBER) -> int:
    """How many of ``n`` back-to-back takes needed no wait."""
    return sum([(await take(throttle, key)) == (True, 0.0) for _ in range(n)])


# ---------------------------------------------------------------------------- the protocol


def test_redis_throttle_is_a_throttle(make: Callable[..., RedisThrottle]) -> None:
    assert isinstance(make(), Throttle)


def test_core_import_does_not_load_redis() -> None:
    code = "import sys, whatsapp_async, whatsapp_async.throttle; print('redis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unknown_attribute_of_throttle_module_raises_attribute_error() -> None:
    import whatsapp_async.throttle as module

    with pytest.raises(AttributeError):
        module.NoSuchThrottle  # noqa: B018


async def test_a_borrowed_client_is_used_and_left_open(
    raw: aioredis.Redis, prefix: str
) -> None:
    throttle = RedisThrottle(raw, rate=10, key_prefix=prefix)
    await throttle.acquire(NUMBER)
    await throttle.aclose()
    assert await raw.exists(throttle.bucket_key(NUMBER)) == 1


@pytest.mark.parametrize(
    "kwargs",
    [{"rate": 0}, {"burst": 0.5}, {"on_unavailable": "ignore"}, {"fallback_fraction": 0},
     {"fallback_fraction": 1.5}, {"idle_ttl": 0}, {"rates": {NUMBER: -1}},
     {"max_reserved": 0}],
)
def test_bad_settings_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        RedisThrottle("redis://127.0.0.1:1/0", **kwargs)


# ---------------------------------------------------------------------------- the script


async def test_burst_is_granted_at_once(make: Callable[..., RedisThrottle]) -> None:
    throttle = make(rate=10, burst=5)
    assert await immediate_grants(throttle, 5) == 5


async def test_send_after_the_burst_waits_about_one_interval(
    make: Callable[..., RedisThrottle],
) -> None:
    throttle = make(rate=1, burst=5)
    await immediate_grants(throttle, 5)
    reserved, wait = await take(throttle)
    assert reserved and 0.5 < wait <= 1.0


async def test_default_burst_is_a_tenth_of_a_seconds_worth(
    make: Callable[..., RedisThrottle],
) -> None:
    assert await immediate_grants(make(rate=20), 4) == 2


async def test_waiting_senders_get_distinct_evenly_spaced_slots(
    make: Callable[..., RedisThrottle],
) -> None:
    throttle = make(rate=10, burst=1)
    await take(throttle)
    waits = [(await take(throttle))[1] for _ in range(5)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(waits)]
    # Each call reserves the slot 100 ms after the previous one (less the time
    # between the calls), so sleepers never wake together.
    assert all(0.05 < gap <= 0.1005 for gap in gaps), gaps


async def test_refill_after_idle_restores_the_burst_and_no_more(
    make: Callable[..., RedisThrottle],
) -> None:
    throttle = make(rate=10, burst=3)
    assert await immediate_grants(throttle, 4) == 3
    await asyncio.sleep(0.6)  # six tokens' worth of time, the backlog included
    assert await immediate_grants(throttle, 6) == 3


async def test_numbers_have_separate_buckets(make: Callable[..., RedisThrottle]) -> None:
    throttle = make(rate=10, burst=2)
    await immediate_grants(throttle, 3, key="111")
    assert await immediate_grants(throttle, 2, key="222") == 2


async def test_two_throttles_share_one_bucket(make: Callable[..., RedisThrottle]) -> None:
    first, second = make(rate=10, burst=4), make(rate=10, burst=4)
    grants = [await take(first if i % 2 else second) for i in range(6)]
    assert [wait == 0 for _, wait in grants].count(True) == 4


async def test_client_clock_skew_does_not_change_the_budget(
    make: Callable[..., RedisThrottle], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two "machines" whose wall clocks are two hours apart share one bucket. A
    # limiter fed client timestamps would see the bucket refilled (or empty)
    # on every switch; one using Redis's TIME grants exactly the burst.
    real = time.time
    early, late = make(rate=10, burst=4), make(rate=10, burst=4)
    grants = 0
    for i in range(8):
        skew = 3600.0 if i % 2 else -3600.0
        monkeypatch.setattr(time, "time", lambda skew=skew: real() + skew)
        _, wait = await take(late if i % 2 else early)
        grants += wait == 0
    assert grants == 4


async def test_bucket_follows_the_redis_server_clock(
    make: Callable[..., RedisThrottle], raw: aioredis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86_400.0)
    throttle = make(rate=10)
    await take(throttle)
    seconds, micros = await raw.time()
    server_now = seconds * 1_000_000 + micros
    tat = float(await raw.hget(throttle.bucket_key(NUMBER), "tat"))
    assert abs(tat - server_now) < 5_000_000


async def test_bucket_key_gets_an_expiry(
    make: Callable[..., RedisThrottle], raw: aioredis.Redis
) -> None:
    throttle = make(rate=10, idle_ttl=30)
    await take(throttle)
    ttl_ms = await raw.pttl(throttle.bucket_key(NUMBER))
    assert 0 < ttl_ms <= 31_000


async def test_idle_numbers_leave_no_keys(
    make: Callable[..., RedisThrottle], raw: aioredis.Redis, prefix: str
) -> None:
    throttle = make(rate=50, idle_ttl=0.2)
    for number in ("111", "222", "333"):
        await take(throttle, number)
    await asyncio.sleep(0.6)
    assert [key async for key in raw.scan_iter(match=f"{prefix}:*")] == []


async def test_backlog_keeps_the_key_until_its_last_slot(
    make: Callable[..., RedisThrottle], raw: aioredis.Redis
) -> None:
    throttle = make(rate=1, burst=1, idle_ttl=0.1)
    for _ in range(4):  # slots reserved up to 3 s ahead
        await take(throttle)
    assert await raw.pttl(throttle.bucket_key(NUMBER)) > 2_500


# ---------------------------------------------------------------------------- 130429


async def test_rate_limit_report_pauses_every_process(make: Callable[..., RedisThrottle]) -> None:
    reporter, other = make(rate=100), make(rate=100)
    await reporter.report_rate_limited(NUMBER)
    reserved, wait = await take(other)
    assert not reserved and 0.5 < wait <= 1.0


async def test_rate_limit_report_halves_the_shared_rate(
    make: Callable[..., RedisThrottle],
) -> None:
    reporter, other = make(rate=100), make(rate=100)
    await reporter.report_rate_limited(NUMBER)
    assert await other.fetch_rate(NUMBER) == 50


async def test_reports_during_the_pause_count_as_one(make: Callable[..., RedisThrottle]) -> None:
    throttles = [make(rate=100) for _ in range(4)]
    for throttle in throttles:  # four processes see the same burst of 130429s
        await throttle.report_rate_limited(NUMBER)
    assert await throttles[0].fetch_rate(NUMBER) == 50


async def test_server_hint_sets_the_pause(make: Callable[..., RedisThrottle]) -> None:
    throttle = make(rate=100)
    await throttle.report_rate_limited(NUMBER, retry_after=3.0)
    _, wait = await take(throttle)
    assert 2.5 < wait <= 3.0


async def test_pause_is_capped(make: Callable[..., RedisThrottle]) -> None:
    throttle = make(rate=100, max_pause=2.0)
    await throttle.report_rate_limited(NUMBER, retry_after=600.0)
    _, wait = await take(throttle)
    assert 1.5 < wait <= 2.0


async def test_first_slot_after_the_pause_has_no_burst(make: Callable[..., RedisThrottle]) -> None:
    throttle = make(rate=10, burst=10)  # 5/s after the report: a slot per 0.2 s
    await throttle.report_rate_limited(NUMBER, retry_after=0.2)
    await asyncio.sleep(0.3)
    # Sends resume one slot at a time from the pause's end, not ten at once.
    assert await immediate_grants(throttle, 10) <= 2


async def test_rate_floor_after_repeated_reports(make: Callable[..., RedisThrottle]) -> None:
    throttle = make(rate=100, min_rate_fraction=0.3)
    await throttle.report_rate_limited(NUMBER, retry_after=0.0)
    await asyncio.sleep(1.05)  # past the one-second "same event" window
    await throttle.report_rate_limited(NUMBER, retry_after=0.0)  # 25/s, below the floor
    assert await throttle.fetch_rate(NUMBER) == 30


async def test_rate_recovers_gradually_after_a_quiet_interval(
    make: Callable[..., RedisThrottle],
) -> None:
    throttle = make(rate=100, recovery_interval=0.3)
    await throttle.report_rate_limited(NUMBER, retry_after=0.0)
    await asyncio.sleep(0.35)
    partly = await throttle.fetch_rate(NUMBER)
    await asyncio.sleep(1.6)
    assert (50 < partly < 100, await throttle.fetch_rate(NUMBER)) == (True, 100)


# ---------------------------------------------------------------------------- rates


async def test_set_rate_is_seen_by_every_process(make: Callable[..., RedisThrottle]) -> None:
    first, second = make(rate=80), make(rate=80)
    await first.set_rate(NUMBER, 1000)
    assert await second.fetch_rate(NUMBER) == 1000


async def test_set_rate_changes_the_spacing(make: Callable[..., RedisThrottle]) -> None:
    first, second = make(rate=100, burst=1), make(rate=100, burst=1)
    await first.set_rate(NUMBER, 2)
    await take(second)
    _, wait = await take(second)
    assert 0.4 < wait <= 0.5


async def test_set_rate_ends_a_slow_down(make: Callable[..., RedisThrottle]) -> None:
    throttle = make(rate=100)
    await throttle.report_rate_limited(NUMBER)
    await throttle.set_rate(NUMBER, 100)
    assert await throttle.fetch_rate(NUMBER) == 100


async def test_set_rate_does_not_expire(
    make: Callable[..., RedisThrottle], raw: aioredis.Redis
) -> None:
    throttle = make(rate=100)
    await throttle.set_rate(NUMBER, 500)
    assert await raw.pttl(throttle.rate_key(NUMBER)) == -1


async def test_per_number_default_rates(make: Callable[..., RedisThrottle]) -> None:
    throttle = make(rate=80, rates={NUMBER: 1000})
    assert (await throttle.fetch_rate(NUMBER), await throttle.fetch_rate("999")) == (1000, 80)


async def test_rate_for_is_the_configured_rate_before_any_send(
    make: Callable[..., RedisThrottle],
) -> None:
    throttle = make(rate=80, rates={NUMBER: 1000})
    assert (throttle.rate_for(NUMBER), throttle.rate_for("999")) == (1000, 80)


async def test_rate_for_follows_the_shared_rate_seen_at_the_last_send(
    make: Callable[..., RedisThrottle],
) -> None:
    reporter, sender = make(rate=100), make(rate=100)
    await reporter.report_rate_limited(NUMBER, retry_after=0.0)
    await sender.acquire(NUMBER)
    assert sender.rate_for(NUMBER) == 50


async def test_set_rate_refuses_a_non_positive_rate(make: Callable[..., RedisThrottle]) -> None:
    with pytest.raises(ValueError):
        await make().set_rate(NUMBER, 0)


# ---------------------------------------------------------------------------- Redis away


def unreachable_url(password: str = "") -> str:
    auth = f":{password}@" if password else ""
    return f"redis://{auth}127.0.0.1:{free_port()}/0"


async def test_fail_mode_raises_a_library_error() -> None:
    async with RedisThrottle(unreachable_url(), socket_timeout=0.5) as throttle:
        with pytest.raises(ThrottleUnavailableError) as info:
            await throttle.acquire(NUMBER)
    assert isinstance(info.value, WhatsAppError) and "unreachable" in str(info.value)


async def test_error_text_does_not_show_the_redis_password() -> None:
    async with RedisThrottle(unreachable_url("s3cret-pw"), socket_timeout=0.5) as throttle:
        with pytest.raises(ThrottleUnavailableError) as info:
            await throttle.acquire(NUMBER)
    assert "s3cret-pw" not in str(info.value) + repr(throttle)


async def test_error_text_does_not_show_a_password_given_in_the_query() -> None:
    url = unreachable_url() + "?password=s3cret-pw"
    async with RedisThrottle(url, socket_timeout=0.5) as throttle:
        with pytest.raises(ThrottleUnavailableError) as info:
            await throttle.acquire(NUMBER)
    assert "s3cret-pw" not in str(info.value) and "127.0.0.1" in str(info.value)


def count_calls(throttle: RedisThrottle) -> list[int]:
    """Count the script runs ``throttle`` attempts from now on (in a one-item list)."""
    calls = [0]
    original = throttle._call

    async def counting(*args: Any, **kwargs: Any) -> tuple[int, int]:
        calls[0] += 1
        return await original(*args, **kwargs)

    throttle._call = counting  # type: ignore[method-assign]
    return calls


async def test_fail_mode_fails_at_once_between_probes() -> None:
    async with RedisThrottle(unreachable_url(), probe_interval=60) as throttle:
        calls = count_calls(throttle)
        for _ in range(3):
            with pytest.raises(ThrottleUnavailableError):
                await throttle.acquire(NUMBER)
    assert calls == [1]


async def test_fail_mode_send_raises_before_the_network() -> None:
    throttle = RedisThrottle(unreachable_url(), socket_timeout=0.5)
    async with WhatsAppClient(
        access_token="test-token", phone_number_id=NUMBER, throttle=throttle
    ) as wa:
        with aioresponses() as mocked:
            with pytest.raises(ThrottleUnavailableError):
                await wa.messages.send_text("15551234567", "hello")
            assert mocked.requests == {}
    await throttle.aclose()


async def test_report_never_raises_when_redis_is_away() -> None:
    async with RedisThrottle(unreachable_url(), socket_timeout=0.5) as throttle:
        await throttle.report_rate_limited(NUMBER)


async def test_local_mode_falls_back_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="whatsapp_async")
    async with RedisThrottle(
        unreachable_url(), on_unavailable="local", probe_interval=0.05, socket_timeout=0.5
    ) as throttle:
        for _ in range(5):
            await throttle.acquire(NUMBER)
            await asyncio.sleep(0.06)  # a failed probe each time
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "falling back" in warnings[0].getMessage()


async def test_local_fallback_runs_at_the_fraction_of_the_rate() -> None:
    async with RedisThrottle(
        unreachable_url(), rate=80, on_unavailable="local", fallback_fraction=0.25,
        rates={NUMBER: 1000},
    ) as throttle:
        await throttle.acquire(NUMBER)
        local = throttle._local
        assert isinstance(local, LocalThrottle)
        assert (local.rate_for("999"), local.rate_for(NUMBER)) == (20, 250)
        assert throttle.rate_for(NUMBER) == 250


async def test_local_mode_returns_to_redis_when_it_is_back(
    own_redis_server: RedisServer, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="whatsapp_async")
    async with RedisThrottle(
        own_redis_server.url, on_unavailable="local", probe_interval=0.1, key_prefix=prefix,
        socket_timeout=0.5,
    ) as throttle:
        await throttle.acquire(NUMBER)
        own_redis_server.kill()
        await throttle.acquire(NUMBER)
        assert throttle._local is not None
        own_redis_server.start()
        await asyncio.sleep(0.15)
        await throttle.acquire(NUMBER)
        raw = aioredis.Redis.from_url(own_redis_server.url)
        exists = await raw.exists(throttle.bucket_key(NUMBER))
        await raw.aclose()
    assert exists == 1
    assert "reachable again" in caplog.records[-1].getMessage()


async def test_fail_mode_works_again_when_redis_is_back(
    own_redis_server: RedisServer, prefix: str
) -> None:
    async with RedisThrottle(
        own_redis_server.url, probe_interval=0.1, key_prefix=prefix, socket_timeout=0.5
    ) as throttle:
        own_redis_server.kill()
        with pytest.raises(ThrottleUnavailableError):
            await throttle.acquire(NUMBER)
        own_redis_server.start()
        await asyncio.sleep(0.15)
        await throttle.acquire(NUMBER)


async def test_queued_senders_do_not_all_wait_on_a_dead_redis(
    own_redis_server: RedisServer, prefix: str
) -> None:
    async with RedisThrottle(
        own_redis_server.url, on_unavailable="local", probe_interval=60, key_prefix=prefix,
        rate=1000, max_reserved=2,
    ) as throttle:
        await throttle.acquire(NUMBER)
        own_redis_server.kill()
        calls = count_calls(throttle)
        await asyncio.gather(*(throttle.acquire(NUMBER) for _ in range(20)))
    assert calls[0] <= 2  # only the callers already holding a slot asked Redis


# ---------------------------------------------------------------------------- with the client


async def test_client_reports_130429_to_the_shared_bucket(
    make: Callable[..., RedisThrottle],
) -> None:
    throttle, other_process = make(rate=80), make(rate=80)
    body = load_fixture("facts/errors/130429_rate_limit_hit.json")
    async with WhatsAppClient(
        access_token="test-token", phone_number_id=NUMBER, throttle=throttle,
        retry=RetryPolicy.disabled(),
    ) as wa:
        with aioresponses() as mocked:
            mocked.post(f"{wa.base_url}/{NUMBER}/messages", status=400, payload=body)
            with pytest.raises(WhatsAppError):
                await wa.messages.send_text("15551234567", "hello")
    assert await other_process.fetch_rate(NUMBER) == 40


def busiest_second(times: list[float], window: float = 1.0) -> int:
    """The most grants in any ``window``-second span (the receiver counts per second)."""
    times = sorted(times)
    most, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


@pytest.mark.parametrize(
    ("modes", "switch"),
    [(("local", "local"), "restart"), (("fail", "local"), "restart"),
     (("local", "local"), "stall")],
)
async def test_no_second_goes_over_the_shared_rate_across_an_outage_and_recovery(
    own_redis_server: RedisServer, prefix: str, modes: tuple[str, str], switch: str
) -> None:
    # Two "processes" (two throttles, each half the rate in fallback) keep
    # 20 senders each waiting; Redis dies (or stops answering) and comes
    # back, and they go on. The sends queued on a fallback must not drain
    # while Redis hands out the full shared rate again.
    rate, burst = 50, 5
    grants: list[float] = []
    throttles = [
        RedisThrottle(
            own_redis_server.url, rate=rate, burst=burst, on_unavailable=mode,  # type: ignore[arg-type]
            fallback_fraction=0.5, probe_interval=0.5, socket_timeout=0.5, key_prefix=prefix,
        )
        for mode in modes
    ]
    stop = False

    async def sender(throttle: RedisThrottle) -> None:
        while not stop:
            try:
                await throttle.acquire(NUMBER)
            except ThrottleUnavailableError:
                await asyncio.sleep(0.05)
            else:
                grants.append(time.monotonic())

    def pause_redis() -> None:
        if switch == "restart":
            own_redis_server.kill()
        else:  # alive but silent, as under DEBUG SLEEP or a long fork
            own_redis_server._proc.send_signal(signal.SIGSTOP)  # type: ignore[union-attr]

    def resume_redis() -> None:
        if switch == "restart":
            own_redis_server.start()
        else:
            own_redis_server._proc.send_signal(signal.SIGCONT)  # type: ignore[union-attr]

    try:
        tasks = [asyncio.create_task(sender(t)) for t in throttles for _ in range(20)]
        await asyncio.sleep(1.5)
        await asyncio.to_thread(pause_redis)
        await asyncio.sleep(2.5)
        await asyncio.to_thread(resume_redis)
        await asyncio.sleep(4.0)
        stop = True
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for throttle in throttles:
            await throttle.aclose()
    assert not any(t._down for t in throttles)  # both went back to Redis
    assert len(grants) > 6 * rate * 0.4  # they kept sending throughout
    # Rate plus burst is what the bucket allows in a second; the window is
    # 20 ms short so that timer lateness on a busy machine is not counted.
    assert busiest_second(grants, window=0.98) <= rate + burst
