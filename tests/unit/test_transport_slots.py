"""The transport's first-come-first-served limit on requests in flight.

aiohttp's pool lets a task that just released a connection take it again
before the waiter woken for it; the transport's Slots hand each freed place to
the longest waiter instead, so many numbers sharing one client all get their turn.
"""

from __future__ import annotations

import asyncio

import pytest
from aioresponses import CallbackResult, aioresponses

from tests.support import BASE
from whatsapp_async import ConnectError, RetryPolicy, WhatsAppClient
from whatsapp_async._slots import Slots
from whatsapp_async.types.common import Success


async def test_a_freed_place_goes_to_the_longest_waiter_not_to_a_newcomer() -> None:
    slots = Slots(1)
    slots.free -= 1  # the place is in use
    order: list[str] = []

    async def waiter(name: str) -> None:
        await slots.wait()
        order.append(name)

    first = asyncio.ensure_future(waiter("first"))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(waiter("second"))
    await asyncio.sleep(0)
    slots.release()
    # a newcomer asking now finds no free place: it was handed to "first"
    assert slots.free == 0
    await first
    slots.release()
    await second
    assert order == ["first", "second"]
    slots.release()
    assert slots.free == 1


async def test_a_waiter_cancelled_after_being_handed_a_place_passes_it_on() -> None:
    slots = Slots(1)
    slots.free = 0
    first = asyncio.ensure_future(slots.wait())
    second = asyncio.ensure_future(slots.wait())
    await asyncio.sleep(0)
    slots.release()  # handed to first...
    first.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, 1)  # the place went on to second
    assert slots.free == 0


async def test_sends_beyond_the_pool_wait_their_turn_in_order() -> None:
    arrived: list[int] = []
    release = asyncio.Event()

    async def answer(url: object, **kwargs: object) -> CallbackResult:
        arrived.append(int(kwargs["params"]["n"]))  # type: ignore[index]
        await release.wait()
        return CallbackResult(payload={"success": True})

    async with WhatsAppClient("t", "1", max_connections=2, retry=RetryPolicy.disabled()) as wa:
        with aioresponses() as m:
            m.get(f"{BASE}/1?n=0", callback=answer)
            for n in range(1, 6):
                m.get(f"{BASE}/1?n={n}", callback=answer)
            calls = [
                asyncio.ensure_future(
                    wa.messages._request("GET", "1", cast_to=Success, params={"n": str(n)})
                )
                for n in range(6)
            ]
            await asyncio.sleep(0.05)
            assert arrived == [0, 1]  # two in flight, four waiting
            release.set()
            await asyncio.gather(*calls)
    assert arrived == [0, 1, 2, 3, 4, 5]


async def test_no_free_place_within_the_connect_timeout_is_a_connect_error() -> None:
    hold = asyncio.Event()

    async def answer(url: object, **kwargs: object) -> CallbackResult:
        await hold.wait()
        return CallbackResult(payload={"success": True})

    async with WhatsAppClient(
        "t", "1", max_connections=1, connect_timeout=0.05, retry=RetryPolicy.disabled()
    ) as wa:
        with aioresponses() as m:
            m.get(f"{BASE}/1", callback=answer, repeat=True)
            busy = asyncio.ensure_future(wa.messages._request("GET", "1", cast_to=Success))
            await asyncio.sleep(0.01)
            with pytest.raises(ConnectError) as caught:
                # (bounded: without the limit this call would wait on `hold` forever)
                await asyncio.wait_for(wa.messages._request("GET", "1", cast_to=Success), 2)
            assert not caught.value.may_have_been_sent
            hold.set()
            await busy


async def test_a_waiter_that_timed_out_takes_no_place_freed_later() -> None:
    slots = Slots(1)
    slots.free = 0
    assert await slots.wait(timeout=0.01) is False  # nobody released in time
    second = asyncio.ensure_future(slots.wait(timeout=5))
    await asyncio.sleep(0)
    slots.release()  # skips the one that gave up
    assert await asyncio.wait_for(second, 1) is True
    slots.release()  # nobody is waiting any more
    assert slots.free == 1


async def test_a_place_handed_over_before_the_timeout_is_kept() -> None:
    slots = Slots(1)
    slots.free = 0
    waiting = asyncio.ensure_future(slots.wait(timeout=0.05))
    await asyncio.sleep(0)
    slots.release()
    assert await waiting is True
    await asyncio.sleep(0.1)  # past the timeout: the place stays taken, nobody waits
    assert (slots.free, len(slots.waiters)) == (0, 0)
