"""Throttle side effects that leave a single send's result unchanged: pacing, sweeps, repr.

The pacing rules are checked through the :class:`Throttle` protocol (what the
client tells any throttle), so they hold whatever throttle implements it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY
from tests.virtual_clock import on_virtual_clock
from whatsapp_async import (
    Answer,
    APIRequest,
    LocalThrottle,
    ThroughputLimitError,
    WhatsAppClient,
    WhatsAppError,
)
from whatsapp_async.types.common import Success

SEND = APIRequest("POST", ("1", "messages"), Success, phone_number_id="1")


class Reports:
    """A throttle without ``observe``: it gets the client's built-in pacing rules."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, float | None]] = []

    async def acquire(self, phone_number_id: str) -> None:
        return None

    async def report_rate_limited(
        self, phone_number_id: str, retry_after: float | None = None
    ) -> None:
        self.reports.append((phone_number_id, retry_after))


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, {"error": {"code": 100, "message": "Invalid parameter"}}),
        (400, {"error": {"code": 131056, "message": "pair rate limit"}}),
        (400, {"error": {"code": 80007, "message": "WABA rate limit"}}),
        (500, {"error": {"code": 131000, "message": "Something went wrong"}}),
        (502, None),  # a proxy's page, no Graph body
        (429, None),
    ],
)
async def test_an_error_answer_other_than_130429_is_not_reported_to_the_throttle(
    status: int, body: dict[str, object] | None
) -> None:
    throttle = Reports()
    async with WhatsAppClient("t", "1", retry=NO_RETRY, throttle=throttle) as wa:
        with aioresponses() as mock:
            if body is None:
                mock.post(f"{BASE}/1/messages", status=status, body=b"<html>bad gateway</html>")
            else:
                mock.post(f"{BASE}/1/messages", status=status, payload=body)
            with pytest.raises(WhatsAppError):  # a 5xx send is "may have been sent"
                await wa.request(SEND)
    assert throttle.reports == []


async def test_a_130429_is_reported_once_for_its_number() -> None:
    throttle = Reports()
    async with WhatsAppClient("t", "1", retry=NO_RETRY, throttle=throttle) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", status=400,
                      payload={"error": {"code": 130429, "message": "Rate limit hit"}})
            with pytest.raises(ThroughputLimitError):
                await wa.request(SEND)
    assert throttle.reports == [("1", None)]


async def test_a_success_is_not_reported_to_the_throttle() -> None:
    throttle = Reports()
    async with WhatsAppClient("t", "1", retry=NO_RETRY, throttle=throttle) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", payload={"success": True})
            await wa.request(SEND)
    assert throttle.reports == []


@on_virtual_clock
async def test_the_idle_sweep_runs_at_most_once_per_half_idle_ttl() -> None:
    # Scanning every bucket whenever a new number shows up would cost a run over
    # many numbers O(n) per send; the sweep waits idle_ttl / 2 between scans.
    throttle = LocalThrottle(rate=1000, idle_ttl=1.0)
    await throttle.acquire("old")  # t=0: a sweep; the next one is due at 0.5
    await asyncio.sleep(0.6)
    await throttle.acquire("a")  # t=0.6: a sweep, "old" is not idle long enough yet
    await asyncio.sleep(0.45)
    await throttle.acquire("b")  # t=1.05: "old" is stale, but no sweep is due before 1.1
    assert set(throttle._buckets) == {"old", "a", "b"}
    await asyncio.sleep(0.1)
    await throttle.acquire("c")  # t=1.15: the due sweep drops "old"
    assert set(throttle._buckets) == {"a", "b", "c"}


@on_virtual_clock
async def test_a_known_number_never_triggers_a_sweep() -> None:
    throttle = LocalThrottle(rate=1000, idle_ttl=1.0)
    await throttle.acquire("old")
    await throttle.acquire("busy")
    await asyncio.sleep(2.0)
    await throttle.acquire("busy")  # not a new bucket: nothing is scanned
    assert set(throttle._buckets) == {"old", "busy"}


@on_virtual_clock
async def test_the_repr_shows_the_rate_and_how_many_numbers_are_tracked() -> None:
    throttle = LocalThrottle(rate=12.5)
    assert repr(throttle) == "LocalThrottle(rate=12.5, numbers=0)"
    await throttle.acquire("1")
    await throttle.acquire("2")
    assert repr(throttle) == "LocalThrottle(rate=12.5, numbers=2)"


