"""Pacing from the usage headers: X-Business-Use-Case-Usage and X-App-Usage.

Meta sends no Retry-After; the usage headers (percentages of the allowance)
are the warning before 130429. LocalThrottle slows a number down as they near
100 % and pauses it for an announced ``estimated_time_to_regain_access``.
"""

from __future__ import annotations

import asyncio

import pytest
from aioresponses import aioresponses

from tests.support import BASE
from tests.virtual_clock import on_virtual_clock
from whatsapp_async import LocalThrottle, RetryPolicy, WhatsAppClient
from whatsapp_async._usage import read_usage
from whatsapp_async.testing._usage_header import usage_header
from whatsapp_async.types.common import Success

SPEC_EXAMPLE = (
    '{"102290129340398":[{"type":"whatsapp_business_management","call_count":1,'
    '"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0},'
    '{"type":"whatsapp","call_count":1,"total_cputime":3,"total_time":2,'
    '"estimated_time_to_regain_access":0}]}'
)


def test_the_highest_percentage_of_any_object_is_the_usage() -> None:
    assert read_usage(SPEC_EXAMPLE, None) == (0.03, 0.0)
    assert read_usage(None, '{"call_count":92,"total_cputime":5,"total_time":7}') == (0.92, 0.0)
    assert read_usage(SPEC_EXAMPLE, '{"call_count":40}') == (0.4, 0.0)


def test_the_time_to_regain_access_is_read_in_minutes() -> None:
    assert read_usage(usage_header("1", 100, regain_minutes=2), None) == (1.0, 120.0)


@pytest.mark.parametrize("header", ["not json", "[1, 2]", '{"1": "x"}', '{"1": [{"type": 5}]}'])
def test_a_header_that_says_nothing_readable_is_ignored(header: str) -> None:
    assert read_usage(header, None) is None


@on_virtual_clock
async def test_a_number_slows_down_as_usage_nears_the_allowance() -> None:
    throttle = LocalThrottle(rate=80, min_rate_fraction=0.1)
    await throttle.acquire("1")
    throttle.note_usage("1", usage_header("1", 50), None)
    assert throttle.rate_for("1") == 80
    throttle.note_usage("1", usage_header("1", 95), None)
    # halfway from the 90 % threshold to 100 %: halfway from 80/s down to 8/s
    assert throttle.rate_for("1") == pytest.approx(44)
    throttle.note_usage("1", usage_header("1", 100), None)
    assert throttle.rate_for("1") == pytest.approx(8)
    throttle.note_usage("1", usage_header("1", 60), None)
    assert throttle.rate_for("1") == 80  # and back once usage falls
    assert throttle.rate_for("2") == 80  # another number is untouched


@on_virtual_clock
async def test_the_slower_rate_applies_to_the_next_sends() -> None:
    throttle = LocalThrottle(rate=100, burst=1)
    loop = asyncio.get_running_loop()
    await throttle.acquire("1")
    throttle.note_usage("1", usage_header("1", 100), None)  # 10/s
    start = loop.time()
    for _ in range(3):
        await throttle.acquire("1")
    assert loop.time() - start == pytest.approx(0.3, abs=0.005)


@on_virtual_clock
async def test_an_announced_wait_pauses_the_number() -> None:
    throttle = LocalThrottle(rate=100, burst=1, max_pause=30)
    loop = asyncio.get_running_loop()
    await throttle.acquire("1")
    throttle.note_usage("1", usage_header("1", 80, regain_minutes=5), None)
    start = loop.time()
    await throttle.acquire("1")
    assert loop.time() - start == pytest.approx(30.01, abs=0.005)  # capped at max_pause


@pytest.mark.parametrize("threshold", [1.5, 1.0, 0.0, -0.1])
def test_a_threshold_outside_0_and_1_is_refused_with_the_rule(threshold: float) -> None:
    with pytest.raises(ValueError) as info:
        LocalThrottle(usage_threshold=threshold)
    assert str(info.value) == f"usage_threshold must be between 0 and 1, got {threshold!r}"


@pytest.mark.parametrize("threshold", [0.01, 0.5, 0.99])
def test_a_threshold_between_0_and_1_is_taken(threshold: float) -> None:
    LocalThrottle(usage_threshold=threshold)


@on_virtual_clock
async def test_no_threshold_reads_no_usage() -> None:
    throttle = LocalThrottle(rate=80, usage_threshold=None)
    await throttle.acquire("1")
    throttle.note_usage("1", usage_header("1", 100), None)
    assert throttle.rate_for("1") == 80


@on_virtual_clock
async def test_the_client_hands_each_sends_usage_headers_to_the_throttle() -> None:
    throttle = LocalThrottle(rate=100)
    async with WhatsAppClient("t", "1", throttle=throttle, retry=RetryPolicy.disabled()) as wa:
        with aioresponses() as m:
            m.post(f"{BASE}/1/messages", payload={"success": True},
                   headers={"X-Business-Use-Case-Usage": usage_header("1", 100)})
            m.post(f"{BASE}/1/messages", payload={"success": True},
                   headers={"X-App-Usage": '{"call_count":20}'})
            await wa.messages._request("POST", "1", "messages", cast_to=Success, throttle=True)
            assert throttle.rate_for("1") == pytest.approx(10)
            await wa.messages._request("POST", "1", "messages", cast_to=Success, throttle=True)
            assert throttle.rate_for("1") == 100
            # calls that send no message say nothing about the number's pace
            m.get(f"{BASE}/1", payload={"success": True},
                  headers={"X-Business-Use-Case-Usage": usage_header("1", 100)})
            await wa.messages._request("GET", "1", cast_to=Success)
            assert throttle.rate_for("1") == 100


@on_virtual_clock
async def test_a_view_with_middleware_passes_the_headers_on_too() -> None:
    throttle = LocalThrottle(rate=100)
    seen: list[int] = []

    async def watch(attempt: object, call_next: object) -> object:
        answer = await call_next(attempt)  # type: ignore[operator]
        seen.append(answer.status)
        return answer

    async with WhatsAppClient("t", "1", throttle=throttle, retry=RetryPolicy.disabled(),
                              middleware=[watch]) as wa:  # type: ignore[list-item]
        with aioresponses() as m:
            m.post(f"{BASE}/1/messages", payload={"success": True},
                   headers={"X-Business-Use-Case-Usage": usage_header("1", 100)})
            await wa.messages._request("POST", "1", "messages", cast_to=Success, throttle=True)
    assert seen == [200]
    assert throttle.rate_for("1") == pytest.approx(10)
