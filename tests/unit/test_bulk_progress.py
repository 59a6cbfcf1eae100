"""Progress snapshots of a broadcast: the ETA from the recent pace."""

from __future__ import annotations

import msgspec
import pytest

from whatsapp_async import WhatsAppClient
from whatsapp_async.bulk import Broadcast, BroadcastProgress, Recipient, SendOutcome
from whatsapp_async.bulk._tally import ETA_WINDOW, Tally


class Sent(msgspec.Struct, frozen=True):
    message_id: str


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run_rows(tally: Tally, clock: Clock, rows: int, per_second: float) -> None:
    """Record ``rows`` sent rows at ``per_second``, asking for progress as a display would."""
    for _ in range(rows):
        clock.now += 1 / per_second
        tally.add(SendOutcome("+15550000001", "sent"), in_flight=0)
        tally.progress(0)


def started_tally(total: int | None) -> tuple[Tally, Clock]:
    clock = Clock()
    tally = Tally(total, None, 0.2, clock=clock)
    tally.started = clock()
    return tally, clock


def test_the_eta_is_unknown_until_a_second_of_pace_is_seen() -> None:
    tally, clock = started_tally(100)
    assert tally.progress(0).eta is None
    run_rows(tally, clock, 5, per_second=10)  # half a second
    assert tally.progress(0).eta is None
    run_rows(tally, clock, 15, per_second=10)
    eta = tally.progress(0).eta
    assert eta == pytest.approx(80 / 10)


def test_the_eta_follows_the_recent_pace_not_the_average() -> None:
    tally, clock = started_tally(1000)
    run_rows(tally, clock, 500, per_second=100)  # 5 s of fast skips, say
    run_rows(tally, clock, int(3 * ETA_WINDOW), per_second=2)  # then a slow sender
    remaining = 1000 - 500 - int(3 * ETA_WINDOW)
    eta = tally.progress(0).eta
    assert eta is not None
    # The average pace (~26/s) would say ~18 s; the last 10 s say 2/s.
    assert eta == pytest.approx(remaining / 2, rel=0.1)


def test_the_eta_is_zero_when_every_row_is_done_and_unknown_without_a_total() -> None:
    tally, clock = started_tally(10)
    run_rows(tally, clock, 10, per_second=5)
    assert tally.progress(0).eta == 0.0
    untotalled, clock = started_tally(None)
    run_rows(untotalled, clock, 10, per_second=5)
    assert untotalled.progress(0).eta is None


def test_a_run_that_ended_short_has_no_eta() -> None:
    tally, clock = started_tally(100)
    run_rows(tally, clock, 30, per_second=10)
    assert tally.progress(0).eta is not None
    tally.finished = clock()
    assert tally.progress(0).eta is None


async def test_a_broadcasts_last_progress_snapshot_has_nothing_left() -> None:
    snapshots: list[BroadcastProgress] = []

    async def send(client: WhatsAppClient, to: str, row: Recipient) -> Sent:
        return Sent(f"wamid.{to[1:]}")

    async with WhatsAppClient("token", "1234567890") as wa:
        await Broadcast(wa, [f"+1555000{i:04d}" for i in range(20)], send=send,
                        on_progress=snapshots.append)
    assert snapshots[-1].done == 20
    assert snapshots[-1].eta == 0.0
