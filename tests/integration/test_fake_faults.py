"""Injected faults produce the client behaviour ARCHITECTURE rule 2 promises.

Not sent -> retried; refused with a Graph body -> retried only if transient;
outcome unknown -> a send raises OutcomeUnknownError and is never resent,
while idempotent calls (GET) are retried.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace

import pytest

from tests.support import FAST_RETRY, get_number, send
from whatsapp_async import (
    OutcomeUnknownError,
    RecipientError,
    RetryPolicy,
    ServerError,
    UnexpectedResponseError,
    WhatsAppClient,
)
from whatsapp_async.errors import ConnectionLostError, RequestTimeout
from whatsapp_async.testing import FakeCloudAPI, Fault, FaultPlan


@pytest.fixture
def wa(wa: WhatsAppClient) -> WhatsAppClient:
    """The shared client with a short timeout: a lost answer fails the test in seconds."""
    return wa.with_options(timeout=5)


# ------------------------------------------------------------ message sends


async def test_dropped_after_processing_is_recorded_once_and_not_resent(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(Fault.drop_after())
    with pytest.raises(OutcomeUnknownError) as info:
        await send(wa)
    assert isinstance(info.value.__cause__, ConnectionLostError)
    assert len(fake.sent) == 1
    assert fake.dropped == 1
    assert fake.faults.pending == 0


async def test_dropped_before_processing_records_nothing_and_is_not_resent(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(Fault.drop_before(), Fault.drop_before())
    with pytest.raises(OutcomeUnknownError):
        await send(wa)
    assert fake.sent == []
    assert fake.dropped == 1  # the second scripted drop was never reached: no resend


async def test_5xx_without_graph_body_on_a_send_is_an_unknown_outcome(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(Fault.server_error(502))
    with pytest.raises(OutcomeUnknownError) as info:
        await send(wa)
    assert isinstance(info.value.__cause__, UnexpectedResponseError)
    assert info.value.__cause__.status == 502
    assert fake.sent == []
    assert len(fake.refusals) == 1


async def test_opting_in_to_retry_unknown_outcomes_resends_and_duplicates(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(Fault.drop_after())
    await send(wa.with_options(retry=replace(FAST_RETRY, retry_unknown_outcome=True)))
    assert len(fake.sent) == 2  # exactly the duplicate the default policy avoids


async def test_transient_graph_error_on_a_send_is_retried(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(Fault.error(131000), Fault.error(133004))
    message_id = await send(wa)
    assert [m.id for m in fake.sent] == [message_id]
    assert [r.code for r in fake.refusals] == [131000, 133004]


async def test_transient_graph_error_gives_up_after_max_attempts(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(*[Fault.error(131000)] * 3)
    with pytest.raises(ServerError) as info:
        await send(wa.with_options(retry=replace(FAST_RETRY, max_attempts=3)))
    assert info.value.code == 131000
    assert fake.sent == []


async def test_permanent_graph_error_is_not_retried(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(Fault.error(131026), Fault.error(131026))
    with pytest.raises(RecipientError):
        await send(wa)
    assert len(fake.refusals) == 1
    assert fake.faults.pending == 1


async def test_injected_error_has_the_tables_http_status(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(Fault.error(131000))
    with pytest.raises(ServerError) as info:
        await send(wa.with_options(retry=RetryPolicy.disabled()))
    assert info.value.status == 500


async def test_latency_past_the_timeout_is_an_unknown_outcome_but_processed(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(Fault.delay(0.5))
    with pytest.raises(OutcomeUnknownError) as info:
        await send(wa.with_options(timeout=0.1))
    assert isinstance(info.value.__cause__, RequestTimeout)
    # The fake keeps processing after the client gave up: the message exists.
    for _ in range(100):
        if fake.sent:
            break
        await asyncio.sleep(0.02)
    assert len(fake.sent) == 1


async def test_latency_within_the_timeout_only_delays(fake: FakeCloudAPI, wa: WhatsAppClient
                                                      ) -> None:
    fake.inject(Fault.delay(0.05))
    await send(wa)
    assert len(fake.sent) == 1


# ---------------------------------------------------------- idempotent calls


async def test_5xx_without_graph_body_on_a_get_is_retried(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(Fault.server_error(503), operation="getPhoneNumber")
    assert await get_number(wa) == fake.phone_number_id
    assert [r.status for r in fake.refusals] == [503]


async def test_dropped_get_is_retried(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    fake.inject(Fault.drop_before(), Fault.drop_after(), operation="getPhoneNumber")
    assert await get_number(wa) == fake.phone_number_id
    assert fake.dropped == 2


async def test_faults_for_one_operation_leave_others_alone(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    fake.inject(Fault.error(131000), operation="getMediaUrl")
    await send(wa)
    assert fake.refusals == []
    assert fake.faults.pending == 1


# ------------------------------------------------------------- random plans


async def _pattern(seed: int) -> list[int | None]:
    plan = FaultPlan(error_rate=0.3, error_code=131026)
    async with FakeCloudAPI(faults=plan, seed=seed) as fake, WhatsAppClient(
        fake.access_token, fake.phone_number_id, base_url=fake.base_url,
        retry=RetryPolicy.disabled(),
    ) as wa:
        outcomes: list[int | None] = []
        for i in range(30):
            try:
                await send(wa, f"+1555000{i:04d}")
                outcomes.append(None)
            except RecipientError as exc:
                outcomes.append(exc.code)
    return outcomes


async def test_fault_plan_is_deterministic_for_a_seed() -> None:
    first, second = await _pattern(3), await _pattern(3)
    assert first == second
    assert 0 < first.count(131026) < 30


async def test_fault_plan_differs_between_seeds() -> None:
    assert await _pattern(3) != await _pattern(4)


async def test_fault_plan_rates_mix_kinds() -> None:
    plan = FaultPlan(error_rate=0.25, drop_before_rate=0.25, drop_after_rate=0.25,
                     server_error_rate=0.25)
    async with FakeCloudAPI(faults=plan) as fake, WhatsAppClient(
        fake.access_token, fake.phone_number_id, base_url=fake.base_url,
        retry=RetryPolicy.disabled(),
    ) as wa:
        kinds: set[str] = set()
        for i in range(40):
            try:
                await send(wa, f"+1555000{i:04d}")
            except Exception as exc:
                kinds.add(type(exc.__cause__ or exc).__name__)
        assert fake.dropped > 0
    assert {"ServerError", "ConnectionLostError", "UnexpectedResponseError"} <= kinds


async def test_latency_distribution_draws_from_the_seeded_random() -> None:
    draws: list[list[float]] = []
    for _ in range(2):
        seen: list[float] = []

        def latency(r: random.Random, seen: list[float] = seen) -> float:
            seen.append(r.random())
            return 0.0

        async with FakeCloudAPI(faults=FaultPlan(latency=latency), seed=11) as fake, \
                WhatsAppClient(fake.access_token, fake.phone_number_id,
                               base_url=fake.base_url) as wa:
            for i in range(3):
                await send(wa, f"+1555000{i:04d}")
        draws.append(seen)
    assert len(draws[0]) == 3
    assert draws[0] == draws[1]


def test_fault_rates_above_one_are_refused() -> None:
    with pytest.raises(ValueError):
        FaultPlan(error_rate=0.6, drop_after_rate=0.6)
