"""LocalThrottle: per-number buckets, sharing, 130429 slow-down, eviction.

These tests run on an event loop with a virtual clock (the throttle's clock is
the loop's), so waits take no real time and the measured times are exact: a
throttle that lets sends through too early, or holds them too long, fails.
"""

from __future__ import annotations

import asyncio

import pytest
from aioresponses import aioresponses

from tests.support import BASE
from tests.virtual_clock import VirtualClockLoop, on_virtual_clock
from whatsapp_async import LocalThrottle, RetryPolicy, Throttle, WhatsAppClient
from whatsapp_async.types.common import Success

# Each idle turn of the virtual clock moves it on by a microsecond or so.
SLACK = 0.005


async def timed(coro_factories: list[asyncio.Future[None]] | list[object]) -> float:
    loop = asyncio.get_running_loop()
    assert isinstance(loop, VirtualClockLoop)
    start = loop.time()
    await asyncio.gather(*coro_factories)  # type: ignore[arg-type]
    return loop.time() - start


def test_local_throttle_satisfies_the_protocol() -> None:
    assert isinstance(LocalThrottle(), Throttle)


@on_virtual_clock
async def test_n_acquires_at_rate_r_take_about_n_over_r() -> None:
    throttle = LocalThrottle(rate=50, burst=1)
    elapsed = await timed([throttle.acquire("1") for _ in range(26)])
    # 26 tokens with a burst of 1: the first is free, 25 more at 50/s = 0.5 s.
    assert elapsed == pytest.approx(0.5, abs=SLACK)


@on_virtual_clock
async def test_sends_through_the_client_are_throttled() -> None:
    async with WhatsAppClient("t", "1", messages_per_second=40, retry=RetryPolicy.disabled()) as wa:
        with aioresponses() as m:
            m.post(f"{BASE}/1/messages", payload={"success": True}, repeat=True)
            elapsed = await timed([
                wa.messages._request("POST", "1", "messages", cast_to=Success, throttle=True)
                for _ in range(25)
            ])
    # The bucket (4 tokens at 40/s) starts nearly full: the first send goes at
    # once, the 24 others one per 1/40 s.
    assert elapsed == pytest.approx(0.6, abs=SLACK)


@on_virtual_clock
async def test_non_send_calls_do_not_take_tokens() -> None:
    throttle = LocalThrottle(rate=1, burst=1)
    async with WhatsAppClient("t", "1", throttle=throttle, retry=RetryPolicy.disabled()) as wa:
        with aioresponses() as m:
            m.get(f"{BASE}/1", payload={"success": True}, repeat=True)
            elapsed = await timed([
                wa.messages._request("GET", "1", cast_to=Success) for _ in range(10)
            ])
    assert elapsed < SLACK


@on_virtual_clock
async def test_two_numbers_do_not_share_a_bucket() -> None:
    throttle = LocalThrottle(rate=20, burst=1)
    elapsed = await timed(
        [throttle.acquire("A") for _ in range(11)] + [throttle.acquire("B") for _ in range(11)]
    )
    # each number: 10 waits at 20/s = 0.5 s; shared they would take 1.05 s
    assert elapsed == pytest.approx(0.5, abs=SLACK)


@on_virtual_clock
async def test_two_clients_given_one_throttle_share_it() -> None:
    throttle = LocalThrottle(rate=20, burst=1)
    one = WhatsAppClient("t", "1", throttle=throttle, retry=RetryPolicy.disabled())
    two = WhatsAppClient("t", "1", throttle=throttle, retry=RetryPolicy.disabled())
    async with one, two:
        with aioresponses() as m:
            m.post(f"{BASE}/1/messages", payload={"success": True}, repeat=True)
            sends = [
                c.messages._request("POST", "1", "messages", cast_to=Success, throttle=True)
                for c in (one, two) for _ in range(11)
            ]
            elapsed = await timed(sends)
    # 22 tokens from one bucket at 20/s: the first at once, 21 more in 1.05 s
    assert elapsed == pytest.approx(1.05, abs=SLACK)


@on_virtual_clock
async def test_views_share_the_clients_throttle() -> None:
    async with WhatsAppClient("t", "1") as wa:
        assert wa.for_number("2").throttle is wa.throttle
        assert wa.with_options(timeout=1).throttle is wa.throttle


@on_virtual_clock
async def test_rate_limit_report_pauses_and_halves_the_rate() -> None:
    throttle = LocalThrottle(rate=100, burst=1)
    await throttle.acquire("1")
    await throttle.report_rate_limited("1", retry_after=0.3)
    assert throttle.rate_for("1") == 50
    elapsed = await timed([throttle.acquire("1")])
    # the 0.3 s pause, then one token at the halved rate (50/s)
    assert elapsed == pytest.approx(0.32, abs=SLACK)
    # the other number is untouched
    assert await timed([throttle.acquire("2")]) < SLACK