async def test_a_throttle_with_observe_sees_every_answer_with_its_number() -> None:
    seen: list[tuple[str, int]] = []

    class Observing(Reports):
        async def observe(self, phone_number_id: str, answer: Answer) -> None:
            seen.append((phone_number_id, answer.status))

    throttle = Observing()
    async with WhatsAppClient("t", "1", retry=NO_RETRY, throttle=throttle) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", payload={"success": True})
            mock.post(f"{BASE}/1/messages", status=400,
                      payload={"error": {"code": 130429, "message": "Rate limit hit"}})
            await wa.request(SEND)
            with pytest.raises(ThroughputLimitError):
                await wa.request(SEND)
    assert seen == [("1", 200), ("1", 400)]
    assert throttle.reports == []  # its own observe decides; the built-in rules stay out


# --------------------------------------------------------------------------- LocalThrottle


def test_redis_throttle_is_found_on_the_throttle_module_and_nothing_else_is() -> None:
    from whatsapp_async import throttle
    from whatsapp_async._redis_throttle import RedisThrottle

    assert throttle.RedisThrottle is RedisThrottle
    with pytest.raises(AttributeError) as info:
        _ = throttle.Nope  # type: ignore[attr-defined]
    assert str(info.value) == "module 'whatsapp_async.throttle' has no attribute 'Nope'"


async def test_set_rate_of_a_number_not_seen_yet_is_its_rate_from_then_on() -> None:
    throttle = LocalThrottle(rate=10)
    await throttle.set_rate("2", 200)
    assert throttle.rate_for("2") == 200
    assert throttle.rate_for("3") == 10


@on_virtual_clock
async def test_a_report_for_a_number_never_sent_from_makes_a_usable_bucket() -> None:
    throttle = LocalThrottle(rate=100, idle_ttl=1.0, max_pause=0.0)
    await throttle.report_rate_limited("new")
    assert throttle.rate_for("new") == 50
    await asyncio.sleep(2.0)
    await throttle.acquire("other")  # a sweep reads every bucket's times
    await throttle.acquire("new")


@on_virtual_clock
async def test_a_report_after_a_short_pause_but_within_the_second_is_the_same_event() -> None:
    throttle = LocalThrottle(rate=100, burst=1)
    await throttle.report_rate_limited("1", retry_after=0.2)
    await asyncio.sleep(0.5)  # past the pause, within the second of the first report
    await throttle.report_rate_limited("1", retry_after=0.2)
    assert throttle.rate_for("1") == 50


@on_virtual_clock
async def test_a_report_within_a_long_pause_is_the_same_event() -> None:
    throttle = LocalThrottle(rate=100, burst=1)
    await throttle.report_rate_limited("1", retry_after=3.0)
    await asyncio.sleep(1.5)  # past the first second, within the pause
    await throttle.report_rate_limited("1")
    assert throttle.rate_for("1") == 50


@on_virtual_clock
async def test_a_short_hint_within_the_event_lengthens_the_pause_by_that_much_only() -> None:
    throttle = LocalThrottle(rate=100, burst=1)
    await throttle.acquire("1")
    await throttle.report_rate_limited("1", retry_after=0.1)
    await asyncio.sleep(0.2)
    await throttle.report_rate_limited("1", retry_after=0.3)  # the pause now ends at 0.5
    # 0.3 s more of pause, then one token at 50/s
    assert await timed(throttle.acquire("1")) == pytest.approx(0.32, abs=SLACK)


@on_virtual_clock
async def test_a_hit_a_minute_after_the_last_starts_the_pauses_over() -> None:
    throttle = LocalThrottle(rate=100, burst=1, recovery_interval=1000)
    await throttle.acquire("1")
    await throttle.report_rate_limited("1")
    await asyncio.sleep(60.5)
    await throttle.report_rate_limited("1")
    # a 1 s pause again, not 2 s; then a token at 25/s
    assert await timed(throttle.acquire("1")) == pytest.approx(1.04, abs=SLACK)


@on_virtual_clock
async def test_the_rate_climbs_a_tenth_per_quiet_interval_counted_from_the_last_step() -> None:
    throttle = LocalThrottle(rate=100, burst=1, recovery_interval=1.0, max_pause=0.0)
    await asyncio.sleep(10)  # the steps are counted from the report, not from time 0
    await throttle.report_rate_limited("1")
    assert throttle.rate_for("1") == 50
    await asyncio.sleep(1.05)
    await throttle.acquire("1")
    assert throttle.rate_for("1") == pytest.approx(60)
    await asyncio.sleep(1.0)
    await throttle.acquire("1")
    assert throttle.rate_for("1") == pytest.approx(70)


