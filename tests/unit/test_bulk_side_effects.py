"""Broadcast side effects that leave the final report unchanged: live progress, the
journal entry of a row that could not be built, and what a stop may cancel."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import msgspec
import pytest

from tests.support import PHONE_NUMBER_ID, TOKEN, BlockingThrottle, UnavailableThrottle
from whatsapp_async import (
    ClientClosedError,
    RecipientError,
    ThrottleUnavailableError,
    ValidationError,
    WhatsAppClient,
)
from whatsapp_async.bulk import Broadcast, BroadcastProgress, Recipient, SendOutcome
from whatsapp_async.bulk._row_outcome import error_of, failed_send
from whatsapp_async.journal import Journal, JournalEntry

FAST = "+15550000001"
STUCK = "+15550000002"


class Sent(msgspec.Struct, frozen=True):
    message_id: str


def statuses(db: Path) -> dict[str, str]:
    """Recipient -> status of every recipient entry, read from the file alone."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT recipient, status FROM outcomes").fetchall())
    finally:
        conn.close()


def row_statuses(db: Path) -> dict[int, tuple[str, str | None]]:
    """Row -> (status, error type) of every row entry (invalid or duplicate rows)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT row, status, error_type FROM row_outcomes").fetchall()
    finally:
        conn.close()
    return {row: (status, error) for row, status, error in rows}


# --------------------------------------------------------------------------- progress


async def test_progress_is_reported_as_each_row_finishes_not_only_at_the_end() -> None:
    async def send(wa: WhatsAppClient, to: str, row: Recipient) -> Sent:
        return Sent(f"wamid.{to[1:]}")

    snapshots: list[BroadcastProgress] = []
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        rows = [f"+1555000{i:04d}" for i in range(10)]
        await Broadcast(client, rows, send=send, concurrency=1, on_progress=snapshots.append,
                        progress_interval=0)
    # One snapshot per finished row while the run goes; the end adds none, since
    # the last row's snapshot already had the final counts.
    assert [s.done for s in snapshots] == list(range(1, 11))


async def test_progress_is_not_called_more_often_than_its_interval() -> None:
    async def send(wa: WhatsAppClient, to: str, row: Recipient) -> Sent:
        return Sent(f"wamid.{to[1:]}")

    snapshots: list[BroadcastProgress] = []
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        rows = [f"+1555000{i:04d}" for i in range(50)]
        await Broadcast(client, rows, send=send, concurrency=1, on_progress=snapshots.append,
                        progress_interval=1e12)
    # No interval passes during the run: only the final snapshot, which is forced.
    assert [s.done for s in snapshots] == [50]


# --------------------------------------------------------------------------- journal


async def test_a_row_whose_message_cannot_be_built_is_journaled_as_skipped(
    tmp_path: Path,
) -> None:
    async def send_template(wa: WhatsAppClient, to: str, row: Recipient) -> Sent:
        raise AssertionError("not used: the template rows are built by the engine")

    db = tmp_path / "run.db"
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        # params=5 is neither a sequence nor a mapping: the template cannot be filled.
        report = await client.broadcast(
            [Recipient(FAST, params=5)],  # type: ignore[arg-type]
            template="t", concurrency=1, journal=db, campaign="c",
        )
        async with Journal(db, campaign="c") as journal:
            counts = await journal.counts()
    assert (report.total, report.skipped) == (1, 1)
    # The export and a resumed run see the row: its entry is in the file.
    assert statuses(db) == {FAST: "skipped"}
    assert counts.get("skipped") == 1


# --------------------------------------------------------------------------- stopping


class HeldJournal(Journal):
    """Holds each final ``sent`` write until :attr:`release` is set."""

    writing: asyncio.Event
    release: asyncio.Event

    async def record(self, entry: JournalEntry) -> None:
        if entry.status == "sent":
            self.writing.set()
            await self.release.wait()
        await super().record(entry)


def held_journal(db: Path) -> HeldJournal:
    journal = HeldJournal(db)
    journal.writing = asyncio.Event()
    journal.release = asyncio.Event()
    return journal


class OneStuck:
    """Sends FAST at once; STUCK's send hangs until it is cancelled."""

    def __init__(self) -> None:
        self.stuck_sending = asyncio.Event()
        self.stuck_cancelled = asyncio.Event()

    async def __call__(self, wa: WhatsAppClient, to: str, row: Recipient) -> Sent:
        if to == STUCK:
            self.stuck_sending.set()
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.stuck_cancelled.set()
                raise
        return Sent(f"wamid.{to[1:]}")


