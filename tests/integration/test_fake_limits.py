"""The fake's real limits: per-number throughput (130429) and the pair limit (131056)."""

from __future__ import annotations

import asyncio

import pytest

from tests.support import send
from whatsapp_async import (
    LocalThrottle,
    PairRateLimitError,
    RetryPolicy,
    ThroughputLimitError,
    WhatsAppClient,
)
from whatsapp_async.testing import FakeCloudAPI, PairLimit

#: A 131056 refusal is raised at once, not waited out, so the test sees it.
NO_PAIR_RETRY = RetryPolicy(pair_limit_delays=())


async def _blast(fake: FakeCloudAPI, throttle: LocalThrottle, count: int) -> list[BaseException]:
    async with WhatsAppClient(fake.access_token, fake.phone_number_id, base_url=fake.base_url,
                              throttle=throttle, retry=RetryPolicy.disabled()) as wa:
        results = await asyncio.gather(
            *(send(wa, f"+1555{i:07d}") for i in range(count)), return_exceptions=True
        )
    return [r for r in results if isinstance(r, BaseException)]


@pytest.mark.fake_cloud_api(messages_per_second=80)
async def test_sending_faster_than_the_limit_gets_130429(fake: FakeCloudAPI) -> None:
    errors = await _blast(fake, LocalThrottle(rate=100_000), 500)
    assert errors, "500 unthrottled sends must overrun an 80/s number"
    assert all(isinstance(e, ThroughputLimitError) and e.code == 130429 for e in errors)
    assert fake.count_refusals(130429) == len(errors)
    assert len(fake.sent) == 500 - len(errors)


@pytest.mark.fake_cloud_api(messages_per_second=400)
async def test_sending_at_the_limit_gets_no_130429(fake: FakeCloudAPI) -> None:
    # The fake's rate is raised to keep the test short; client and fake agree on it.
    errors = await _blast(fake, LocalThrottle(rate=400), 500)
    assert errors == []
    assert fake.count_refusals(130429) == 0
    assert len(fake.sent) == 500


@pytest.mark.fake_cloud_api(messages_per_second=20)
async def test_throughput_bucket_holds_one_second_of_sends(fake: FakeCloudAPI) -> None:
    errors = await _blast(fake, LocalThrottle(rate=100_000), 40)
    # A full bucket lets 20 through at once (plus what refills meanwhile).
    assert 20 <= len(fake.sent) < 40
    assert len(errors) == 40 - len(fake.sent)


@pytest.mark.fake_cloud_api(messages_per_second=5)
async def test_throughput_refills_with_time(fake: FakeCloudAPI) -> None:
    await _blast(fake, LocalThrottle(rate=100_000), 10)
    before = len(fake.sent)
    fake.advance(1.0)
    errors = await _blast(fake, LocalThrottle(rate=100_000), 5)
    assert errors == []
    assert len(fake.sent) == before + 5


@pytest.mark.fake_cloud_api(phone_numbers=("111111", "222222"), messages_per_second=3)
async def test_throughput_is_per_number(fake: FakeCloudAPI) -> None:
    # usage_threshold=None: the fake's usage headers would slow the client
    # down before the 130429 this test wants to see.
    async with WhatsAppClient(fake.access_token, "111111", base_url=fake.base_url,
                              throttle=LocalThrottle(rate=100_000, usage_threshold=None),
                              retry=RetryPolicy.disabled()) as wa:
        for i in range(3):
            await send(wa, f"+1555{i:07d}")
        with pytest.raises(ThroughputLimitError):
            await send(wa, "+15559999999")
        await send(wa.for_number("222222"), "+15559999999")


@pytest.mark.fake_cloud_api(messages_per_second=5)
async def test_set_throughput_raises_a_numbers_limit(fake: FakeCloudAPI) -> None:
    fake.set_throughput(fake.phone_number_id, 1000)
    errors = await _blast(fake, LocalThrottle(rate=100_000), 50)
    assert errors == []
    assert fake.numbers[fake.phone_number_id].throughput_level == "HIGH"


@pytest.mark.fake_cloud_api(pair_limit=PairLimit(burst=3, interval=6.0))
async def test_pair_limit_refuses_one_recipient_with_131056(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    wa = wa.with_options(retry=NO_PAIR_RETRY)
    for _ in range(3):
        await send(wa, "+15551234567")
    with pytest.raises(PairRateLimitError) as info:
        await send(wa, "+15551234567")
    assert info.value.code == 131056
    await send(wa, "+15557654321")  # other recipients carry on
    fake.advance(6.0)
    await send(wa, "+15551234567")  # one message per interval comes back
    assert len(fake.sent_to("+15551234567")) == 4


@pytest.mark.fake_cloud_api(messages_per_second=1000)
async def test_pair_limit_default_allows_bursts_of_45(wa: WhatsAppClient) -> None:
    wa = wa.with_options(retry=NO_PAIR_RETRY)
    results = await asyncio.gather(*(send(wa, "+15551234567") for _ in range(46)),
                                   return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1
    assert isinstance(errors[0], PairRateLimitError)


@pytest.mark.fake_cloud_api(pair_limit=None, messages_per_second=1000)
async def test_pair_limit_can_be_turned_off(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    for _ in range(60):
        await send(wa, "+15551234567")
    assert len(fake.sent) == 60


@pytest.mark.fake_cloud_api(messages_per_second=0.5)
async def test_throughput_below_one_per_second_still_lets_sends_through(fake: FakeCloudAPI) -> None:
    # A bucket as big as one second of a 0.5/s rate never holds a whole token.
    errors = await _blast(fake, LocalThrottle(rate=100_000), 2)
    assert len(fake.sent) == 1
    assert len(errors) == 1
    fake.advance(2.0)
    assert await _blast(fake, LocalThrottle(rate=100_000), 1) == []
