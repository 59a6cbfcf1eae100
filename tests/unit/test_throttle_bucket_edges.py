"""The Bucket's own edges, found by mutation testing (docs/mutation-testing.md).

The throttle inlines ``try_take`` on its free-token path; these call the
Bucket directly, at a clock far from zero, so ``tat - now`` is what is tested.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from whatsapp_async._bucket import Bucket


def test_a_new_bucket_gives_one_token_at_once_then_one_per_interval() -> None:
    bucket = Bucket(rate=2.0, burst=3.0, now=1000.0)
    assert bucket.try_take(1000.0)
    assert not bucket.try_take(1000.0)
    assert not bucket.try_take(1000.25)
    assert bucket.try_take(1000.5)
    assert not bucket.try_take(1000.5)


def test_a_new_bucket_of_burst_one_gives_its_token_at_once() -> None:
    bucket = Bucket(rate=0.5, burst=1.0, now=1000.0)
    assert bucket.try_take(1000.0)
    assert not bucket.try_take(1001.0)
    assert bucket.try_take(1002.0)


async def test_a_cancelled_waiter_at_the_head_of_the_line_does_not_hold_back_a_free_token() -> None:
    loop = asyncio.get_running_loop()
    bucket = Bucket(rate=1.0, burst=1.0, now=loop.time())
    gone: asyncio.Future[None] = loop.create_future()
    gone.cancel()
    bucket.waiters.append(gone)
    assert bucket.try_take(loop.time())
    assert not bucket.waiters


async def test_a_live_waiter_keeps_a_free_token_for_itself() -> None:
    loop = asyncio.get_running_loop()
    bucket = Bucket(rate=1.0, burst=1.0, now=loop.time())
    queued: asyncio.Future[None] = loop.create_future()
    bucket.waiters.append(queued)
    assert not bucket.try_take(loop.time())
    assert list(bucket.waiters) == [queued]


class _LateLoop:
    """A loop whose clock reads ``now`` and that records the times timers are armed for."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.armed: list[float] = []

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: Callable[..., object], *args: object) -> Any:
        self.armed.append(when)
        return None


async def test_a_timer_that_fires_late_releases_one_token_not_the_time_it_missed() -> None:
    loop = asyncio.get_running_loop()
    bucket = Bucket(rate=1.0, burst=1.0, now=0.0)
    waiters: list[asyncio.Future[None]] = [loop.create_future() for _ in range(3)]
    bucket.waiters.extend(waiters)
    late = _LateLoop(10.0)
    bucket._release(late)  # type: ignore[arg-type]
    assert [w.done() for w in waiters] == [True, False, False]
    assert late.armed == [11.0]
    assert bucket.level(10.0) == 1.0
