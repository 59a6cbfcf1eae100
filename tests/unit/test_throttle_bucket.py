"""LocalThrottle's own token bucket: the free-token fast path, waiting in line, pauses.

On the virtual clock (see tests/virtual_clock.py), so the times are exact.
"""

from __future__ import annotations

import asyncio

import pytest
from aioresponses import aioresponses

from tests.support import BASE
from tests.virtual_clock import on_virtual_clock
from whatsapp_async import LocalThrottle, RetryPolicy, WhatsAppClient
from whatsapp_async.types.common import Success

SLACK = 0.005


@on_virtual_clock
async def test_acquire_nowait_takes_a_free_token_and_refuses_an_empty_bucket() -> None:
    throttle = LocalThrottle(rate=10, burst=1)
    assert throttle.acquire_nowait("1") is False  # a new number goes through acquire()
    await throttle.acquire("1")
    assert throttle.acquire_nowait("1") is False  # the next token is 0.1 s away
    await asyncio.sleep(0.1)
    assert throttle.acquire_nowait("1") is True
    assert throttle.acquire_nowait("1") is False  # and that one was taken
    loop = asyncio.get_running_loop()
    start = loop.time()
    await throttle.acquire("1")
    assert loop.time() - start == pytest.approx(0.1, abs=SLACK)


@on_virtual_clock
async def test_acquire_nowait_does_not_jump_the_queue() -> None:
    throttle = LocalThrottle(rate=10, burst=1)
    await throttle.acquire("1")
    waiting = asyncio.ensure_future(throttle.acquire("1"))
    await asyncio.sleep(0.1 - 1e-4)
    await asyncio.sleep(2e-4)  # the waiter's token is due now
    assert waiting.done()
    assert throttle.acquire_nowait("1") is False


@on_virtual_clock
async def test_waiting_senders_are_served_in_the_order_they_came() -> None:
    throttle = LocalThrottle(rate=100, burst=1)
    order: list[int] = []

    async def send(i: int) -> None:
        await throttle.acquire("1")
        order.append(i)

    await asyncio.gather(*(send(i) for i in range(20)))
    assert order == list(range(20))


@on_virtual_clock
async def test_a_cancelled_waiter_takes_no_token() -> None:
    throttle = LocalThrottle(rate=10, burst=1)
    loop = asyncio.get_running_loop()
    await throttle.acquire("1")
    start = loop.time()
    first = asyncio.ensure_future(throttle.acquire("1"))
    second = asyncio.ensure_future(throttle.acquire("1"))
    await asyncio.sleep(0.05)
    first.cancel()
    await second
    # the token first was waiting for went to second, 0.1 s after the start, not 0.2
    assert loop.time() - start == pytest.approx(0.1, abs=SLACK)


@on_virtual_clock
async def test_a_pause_holds_senders_already_waiting() -> None:
    throttle = LocalThrottle(rate=100, burst=1)
    loop = asyncio.get_running_loop()
    await throttle.acquire("1")
    start = loop.time()
    waiting = asyncio.ensure_future(throttle.acquire("1"))
    await asyncio.sleep(0.001)
    await throttle.report_rate_limited("1", retry_after=0.5)
    await waiting
    # due at 0.01 s; the pause (0.5 s from the report) and a token at 50/s come first
    assert loop.time() - start == pytest.approx(0.001 + 0.52, abs=SLACK)


@on_virtual_clock
async def test_many_numbers_each_get_their_rate() -> None:
    throttle = LocalThrottle(rate=80)
    loop = asyncio.get_running_loop()
    counts = dict.fromkeys(range(100), 0)
    deadline = loop.time() + 2.0

    async def sender(number: int) -> None:
        while True:
            await throttle.acquire(str(number))
            if loop.time() >= deadline:
                return
            counts[number] += 1

    await asyncio.gather(*(sender(n) for n in counts for _ in range(4)))
    # 2 s at 80/s each, and every number the same: none is starved
    assert len(set(counts.values())) == 1
    assert 159 <= counts[0] <= 161


