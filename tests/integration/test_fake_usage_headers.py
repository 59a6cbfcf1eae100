"""The fake's usage headers: realistic enough that the client eases off before 130429."""

from __future__ import annotations

import json

import pytest

from tests.support import send
from whatsapp_async import LocalThrottle, RetryPolicy, ThroughputLimitError, WhatsAppClient
from whatsapp_async.testing import FakeCloudAPI


def _share(header: str) -> int:
    (entries,) = json.loads(header).values()
    return int(entries[0]["call_count"])


@pytest.mark.fake_cloud_api(messages_per_second=10)
async def test_usage_rises_as_the_numbers_second_is_spent_and_is_100_at_130429(
    fake: FakeCloudAPI,
) -> None:
    shares: list[int] = []

    async def record(attempt: object, call_next: object) -> object:
        answer = await call_next(attempt)  # type: ignore[operator]
        shares.append(_share(answer.headers["X-Business-Use-Case-Usage"]))
        return answer

    async with WhatsAppClient(fake.access_token, fake.phone_number_id, base_url=fake.base_url,
                              throttle=LocalThrottle(rate=100_000, usage_threshold=None),
                              retry=RetryPolicy.disabled(),
                              middleware=[record]) as wa:  # type: ignore[list-item]
        with pytest.raises(ThroughputLimitError):
            for i in range(30):
                await send(wa, f"+1555{i:07d}")
    assert shares[0] <= 20
    assert shares == sorted(shares) or shares[-2] >= 80
    assert shares[-1] == 100  # the 130429 answer


@pytest.mark.fake_cloud_api(messages_per_second=50)
async def test_a_client_too_fast_for_the_number_slows_down_before_130429(
    fake: FakeCloudAPI,
) -> None:
    # The client believes the number does 100/s; it does 50. Sent one after
    # another, the usage headers climb past 90 % and the throttle eases off.
    throttle = LocalThrottle(rate=100, burst=1)
    async with WhatsAppClient(fake.access_token, fake.phone_number_id, base_url=fake.base_url,
                              throttle=throttle, retry=RetryPolicy.disabled()) as wa:
        for i in range(150):
            await send(wa, f"+1555{i:07d}")
    assert fake.count_refusals(130429) == 0
    assert len(fake.sent) == 150
