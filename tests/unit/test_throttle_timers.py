"""LocalThrottle's timers and usage headers at their edges (found by the mutation run, issue 20).

On the virtual clock (see tests/virtual_clock.py), so the times are exact.
A test may move the clock on inside a task (``loop.now += ...``): that is a
loop busy with other work, whose due timers have not run yet.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from tests.virtual_clock import VirtualClockLoop, on_virtual_clock
from whatsapp_async import LocalThrottle
from whatsapp_async.testing._usage_header import usage_header

SLACK = 0.005


def _record_timers(loop: asyncio.AbstractEventLoop) -> list[asyncio.TimerHandle]:
    """Every timer armed on ``loop`` from now on (through the public ``call_at``)."""
    armed: list[asyncio.TimerHandle] = []
    call_at = loop.call_at

    def recording(when: float, callback: Any, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        handle = call_at(when, callback, *args, **kwargs)
        armed.append(handle)
        return handle

    loop.call_at = recording  # type: ignore[method-assign,assignment]
    return armed


@on_virtual_clock
async def test_a_pause_moves_the_buckets_one_timer_instead_of_adding_another() -> None:
    throttle = LocalThrottle(rate=100, burst=1)
    loop = asyncio.get_running_loop()
    armed = _record_timers(loop)
    await throttle.acquire("1")
    start = loop.time()
    waiting = asyncio.ensure_future(throttle.acquire("1"))
    await asyncio.sleep(0)  # queued behind a timer due in 0.01 s
    await throttle.report_rate_limited("1", retry_after=0.5)
    pending = [h for h in armed if not h.cancelled() and h.when() > loop.time()]
    # the module's promise: one timer per bucket, however often it is retuned
    assert len(pending) == 1
    await waiting
    # the pause, then a token at the halved rate (50/s)
    assert loop.time() - start == pytest.approx(0.5 + 0.02, abs=SLACK)


@on_virtual_clock
async def test_a_pause_right_after_a_busy_stretch_still_wakes_the_next_sender() -> None:
    throttle = LocalThrottle(rate=10, burst=1)
    loop = asyncio.get_running_loop()
    assert isinstance(loop, VirtualClockLoop)
    await throttle.acquire("1")
    waiting = asyncio.ensure_future(throttle.acquire("1"))
    await asyncio.sleep(0)  # queued; its timer is due in 0.1 s
    waiting.cancel()
    await asyncio.sleep(0)
    loop.now += 0.2  # the loop was busy: that timer is overdue and has not run yet
    await throttle.acquire("1")  # the cancelled sender is dropped; a free token goes at once
    await throttle.report_rate_limited("1", retry_after=0.5)  # nobody is queued now
    start = loop.time()
    # (bounded: a bucket that thinks a timer is still armed would never wake this one)
    await asyncio.wait_for(throttle.acquire("1"), 5)
    # the pause, then a token at the halved rate (5/s)
    assert loop.time() - start == pytest.approx(0.5 + 0.2, abs=SLACK)


@on_virtual_clock
async def test_usage_headers_of_a_number_never_sent_from_are_ignored() -> None:
    throttle = LocalThrottle(rate=80)
    throttle.note_usage("1", usage_header("1", 100, regain_minutes=5), None)
    assert throttle.rate_for("1") == 80
    assert repr(throttle) == "LocalThrottle(rate=80, numbers=0)"  # no bucket was made


@on_virtual_clock
async def test_a_repeated_usage_header_does_not_pause_the_number_again() -> None:
    throttle = LocalThrottle(rate=10, burst=1, max_pause=30)
    loop = asyncio.get_running_loop()
    await throttle.acquire("1")
    start = loop.time()
    header = usage_header("1", 80, regain_minutes=1)  # a minute, capped at 30 s
    throttle.note_usage("1", header, None)
    await asyncio.sleep(10)
    throttle.note_usage("1", header, None)  # the same text again: the same pause, not a new one
    await throttle.acquire("1")
    assert loop.time() - start == pytest.approx(30.1, abs=SLACK)


@on_virtual_clock
async def test_usage_exactly_at_the_threshold_leaves_the_rate_uncapped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    throttle = LocalThrottle(rate=80, usage_threshold=0.9)
    await throttle.acquire("1")
    with caplog.at_level(logging.INFO, logger="whatsapp_async"):
        throttle.note_usage("1", usage_header("1", 90), None)
    assert not [r for r in caplog.records if "usage of number" in r.getMessage()]
    # no cap was set: a higher rate configured later applies in full
    await throttle.set_rate("1", 200)
    assert throttle.rate_for("1") == 200


@on_virtual_clock
async def test_an_announced_wait_shorter_than_a_second_pauses_the_number_too() -> None:
    throttle = LocalThrottle(rate=10, burst=1, max_pause=0.5)
    loop = asyncio.get_running_loop()
    await throttle.acquire("1")
    start = loop.time()
    # usage well below the threshold (no cap), but a wait announced: capped at 0.5 s
    throttle.note_usage("1", usage_header("1", 10, regain_minutes=1), None)
    await throttle.acquire("1")
    assert loop.time() - start == pytest.approx(0.5 + 0.1, abs=SLACK)


@on_virtual_clock
async def test_a_slowdown_from_the_usage_headers_is_logged_once_with_the_number_share_and_rate(
    caplog: pytest.LogCaptureFixture,
) -> None:
    throttle = LocalThrottle(rate=80, min_rate_fraction=0.1)
    await throttle.acquire("1")
    with caplog.at_level(logging.INFO, logger="whatsapp_async"):
        throttle.note_usage("1", usage_header("1", 95), None)
        # the same share with a wait announced: a pause, but no further slowdown to log
        throttle.note_usage("1", usage_header("1", 95, regain_minutes=1), None)
    logged = [r.getMessage() for r in caplog.records if r.name == "whatsapp_async"]
    assert logged == ["usage of number 1 at 95% of its allowance: rate now 44.0/s"]
