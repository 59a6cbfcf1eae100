"""RedisThrottle's edges against a real redis-server: its settings and their
refusals, what its errors, logs and repr say, the pause a hint sets, and the
local fallback's share of a 130429 and of the burst."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis

from tests.redis_server import RedisServer, free_port
from whatsapp_async import ThrottleUnavailableError
from whatsapp_async.throttle import LocalThrottle, RedisThrottle

NUMBER = "1234567890"


@pytest.fixture
async def make(redis_server: RedisServer) -> AsyncIterator[Callable[..., RedisThrottle]]:
    """Throttles on the session's Redis, each test under its own prefix; closed afterwards."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    made: list[RedisThrottle] = []

    def factory(**kwargs: Any) -> RedisThrottle:
        kwargs.setdefault("key_prefix", prefix)
        throttle = RedisThrottle(redis_server.url, **kwargs)
        made.append(throttle)
        return throttle

    yield factory
    for throttle in made:
        await throttle.aclose()


@pytest.fixture
async def raw(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


def unreachable_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


async def pause_end(raw: aioredis.Redis, throttle: RedisThrottle) -> float:
    """When the number's pause ends, in microseconds of the Redis server's clock."""
    value = await raw.hget(throttle.bucket_key(NUMBER), "pu")
    assert value is not None
    return float(value)


async def server_micros(raw: aioredis.Redis) -> int:
    seconds, micros = await raw.time()
    return int(seconds) * 1_000_000 + int(micros)


# ---------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"on_unavailable": "ignore"}, "on_unavailable must be 'fail' or 'local', got 'ignore'"),
        ({"fallback_fraction": 0}, "fallback_fraction must be in (0, 1], got 0"),
        ({"min_rate_fraction": 0}, "min_rate_fraction must be in (0, 1], got 0"),
        ({"min_rate_fraction": 1.5}, "min_rate_fraction must be in (0, 1], got 1.5"),
        ({"idle_ttl": 0}, "idle_ttl must be > 0 seconds, got 0"),
        ({"recovery_interval": 0}, "recovery_interval must be > 0 seconds, got 0"),
        ({"max_pause": -1}, "max_pause must be > 0 seconds, got -1"),
        ({"probe_interval": 0}, "probe_interval must be > 0 seconds, got 0"),
        ({"socket_timeout": 0}, "socket_timeout must be > 0 seconds, got 0"),
        ({"max_reserved": 0}, "max_reserved must be >= 1, got 0"),
    ],
)
def test_a_refused_setting_is_named_with_its_rule(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as info:
        RedisThrottle("redis://127.0.0.1:1/0", **kwargs)
    assert str(info.value) == message


def test_the_ends_of_each_range_are_accepted() -> None:
    RedisThrottle(
        "redis://127.0.0.1:1/0", on_unavailable="local", fallback_fraction=1,
        min_rate_fraction=1, idle_ttl=0.5, recovery_interval=0.5, max_pause=0.5,
        probe_interval=0.5, socket_timeout=0.5, max_reserved=1,
    )


async def test_the_defaults_are_80_per_second_under_the_library_prefix(
    make: Callable[..., RedisThrottle],
) -> None:
    throttle = RedisThrottle("redis://127.0.0.1:1/0")
    assert throttle.rate_for(NUMBER) == 80
    assert throttle.bucket_key(NUMBER) == "whatsapp_async:{1234567890}:bucket"
    assert throttle.rate_key(NUMBER) == "whatsapp_async:{1234567890}:rate"
    await throttle.aclose()


async def test_an_idle_bucket_lives_300_seconds_by_default(
    make: Callable[..., RedisThrottle], raw: aioredis.Redis
) -> None:
    throttle = make()
    await throttle.acquire(NUMBER)
    # the key lasts until the reserved slot (1/80 s ahead) plus the idle time
    assert 299_000 < await raw.pttl(throttle.bucket_key(NUMBER)) <= 300_100


async def test_a_rate_limit_report_pauses_30_seconds_at_most_by_default(
    make: Callable[..., RedisThrottle], raw: aioredis.Redis
) -> None:
    throttle = make()
    await throttle.report_rate_limited(NUMBER, retry_after=600.0)
    after = await server_micros(raw)
    pause_until = await pause_end(raw, throttle)
    assert 29_000_000 < pause_until - after <= 30_000_000


# ---------------------------------------------------------------------------- what it says


async def test_the_repr_shows_the_rate_the_prefix_and_whether_redis_is_shared(
    make: Callable[..., RedisThrottle],
) -> None:
    shared = make(rate=80, key_prefix="p")
    assert repr(shared) == "RedisThrottle(rate=80, prefix='p', shared)"
    async with RedisThrottle(
        unreachable_url(), rate=20, key_prefix="q", on_unavailable="local", probe_interval=60
    ) as away:
        await away.acquire(NUMBER)
        assert repr(away) == "RedisThrottle(rate=20, prefix='q', falling back to local)"


async def test_the_error_names_the_redis_its_cause_and_the_way_out() -> None:
    url = unreachable_url()
    async with RedisThrottle(url + "?socket_keepalive=true#frag", socket_timeout=0.5) as throttle:
        with pytest.raises(ThrottleUnavailableError) as info:
            await throttle.acquire(NUMBER)
    text = str(info.value)
    assert text.startswith(f"the shared throttle's Redis ({url}) is unreachable (ConnectionError: ")
    assert text.endswith(
        "); nothing was sent. Pass on_unavailable='local' to fall back to a per-process limit"
    )


async def test_the_error_of_a_unix_socket_names_its_path(tmp_path: Any) -> None:
    path = f"{tmp_path}/redis.sock"
    async with RedisThrottle(f"unix://{path}?db=0", socket_timeout=0.5) as throttle:
        with pytest.raises(ThrottleUnavailableError) as info:
            await throttle.acquire(NUMBER)
    assert f"Redis (unix:{path}) is unreachable" in str(info.value)


async def test_the_error_of_a_borrowed_client_says_so() -> None:
    client = aioredis.Redis.from_url(unreachable_url(), socket_timeout=0.5)
    with pytest.raises(ThrottleUnavailableError) as info:
        await RedisThrottle(client).acquire(NUMBER)
    await client.aclose()
    assert "Redis (the given Redis client) is unreachable" in str(info.value)


@pytest.mark.parametrize("call", ["fetch_rate", "set_rate"])
async def test_reading_or_setting_a_rate_with_redis_away_names_the_cause(call: str) -> None:
    async with RedisThrottle(unreachable_url(), socket_timeout=0.5) as throttle:
        with pytest.raises(ThrottleUnavailableError) as info:
            if call == "fetch_rate":
                await throttle.fetch_rate(NUMBER)
            else:
                await throttle.set_rate(NUMBER, 10)
    assert "is unreachable (ConnectionError: " in str(info.value)


async def test_a_rate_limit_report_logs_the_pause_and_the_new_shared_rate(
    make: Callable[..., RedisThrottle], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="whatsapp_async")
    await make(rate=100).report_rate_limited(NUMBER, retry_after=2.0)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == [
        "throughput limit hit for number 1234567890: all processes pause 2.0s, "
        "shared rate now 50.0/s"
    ]


# ---------------------------------------------------------------------------- the pause


async def test_a_zero_hint_slows_the_number_down_without_a_pause(
    make: Callable[..., RedisThrottle],
) -> None:
    throttle = make(rate=100)
    await throttle.report_rate_limited(NUMBER, retry_after=0.0)
    reserved, _ = await throttle._call("take", NUMBER)
    assert reserved == 1
    assert throttle.rate_for(NUMBER) == 50


async def test_a_hint_sets_the_pause_to_the_microsecond(
    make: Callable[..., RedisThrottle], raw: aioredis.Redis
) -> None:
    throttle = make(rate=100, max_pause=100_000)
    before = await server_micros(raw)
    await throttle.report_rate_limited(NUMBER, retry_after=20_000.0)
    after = await server_micros(raw)
    pause_until = await pause_end(raw, throttle)
    # Redis's TIME inside the script fell between the two readings.
    assert before + 20_000_000_000 <= pause_until <= after + 20_000_000_000


# ---------------------------------------------------------------------------- the fallback


async def test_with_redis_away_a_report_slows_the_local_fallback_of_that_number_only() -> None:
    async with RedisThrottle(
        unreachable_url(), rate=80, on_unavailable="local", probe_interval=60, socket_timeout=0.5
    ) as throttle:
        await throttle.acquire(NUMBER)
        await throttle.report_rate_limited(NUMBER, retry_after=0.0)
        assert (throttle.rate_for(NUMBER), throttle.rate_for("999")) == (20, 40)
        # the hint reached the fallback: no pause, the next send goes at the halved rate
        await asyncio.wait_for(throttle.acquire(NUMBER), 0.5)


async def test_the_fallback_pauses_no_longer_than_max_pause() -> None:
    async with RedisThrottle(
        unreachable_url(), on_unavailable="local", probe_interval=60, max_pause=0.2,
        socket_timeout=0.5,
    ) as throttle:
        await throttle.acquire(NUMBER)
        await throttle.report_rate_limited(NUMBER, retry_after=600.0)
        await asyncio.wait_for(throttle.acquire(NUMBER), 1.0)


@pytest.mark.parametrize(("burst", "fallback_burst"), [(10, 5), (2, 1), (1, 1), (None, 5)])
async def test_the_fallback_gets_its_share_of_the_burst_and_at_least_one(
    burst: float | None, fallback_burst: int
) -> None:
    # At 100/s shared, the fallback's half (50/s) refills a burst of 5 in 0.1 s;
    # without a burst of its own it takes a tenth of a second's worth, like Redis.
    async with RedisThrottle(
        unreachable_url(), rate=100, burst=burst, on_unavailable="local", probe_interval=60,
        fallback_fraction=0.5, socket_timeout=0.5,
    ) as throttle:
        await throttle.acquire(NUMBER)
        local = throttle._local
        assert isinstance(local, LocalThrottle)
        await asyncio.sleep(0.3)  # the fallback's bucket is full again
        immediate = sum([local.acquire_nowait(NUMBER) for _ in range(12)])
    assert immediate == fallback_burst


async def test_back_on_redis_the_rate_is_the_shared_one_not_the_fallbacks(
    own_redis_server: RedisServer,
) -> None:
    async with RedisThrottle(
        own_redis_server.url, rate=80, on_unavailable="local", probe_interval=0.1,
        socket_timeout=0.5, key_prefix=f"t{uuid.uuid4().hex[:12]}",
    ) as throttle:
        await throttle.acquire(NUMBER)
        own_redis_server.kill()
        await throttle.acquire(NUMBER)
        assert throttle.rate_for(NUMBER) == 40  # the fallback's half
        own_redis_server.start()
        await asyncio.sleep(0.15)
        await throttle.acquire(NUMBER)
        assert throttle.rate_for(NUMBER) == 80


async def test_an_outage_found_by_a_report_is_logged_with_its_cause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="whatsapp_async")
    async with RedisThrottle(
        unreachable_url(), on_unavailable="local", socket_timeout=0.5
    ) as throttle:
        await throttle.report_rate_limited(NUMBER)
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "is unreachable (ConnectionError: " in warning