@on_virtual_clock
async def test_consecutive_reports_double_the_pause_and_floor_the_rate() -> None:
    throttle = LocalThrottle(rate=100, burst=1, min_rate_fraction=0.2, max_pause=0.0)
    for _ in range(5):
        await throttle.report_rate_limited("1")
        await asyncio.sleep(1.1)  # past the pause and the second that makes one event
    assert throttle.rate_for("1") == 20  # 100 -> 50 -> 25 -> 20 (floor) -> 20 -> 20


@on_virtual_clock
async def test_pauses_double_with_each_separate_event() -> None:
    throttle = LocalThrottle(rate=100, burst=1, recovery_interval=100)
    await throttle.acquire("1")
    await throttle.report_rate_limited("1")
    assert await timed([throttle.acquire("1")]) == pytest.approx(1.02, abs=SLACK)
    await throttle.report_rate_limited("1")
    # the second event, after the first pause ended: 2 s, at 25/s
    assert await timed([throttle.acquire("1")]) == pytest.approx(2.04, abs=SLACK)


@on_virtual_clock
async def test_a_burst_of_concurrent_reports_is_one_event() -> None:
    throttle = LocalThrottle(rate=200, burst=1)
    await throttle.acquire("1")
    # five sends in flight together all answered 130429
    await asyncio.gather(*(throttle.report_rate_limited("1") for _ in range(5)))
    assert throttle.rate_for("1") == 100  # halved once, not floored at 20
    # one pause of 1 s (no hint), then a token at 100/s; not 2**4 = 16 s
    assert await timed([throttle.acquire("1")]) == pytest.approx(1.01, abs=SLACK)
    # and sends go on at the halved rate
    assert await timed([throttle.acquire("1") for _ in range(10)]) == pytest.approx(
        0.1, abs=SLACK
    )


@on_virtual_clock
async def test_reports_within_the_pause_may_lengthen_it_but_do_not_slow_down_again() -> None:
    throttle = LocalThrottle(rate=100, burst=1)
    await throttle.acquire("1")
    await throttle.report_rate_limited("1", retry_after=0.5)
    await asyncio.sleep(0.2)
    await throttle.report_rate_limited("1", retry_after=2.0)  # the API asks for longer
    await throttle.report_rate_limited("1", retry_after=0.1)  # a shorter hint changes nothing
    assert throttle.rate_for("1") == 50
    # the pause now ends 2 s after the second report, then one token at 50/s
    assert await timed([throttle.acquire("1")]) == pytest.approx(2.02, abs=SLACK)


@on_virtual_clock
async def test_rate_recovers_gradually_after_quiet_periods() -> None:
    throttle = LocalThrottle(rate=100, burst=1, recovery_interval=0.1, max_pause=0.0)
    await throttle.report_rate_limited("1")
    assert throttle.rate_for("1") == 50
    await asyncio.sleep(0.25)
    await throttle.acquire("1")
    assert 50 < throttle.rate_for("1") < 100
    await asyncio.sleep(0.6)
    await throttle.acquire("1")
    assert throttle.rate_for("1") == 100


@on_virtual_clock
async def test_idle_buckets_are_evicted() -> None:
    throttle = LocalThrottle(rate=1000, idle_ttl=0.05)
    for n in range(50):
        await throttle.acquire(f"n{n}")
    assert len(throttle._buckets) == 50
    await asyncio.sleep(0.1)
    await throttle.acquire("fresh")
    assert set(throttle._buckets) == {"fresh"}


@on_virtual_clock
async def test_set_rate_applies_to_a_live_bucket() -> None:
    throttle = LocalThrottle(rate=10, burst=1)
    await throttle.acquire("1")
    await throttle.set_rate("1", 200)
    elapsed = await timed([throttle.acquire("1") for _ in range(20)])
    # 20 tokens at 200/s, not at 10/s (2 s)
    assert elapsed == pytest.approx(0.1, abs=SLACK)


def test_per_number_rates() -> None:
    throttle = LocalThrottle(rate=80, rates={"big": 1000})
    assert throttle.rate_for("big") == 1000
    assert throttle.rate_for("other") == 80


@pytest.mark.parametrize("kwargs", [{"rate": 0}, {"rate": -5}, {"burst": 0.5},
                                    {"rates": {"x": 0}}])
def test_nonsense_rates_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        LocalThrottle(**kwargs)  # type: ignore[arg-type]


@on_virtual_clock
async def test_the_first_send_goes_at_once_even_at_a_low_rate() -> None:
    throttle = LocalThrottle(rate=0.5)
    assert await timed([throttle.acquire("1")]) < SLACK
    assert await timed([throttle.acquire("1")]) == pytest.approx(2.0, abs=SLACK)
