"""Throttle side effects that leave a single send's result unchanged: pacing, sweeps, repr.

The pacing rules are checked through the :class:`Throttle` protocol (what the
client tells any throttle), so they hold whatever throttle implements it.
"""

from __future__ import annotations

import asyncio

import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY
from tests.virtual_clock import on_virtual_clock
from whatsapp_async import (
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