async def test_abort_cancels_the_rows_still_sending_not_those_writing_their_outcome(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    journal = held_journal(db)
    send = OneStuck()
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        bc = Broadcast(client, [FAST, STUCK], send=send, concurrency=2, journal=journal)
        task = asyncio.ensure_future(bc.run())
        await journal.writing.wait()  # FAST was sent and its outcome is being written
        await send.stuck_sending.wait()
        bc.abort()
        journal.release.set()
        report = await asyncio.wait_for(task, timeout=30)
    assert (report.sent, report.unknown, report.total) == (1, 1, 2)
    assert statuses(db) == {FAST: "sent", STUCK: "unknown"}


async def test_the_drain_timeout_cancels_the_rows_still_sending_only(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    journal = held_journal(db)
    send = OneStuck()
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        bc = Broadcast(client, [FAST, STUCK], send=send, concurrency=2, journal=journal,
                       drain_timeout=0.01)
        task = asyncio.ensure_future(bc.run())
        await journal.writing.wait()
        await send.stuck_sending.wait()
        bc.stop()
        await send.stuck_cancelled.wait()  # the drain timeout has cancelled what it cancels
        journal.release.set()
        report = await asyncio.wait_for(task, timeout=30)
    assert (report.sent, report.unknown, report.total) == (1, 1, 2)
    assert statuses(db) == {FAST: "sent", STUCK: "unknown"}


# --------------------------------------------------------------------------- attempts


async def test_rows_the_throttle_refused_count_no_attempts() -> None:
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, throttle=UnavailableThrottle()) as client:
        outcomes: list[SendOutcome] = [
            o async for o in client.broadcast([FAST, STUCK], template="t", concurrency=2)
        ]
    assert outcomes
    assert {(o.status, o.attempts) for o in outcomes} == {("skipped", 0)}


async def test_rows_stopped_while_held_by_the_throttle_count_no_attempts() -> None:
    throttle = BlockingThrottle(waiting_for=2)
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, throttle=throttle) as client:
        bc = client.broadcast([FAST, STUCK], template="t", concurrency=2, drain_timeout=0.01)
        outcomes: list[SendOutcome] = []

        async def read() -> None:
            outcomes.extend([o async for o in bc])

        reader = asyncio.ensure_future(read())
        await throttle.all_waiting.wait()
        bc.stop()
        await asyncio.wait_for(reader, timeout=30)
    assert sorted((o.to, o.status, o.attempts) for o in outcomes) == [
        (FAST, "skipped", 0), (STUCK, "skipped", 0)
    ]


# --------------------------------------------------------------------------- row outcomes


def judged(exc: BaseException, attempts: int) -> SendOutcome:
    try:
        raise exc
    except BaseException as raised:  # judged inside the except block, as the engine does
        return failed_send(raised, FAST, 7, attempts, stop_on_fatal=False).outcome


@pytest.mark.parametrize(
    "exc", [ValidationError("template.name", "must not be empty"),
            ThrottleUnavailableError("redis is down"), ClientClosedError("closed"),
            asyncio.CancelledError(), RecipientError(status=400, code=131026, message="no")],
)
def test_every_judged_outcome_keeps_its_recipient_and_row(exc: BaseException) -> None:
    outcome = judged(exc, 0)
    assert (outcome.to, outcome.row) == (FAST, 7)


def test_an_unexpected_exception_is_logged_with_the_row_it_happened_at(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="whatsapp_async"):
        judged(RuntimeError("boom"), 1)
    [record] = caplog.records
    assert record.getMessage() == "broadcast: unexpected error sending to row 7"
    assert record.exc_info is not None


def test_an_exception_without_text_is_described_by_its_class() -> None:
    assert error_of(RuntimeError()).message == "RuntimeError"
    assert error_of(RuntimeError("boom")).message == "boom"


class Message(msgspec.Struct, frozen=True):
    id: object


class Response(msgspec.Struct, frozen=True):
    messages: list[Message]


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (Sent("wamid.A"), "wamid.A"),
        (Response([Message("wamid.B"), Message("wamid.C")]), "wamid.B"),
        (Response([Message(5)]), None),
        (Response([]), None),
        (None, None),
    ],
)
async def test_a_custom_send_s_message_id_is_read_from_what_it_returned(
    sent: object, expected: str | None
) -> None:
    async def send(wa: WhatsAppClient, to: str, row: Recipient) -> object:
        return sent

    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        [outcome] = [o async for o in Broadcast(client, [FAST], send=send)]
    assert (outcome.status, outcome.message_id) == ("sent", expected)


class NoId(msgspec.Struct, frozen=True):
    status: str


async def test_a_custom_send_s_answer_without_an_id_gives_no_message_id() -> None:
    async def send(wa: WhatsAppClient, to: str, row: Recipient) -> object:
        return Response([NoId("accepted")])  # type: ignore[list-item]

    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        [outcome] = [o async for o in Broadcast(client, [FAST], send=send)]
    assert (outcome.status, outcome.message_id) == ("sent", None)