@on_virtual_clock
async def test_a_throughput_hit_is_logged_with_the_pause_and_the_new_rate(
    caplog: pytest.LogCaptureFixture,
) -> None:
    throttle = LocalThrottle(rate=100)
    with caplog.at_level(logging.INFO, logger="whatsapp_async"):
        await throttle.report_rate_limited("1234", retry_after=0.3)
    assert [r.getMessage() for r in caplog.records] == [
        "throughput limit hit for number 1234: pausing 0.3s, rate now 50.0/s"
    ]


async def timed(awaitable: Awaitable[object]) -> float:
    loop = asyncio.get_running_loop()
    start = loop.time()
    await awaitable
    return loop.time() - start


# Each idle turn of the virtual clock moves it on by a microsecond or so.
SLACK = 0.005


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate": 0}, "rate must be > 0 messages per second, got 0"),
        ({"rates": {"x": -1.5}}, "rate must be > 0 messages per second, got -1.5"),
        ({"burst": 0.5}, "burst must be >= 1, got 0.5"),
    ],
)
def test_a_refused_rate_says_what_it_got(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        LocalThrottle(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_the_default_rate_is_meta_s_default_of_80_per_second() -> None:
    assert LocalThrottle().rate_for("1") == 80


@on_virtual_clock
async def test_the_default_burst_is_a_tenth_of_a_second_s_worth() -> None:
    throttle = LocalThrottle(rate=100)  # burst 10
    await throttle.acquire("1")
    await asyncio.sleep(1.0)  # the bucket empties
    assert await timed(asyncio.gather(*(throttle.acquire("1") for _ in range(10)))) < SLACK
    assert await timed(throttle.acquire("1")) == pytest.approx(0.01, abs=SLACK)


@on_virtual_clock
async def test_at_a_low_rate_the_default_burst_is_one_token() -> None:
    throttle = LocalThrottle(rate=5)
    await throttle.acquire("1")
    await asyncio.sleep(2.0)
    assert await timed(throttle.acquire("1")) < SLACK
    assert await timed(throttle.acquire("1")) == pytest.approx(0.2, abs=SLACK)


async def test_an_observe_attribute_that_is_not_callable_leaves_the_built_in_rules() -> None:
    class NotObserving(Reports):
        observe = None

    throttle = NotObserving()
    async with WhatsAppClient("t", "1", retry=NO_RETRY, throttle=throttle) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", status=400,
                      payload={"error": {"code": 130429, "message": "Rate limit hit"}})
            with pytest.raises(ThroughputLimitError):
                await wa.request(SEND)
    assert throttle.reports == [("1", None)]


@on_virtual_clock
async def test_the_default_longest_pause_is_30_seconds() -> None:
    throttle = LocalThrottle(rate=100, burst=1)
    await throttle.acquire("1")
    await throttle.report_rate_limited("1", retry_after=600)
    assert await timed(throttle.acquire("1")) == pytest.approx(30.02, abs=SLACK)


@on_virtual_clock
async def test_the_default_recovery_step_comes_after_5_quiet_seconds() -> None:
    throttle = LocalThrottle(rate=100, max_pause=0.0)
    await throttle.report_rate_limited("1")
    await asyncio.sleep(4.9)
    await throttle.acquire("1")
    assert throttle.rate_for("1") == 50
    await asyncio.sleep(0.2)
    await throttle.acquire("1")
    assert throttle.rate_for("1") == 60


@on_virtual_clock
async def test_an_unused_number_is_forgotten_after_the_default_5_minutes() -> None:
    throttle = LocalThrottle(rate=100)
    await throttle.acquire("old")
    await asyncio.sleep(300.5)
    await throttle.acquire("new")
    assert set(throttle._buckets) == {"new"}


@on_virtual_clock
async def test_a_new_rate_on_an_idle_bucket_lets_the_next_send_go_at_once() -> None:
    throttle = LocalThrottle(rate=10, burst=1)
    await throttle.acquire("1")
    await asyncio.sleep(1.0)
    await throttle.set_rate("1", 20)
    assert await timed(throttle.acquire("1")) < SLACK