@on_virtual_clock
async def test_a_throttle_without_acquire_nowait_is_still_asked_for_every_send() -> None:
    class Counting:
        def __init__(self) -> None:
            self.acquired = 0

        async def acquire(self, phone_number_id: str) -> None:
            self.acquired += 1

        async def report_rate_limited(
            self, phone_number_id: str, retry_after: float | None = None
        ) -> None:
            pass

    throttle = Counting()
    async with WhatsAppClient("t", "1", throttle=throttle, retry=RetryPolicy.disabled()) as wa:
        with aioresponses() as m:
            m.post(f"{BASE}/1/messages", payload={"success": True}, repeat=True)
            for _ in range(3):
                await wa.messages._request(
                    "POST", "1", "messages", cast_to=Success, throttle=True
                )
    assert throttle.acquired == 3


@on_virtual_clock
async def test_sends_through_the_client_use_the_free_token_path() -> None:
    throttle = LocalThrottle(rate=1000)
    calls = 0
    original = throttle.acquire

    async def counting(phone_number_id: str) -> None:
        nonlocal calls
        calls += 1
        await original(phone_number_id)

    throttle.acquire = counting  # type: ignore[method-assign]
    async with WhatsAppClient("t", "1", throttle=throttle, retry=RetryPolicy.disabled()) as wa:
        with aioresponses() as m:
            m.post(f"{BASE}/1/messages", payload={"success": True}, repeat=True)
            for _ in range(5):
                await wa.messages._request(
                    "POST", "1", "messages", cast_to=Success, throttle=True
                )
                await asyncio.sleep(0.01)
    assert calls == 1  # only the first send, which made the bucket


def test_a_throttle_outlives_the_event_loop_it_was_first_used_on() -> None:
    throttle = LocalThrottle(rate=10, burst=1)

    async def first_run() -> None:
        await throttle.acquire("1")
        waiting = asyncio.ensure_future(throttle.acquire("1"))
        await asyncio.sleep(0)
        waiting.cancel()  # left cancelled in the line when this loop ends

    async def second_run() -> None:
        # (bounded: a line that kept the dead waiter and timer would wait forever)
        await asyncio.wait_for(throttle.acquire("1"), 2)
        await asyncio.wait_for(throttle.acquire("1"), 2)

    asyncio.run(first_run())
    asyncio.run(second_run())


def free_tokens(throttle: LocalThrottle, number: str) -> int:
    """How many tokens acquire_nowait hands out now, one after another (at most 100)."""
    taken = 0
    while taken < 100 and throttle.acquire_nowait(number):
        taken += 1
    return taken


@on_virtual_clock
async def test_tokens_taken_without_waiting_at_one_instant_stop_at_the_burst() -> None:
    throttle = LocalThrottle(rate=10, burst=3)
    await throttle.acquire("1")
    await asyncio.sleep(1)  # idle long enough to refill the whole burst
    assert free_tokens(throttle, "1") == 3


@on_virtual_clock
async def test_a_long_idle_refills_the_burst_and_no_more() -> None:
    throttle = LocalThrottle(rate=10, burst=3)
    await throttle.acquire("1")
    await asyncio.sleep(60)  # 600 tokens' worth of time
    assert free_tokens(throttle, "1") == 3
    await asyncio.sleep(0.1)
    assert free_tokens(throttle, "1") == 1


@on_virtual_clock
async def test_a_number_sent_from_only_without_waiting_is_still_forgotten_when_idle() -> None:
    throttle = LocalThrottle(rate=10, burst=2, idle_ttl=1.0)
    await throttle.acquire("1")
    await asyncio.sleep(0.5)
    assert throttle.acquire_nowait("1") is True
    await asyncio.sleep(5)
    await throttle.acquire("2")  # a new number's bucket sweeps the idle ones
    assert repr(throttle) == "LocalThrottle(rate=10, numbers=1)"


async def test_a_number_given_its_own_rate_gets_it_in_its_bucket() -> None:
    throttle = LocalThrottle(rate=100, rates={"2": 10})
    await throttle.acquire("1")
    await throttle.acquire("2")
    assert (throttle.rate_for("1"), throttle.rate_for("2")) == (100, 10)
