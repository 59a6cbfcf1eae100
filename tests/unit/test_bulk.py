"""The broadcast engine: outcomes, laziness, stopping, progress, journal, throttle, parameters."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
import pytest
from aioresponses import aioresponses

from tests.support import (
    BASE,
    FAST_RETRY,
    PHONE_NUMBER_ID,
    TOKEN,
    BlockingThrottle,
    UnavailableThrottle,
    free_port,
)
from whatsapp_async import (
    AuthenticationError,
    CampaignBusyError,
    ConfigurationError,
    OutcomeUnknownError,
    RecipientError,
    ValidationError,
    WhatsAppClient,
)
from whatsapp_async.bulk import (
    Broadcast,
    BroadcastProgress,
    BroadcastReport,
    Recipient,
    SendOutcome,
    normalize_phone_number,
    template_message,
)
from whatsapp_async.bulk._dedupe import NumberTable
from whatsapp_async.journal import Journal, JournalEntry
from whatsapp_async.types.messages import BodyComponent, Language, Template, Text

ENDPOINT = f"{BASE}/{PHONE_NUMBER_ID}/messages"


class Sent(msgspec.Struct, frozen=True):
    message_id: str


class Sender:
    """A send function that records calls and fails on cue, per number."""

    def __init__(self, faults: dict[str, BaseException] | None = None, delay: float = 0.0):
        self.faults = faults or {}
        self.delay = delay
        self.calls: list[str] = []
        self.active = 0
        self.peak = 0
        self.gate: asyncio.Event | None = None
        self._wanted = 0
        self._reached = asyncio.Event()

    async def wait_active(self, n: int) -> None:
        """Wait until ``n`` sends are in progress at once."""
        self._wanted = n
        if self.active < n:
            self._reached.clear()
            await self._reached.wait()

    async def __call__(self, wa: WhatsAppClient, number: str, row: Recipient) -> Sent:
        self.calls.append(number)
        self.active += 1
        self.peak = max(self.peak, self.active)
        if self._wanted and self.active >= self._wanted:
            self._reached.set()
        try:
            if self.gate is not None:
                await self.gate.wait()
            if self.delay:
                await asyncio.sleep(self.delay)
            fault = self.faults.get(number)
            if fault is not None:
                raise fault
            return Sent(f"wamid.{number[1:]}")
        finally:
            self.active -= 1


def numbers(n: int, start: int = 0) -> list[str]:
    return [f"+1555{i:07d}" for i in range(start, start + n)]


@pytest.fixture
async def wa() -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, messages_per_second=1000) as client:
        yield client


def run(wa: WhatsAppClient, rows: Any, sender: Sender, **kwargs: Any) -> Broadcast:
    return Broadcast(wa, rows, send=sender, **kwargs)


async def collect(bc: Broadcast) -> list[SendOutcome]:
    return [o async for o in bc]


async def stop_once_sending(bc: Broadcast, sender: Sender, active: int) -> BroadcastReport:
    """Run ``bc``, call ``stop()`` once ``active`` sends are in flight; the report."""
    task = asyncio.ensure_future(bc.run())
    await sender.wait_active(active)
    bc.stop()
    return await task


def recipient_error(code: int = 131026) -> RecipientError:
    return RecipientError(status=400, code=code, message="undeliverable")


def send_answer(to: str) -> dict[str, Any]:
    """The Graph answer to a message sent to ``to``, with message id ``wamid.<digits>``."""
    return {
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to[1:]}],
        "messages": [{"id": f"wamid.{to[1:]}"}],
    }


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+1 (555) 123-4567", "+15551234567"),
        (" +44 20 7946 0958 ", "+442079460958"),
        ("15551234567", "+15551234567"),
        ("+49.30.1234567", "+49301234567"),
    ],
)
def test_numbers_are_normalised_to_e164(raw: str, expected: str) -> None:
    assert normalize_phone_number(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "hello", "+0123456789", "0044207946095", "+12", "+1234567890123456", "12a45678"]
)
def test_malformed_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone_number(raw)
    assert info.value.field == "to"


def test_number_table_keeps_many_numbers_through_growth() -> None:
    table = NumberTable(bits=2)
    keys = [15550000000 + i * 7919 for i in range(5000)]
    for i, key in enumerate(keys):
        assert table.mark(key, 1 + i % 3, i * 3) == 0
    assert len(table) == 5000
    assert all(table.get(k) == 1 + i % 3 for i, k in enumerate(keys))
    assert all(table.first_row(k) == i * 3 for i, k in enumerate(keys))
    assert table.get(4) == 0
    assert table.first_row(4) is None


def test_number_table_remembers_the_first_row_a_number_was_met_at() -> None:
    table = NumberTable()
    table.mark(15550000001, 1)  # known from a journal: no row in this run yet
    assert table.first_row(15550000001) is None
    table.mark(15550000001, 2, 7)
    table.mark(15550000001, 2, 9)
    assert table.first_row(15550000001) == 7


# --------------------------------------------------------------------------- outcomes


async def test_every_row_gets_exactly_one_outcome_and_the_report_counts_them(
    wa: WhatsAppClient,
) -> None:
    rows = numbers(20)
    bad = rows[3]
    sender = Sender({bad: recipient_error()})
    bc = run(wa, [*rows, "not a number", rows[0]], sender)
    outcomes = await collect(bc)
    assert len(outcomes) == 22
    assert sorted(o.row for o in outcomes) == list(range(22))
    status = Counter(o.status for o in outcomes)
    report = bc.report
    assert report is not None
    assert (report.sent, report.failed, report.skipped, report.unknown) == (
        status["sent"], status["failed"], status["skipped"], status["unknown"]
    )
    assert report.total == 22
    assert (report.sent, report.failed, report.skipped) == (19, 1, 2)


async def test_a_sent_row_carries_its_message_id(wa: WhatsAppClient) -> None:
    [outcome] = await collect(run(wa, ["+15550000001"], Sender()))
    assert (outcome.to, outcome.status, outcome.message_id) == (
        "+15550000001", "sent", "wamid.15550000001"
    )
    assert outcome.error is None


async def test_a_duplicate_recipient_is_sent_once_and_the_repeat_skipped(
    wa: WhatsAppClient,
) -> None:
    sender = Sender()
    outcomes = await collect(run(wa, ["+15550000001", "+1 555 000 0001"], sender))
    assert sender.calls == ["+15550000001"]
    repeat = next(o for o in outcomes if o.row == 1)
    assert repeat.status == "skipped"
    assert repeat.error is not None and repeat.error.type == "Duplicate"
    assert repeat.duplicate_of == 0


async def test_an_invalid_number_is_skipped_with_the_reason_and_the_run_goes_on(
    wa: WhatsAppClient,
) -> None:
    sender = Sender()
    outcomes = await collect(run(wa, ["12", "+15550000001"], sender))
    invalid = next(o for o in outcomes if o.row == 0)
    assert invalid.status == "skipped"
    assert invalid.error is not None and invalid.error.type == "ValidationError"
    assert sender.calls == ["+15550000001"]


async def test_an_api_refusal_is_failed_with_its_code(wa: WhatsAppClient) -> None:
    sender = Sender({"+15550000001": recipient_error(131026)})
    bc = run(wa, ["+15550000001"], sender)
    [outcome] = await collect(bc)
    assert outcome.status == "failed"
    assert outcome.error is not None and outcome.error.code == 131026
    assert bc.report is not None and bc.report.errors == {"131026": 1}


async def test_an_unknown_outcome_is_reported_unknown_and_not_resent(wa: WhatsAppClient) -> None:
    sender = Sender({"+15550000001": OutcomeUnknownError("timed out", method="POST")})
    [outcome] = await collect(run(wa, ["+15550000001"], sender))
    assert outcome.status == "unknown"
    assert outcome.error is not None and outcome.error.type == "OutcomeUnknownError"
    assert sender.calls == ["+15550000001"]


async def test_a_row_refused_by_validation_is_skipped(wa: WhatsAppClient) -> None:
    sender = Sender({"+15550000001": ValidationError("template.name", "must not be empty")})
    [outcome] = await collect(run(wa, ["+15550000001"], sender))
    assert outcome.status == "skipped"
    assert outcome.error is not None and "template.name" in outcome.error.message


async def test_await_returns_the_report(wa: WhatsAppClient) -> None:
    report = await run(wa, numbers(5), Sender())
    assert (report.total, report.sent, report.ok) == (5, 5, True)


async def test_a_broadcast_runs_once(wa: WhatsAppClient) -> None:
    bc = run(wa, numbers(1), Sender())
    await bc
    with pytest.raises(RuntimeError, match="once"):
        await bc


async def test_async_iterables_are_accepted(wa: WhatsAppClient) -> None:
    async def rows() -> AsyncIterator[Recipient]:
        for n in numbers(10):
            yield Recipient(n)

    report = await run(wa, rows(), Sender())
    assert report.sent == 10


# --------------------------------------------------------------------------- laziness


async def test_rows_are_read_lazily_and_concurrency_is_bounded(wa: WhatsAppClient) -> None:
    pulled = 0

    def rows() -> Iterator[str]:
        nonlocal pulled
        for n in numbers(1000):
            pulled += 1
            yield n

    sender = Sender()
    sender.gate = asyncio.Event()
    bc = run(wa, rows(), sender, concurrency=7)
    task = asyncio.ensure_future(bc.run())
    for _ in range(50):
        await asyncio.sleep(0)
    assert sender.active == 7
    assert pulled <= 8
    sender.gate.set()
    report = await task
    assert report.sent == 1000
    assert sender.peak == 7


# --------------------------------------------------------------------------- stopping


async def test_stop_takes_no_more_rows_and_lets_in_flight_sends_finish(
    wa: WhatsAppClient,
) -> None:
    sender = Sender()
    sender.gate = asyncio.Event()
    bc = run(wa, numbers(100), sender, concurrency=5)
    task = asyncio.ensure_future(bc.run())
    await sender.wait_active(5)
    bc.stop()
    sender.gate.set()
    report = await task
    assert (report.total, report.sent, report.cancelled) == (5, 5, True)


async def test_cancelling_the_awaiting_task_returns_the_report(wa: WhatsAppClient) -> None:
    sender = Sender()
    sender.gate = asyncio.Event()
    task = asyncio.ensure_future(run(wa, numbers(100), sender, concurrency=3).run())
    await sender.wait_active(3)
    task.cancel()
    await asyncio.sleep(0)
    sender.gate.set()
    report = await task
    assert report.cancelled
    assert report.sent == 3


async def test_sends_stuck_past_the_drain_timeout_are_cancelled_and_recorded(
    wa: WhatsAppClient,
) -> None:
    sender = Sender()
    sender.gate = asyncio.Event()  # never set: the sends hang
    report = await stop_once_sending(
        run(wa, numbers(10), sender, concurrency=2, drain_timeout=0.01), sender, 2
    )
    assert report.total == 2
    # A custom send is judged as having made an attempt (it may send through a
    # client the engine does not see), so a cut-short one is never forgotten.
    assert report.unknown == 2
    assert report.errors == {"Interrupted": 2}


class AbortingJournal(Journal):
    """Calls ``abort`` on the run while the first ``pending`` mark is being written."""

    broadcast: Broadcast | None = None

    def record_nowait(self, entry: JournalEntry) -> asyncio.Future[None]:
        if entry.status == "pending" and self.broadcast is not None:
            self.broadcast.abort()
        return super().record_nowait(entry)


async def test_a_row_whose_pending_mark_lands_after_an_abort_is_not_sent(tmp_path: Path) -> None:
    calls: list[str] = []

    async def send(wa: WhatsAppClient, number: str, row: Recipient) -> None:
        calls.append(number)
        await asyncio.Event().wait()  # would hang until the drain timeout

    db = tmp_path / "run.db"
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client, Journal(db) as plain:
        journal = AbortingJournal(db)
        await plain.close()
        bc = Broadcast(client, ["+15550000001"], template="t", concurrency=1, journal=journal,
                       send=send, drain_timeout=3600)
        journal.broadcast = bc
        report = await asyncio.wait_for(bc.run(), timeout=10)
    assert calls == []
    assert (report.total, report.errors) == (1, {"Stopped": 1})
    assert journal_rows(db) == {}


async def test_a_fatal_error_stops_the_run(wa: WhatsAppClient) -> None:
    expired = AuthenticationError(status=401, code=190, message="token expired")
    sender = Sender(dict.fromkeys(numbers(50), expired))
    report = await run(wa, numbers(50), sender, concurrency=1)
    assert report.cancelled
    assert report.stop_reason is not None and "AuthenticationError" in report.stop_reason
    assert report.failed == len(sender.calls) < 50


async def test_breaking_out_of_the_stream_inside_async_with_records_the_run(
    wa: WhatsAppClient,
) -> None:
    bc = run(wa, numbers(100), Sender(delay=0.001), concurrency=4)
    async with bc:
        async for _ in bc:
            break
    assert bc.report is not None
    assert bc.report.cancelled
    assert 1 <= bc.report.total <= 100


# --------------------------------------------------------------------------- progress


async def test_progress_is_reported_and_ends_with_the_final_counts(wa: WhatsAppClient) -> None:
    snapshots: list[BroadcastProgress] = []
    await run(wa, numbers(30), Sender(), on_progress=snapshots.append, progress_interval=0)
    assert snapshots[-1].done == 30
    assert snapshots[-1].sent == 30
    assert snapshots[-1].total == 30
    assert [s.done for s in snapshots] == sorted(s.done for s in snapshots)


async def test_the_final_progress_is_not_reported_twice(wa: WhatsAppClient) -> None:
    snapshots: list[BroadcastProgress] = []
    await run(wa, numbers(5), Sender(), on_progress=snapshots.append, progress_interval=0)
    # The end of the run forces a snapshot; it adds nothing when the last row's did.
    seen = [(s.done, s.in_flight) for s in snapshots]
    assert all(a != b for a, b in itertools.pairwise(seen)), seen
    assert seen[-1] == (5, 0)
    # A row with its outcome is done, not also in flight.
    assert all(done + in_flight <= 5 for done, in_flight in seen), seen


# --------------------------------------------------------------------------- journal


async def test_a_pending_entry_is_durable_before_the_send(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    seen: list[tuple[str, str]] = []

    async def send(client: WhatsAppClient, number: str, row: Recipient) -> Sent:
        conn = sqlite3.connect(db)
        try:
            seen.extend(conn.execute("SELECT recipient, status FROM outcomes").fetchall())
        finally:
            conn.close()
        return Sent("wamid.1")

    await Broadcast(wa, ["+15550000001"], send=send, journal=db)
    assert seen == [("+15550000001", "pending")]


def journal_rows(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT recipient, status FROM outcomes").fetchall())
    finally:
        conn.close()


def journal_by_row(db: Path) -> list[tuple[int, str, str, str | None, int | None]]:
    """Every entry of the journal, recipients' and rows' alike: (row, recipient, status,
    error type, duplicate_of), in row order; read from the file alone."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT row, recipient, status, error_type, NULL FROM outcomes UNION ALL "
            "SELECT row, recipient, status, error_type, duplicate_of FROM row_outcomes "
            "ORDER BY row"
        ).fetchall()
    finally:
        conn.close()


async def test_every_outcome_is_journaled(wa: WhatsAppClient, tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    sender = Sender({"+15550000002": recipient_error()})
    rows = [*numbers(3), "bad", "+1 555 000 0001", "bad", "12", "+15550000000"]
    await run(wa, rows, sender, journal=db)
    # From the journal alone: each source row has exactly one outcome, a duplicate
    # names the row it repeats, and invalid rows with the same text stay apart.
    assert journal_by_row(db) == [
        (0, "+15550000000", "sent", None, None),
        (1, "+15550000001", "sent", None, None),
        (2, "+15550000002", "failed", "RecipientError", None),
        (3, "bad", "skipped", "ValidationError", None),
        (4, "+15550000001", "skipped", "Duplicate", 1),
        (5, "bad", "skipped", "ValidationError", None),
        (6, "12", "skipped", "ValidationError", None),
        (7, "+15550000000", "skipped", "Duplicate", 0),
    ]


async def test_a_big_run_has_exactly_one_journaled_outcome_per_source_row(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    unique = numbers(3000)
    rows: list[str] = []
    for i, number in enumerate(unique):
        rows.append(number)
        if i % 50 == 7:
            rows.append(unique[i // 2])  # a duplicate of an earlier row
        if i % 60 == 11:
            rows.append(("n/a", "", "+12")[i % 3])  # the same few bad strings again and again
    report = await run(wa, rows, Sender(), journal=db, concurrency=32)
    entries = journal_by_row(db)
    assert [row for row, *_ in entries] == list(range(len(rows)))
    duplicates = [e for e in entries if e[3] == "Duplicate"]
    invalid = [e for e in entries if e[3] == "ValidationError"]
    assert len(duplicates) == len(range(7, 3000, 50)) == report.errors["Duplicate"]
    assert len(invalid) == len(range(11, 3000, 60)) == report.errors["ValidationError"]
    for row, recipient, _, _, first in duplicates:
        assert first is not None and first < row and rows[first] == recipient


async def test_a_resumed_run_keeps_one_outcome_per_row(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    rows = ["+15550000000", "bad", "+15550000000", "bad", "+15550000001"]
    await run(wa, rows[:4], Sender(), journal=db)  # the first run stopped before the last row
    sender = Sender()
    outcomes = await collect(run(wa, rows, sender, journal=db, resume=True))
    assert sender.calls == ["+15550000001"]
    assert [row for row, *_ in journal_by_row(db)] == [0, 1, 2, 3, 4]
    assert next(o for o in outcomes if o.row == 2).duplicate_of == 0


async def test_a_second_run_on_a_used_campaign_needs_resume(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    await run(wa, numbers(2), Sender(), journal=db)
    with pytest.raises(ConfigurationError, match="resume=True"):
        await run(wa, numbers(2), Sender(), journal=db)


async def test_resume_without_a_journal_is_refused(wa: WhatsAppClient) -> None:
    with pytest.raises(ConfigurationError, match="journal"):
        await run(wa, numbers(2), Sender(), resume=True)


def seed_journal(db: Path, states: dict[str, str]) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.executescript(
            "CREATE TABLE IF NOT EXISTS outcomes (campaign TEXT NOT NULL, recipient TEXT NOT "
            "NULL, row INTEGER, status TEXT NOT NULL, message_id TEXT, error_code INTEGER, "
            "error_type TEXT, error_message TEXT, attempts INTEGER NOT NULL DEFAULT 0, "
            "updated_at REAL NOT NULL, PRIMARY KEY (campaign, recipient)) WITHOUT ROWID;"
        )
        conn.executemany(
            "INSERT INTO outcomes (campaign, recipient, row, status, updated_at) "
            "VALUES ('default', ?, ?, ?, 0)",
            [(r, i, s) for i, (r, s) in enumerate(states.items())],
        )
    conn.close()


async def test_resuming_an_old_journal_gives_every_row_one_outcome(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    # Version 0 kept the invalid rows 1 and 3 (same text) as one entry under "bad", row 3.
    db = tmp_path / "run.db"
    seed_journal(db, {"+15550000000": "sent"})
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO outcomes (campaign, recipient, row, status, error_type, updated_at) "
            "VALUES ('default', 'bad', 3, 'skipped', 'ValidationError', 0)"
        )
    conn.close()
    sender = Sender()
    await run(wa, ["+15550000000", "bad", "+15550000001", "bad"], sender, journal=db,
              resume=True)
    assert sender.calls == ["+15550000001"]
    assert [(row, to) for row, to, *_ in journal_by_row(db)] == [
        (0, "+15550000000"), (1, "bad"), (2, "+15550000001"), (3, "bad"),
    ]


async def test_resume_skips_recipients_with_a_final_outcome(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    seed_journal(db, {"+15550000000": "sent", "+15550000001": "failed"})
    sender = Sender()
    outcomes = await collect(run(wa, numbers(3), sender, journal=db, resume=True))
    assert sender.calls == ["+15550000002"]
    assert {o.to: o.status for o in outcomes} == {
        "+15550000000": "skipped", "+15550000001": "skipped", "+15550000002": "sent",
    }


async def test_resume_reports_rows_in_flight_at_the_crash_as_unknown_and_does_not_resend(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    seed_journal(db, {"+15550000000": "pending"})
    sender = Sender()
    [outcome] = await collect(run(wa, numbers(1), sender, journal=db, resume=True))
    assert outcome.status == "unknown"
    assert outcome.error is not None and outcome.error.type == "Interrupted"
    assert sender.calls == []
    assert journal_rows(db) == {"+15550000000": "unknown"}


async def test_resend_unknown_opts_in_to_resending_rows_in_flight_at_the_crash(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    seed_journal(db, {"+15550000000": "pending", "+15550000001": "unknown"})
    sender = Sender()
    await run(wa, numbers(2), sender, journal=db, resume=True, resend_unknown=True)
    assert sorted(sender.calls) == numbers(2)


async def test_retry_failed_resends_refused_rows_on_resume(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    seed_journal(db, {"+15550000000": "failed", "+15550000001": "sent"})
    sender = Sender()
    await run(wa, numbers(2), sender, journal=db, resume=True, retry_failed=True)
    assert sender.calls == ["+15550000000"]


async def stop_while_throttled(rows: list[str], **kwargs: Any) -> BroadcastReport:
    """Broadcast ``rows`` with the built-in send through a throttle that never grants a
    token, and stop once every row waits on it: no attempt is made."""
    throttle = BlockingThrottle(waiting_for=len(rows))
    async with WhatsAppClient(TOKEN, "1", throttle=throttle) as blocked:
        bc = Broadcast(blocked, rows, message=Text(body="hi"), drain_timeout=0.01, **kwargs)
        task = asyncio.ensure_future(bc.run())
        await throttle.all_waiting.wait()
        bc.stop()
        return await task


async def test_a_row_stopped_before_sending_is_not_final_in_the_journal(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    report = await stop_while_throttled(numbers(1), journal=db)
    assert report.errors == {"Stopped": 1}
    # Nothing went out, so a resumed run should send it.
    assert journal_rows(db) == {}


async def test_a_resent_unknown_row_stopped_before_sending_stays_unknown(tmp_path: Path) -> None:
    # resend_unknown=True marks the row pending; stopped before any attempt, the row
    # must keep "may have been delivered" so the next plain resume does not resend it.
    db = tmp_path / "run.db"
    seed_journal(db, {"+15550000000": "unknown"})
    report = await stop_while_throttled(
        ["+15550000000"], journal=db, resume=True, resend_unknown=True, concurrency=1
    )
    assert report.errors == {"Stopped": 1}
    assert journal_rows(db) == {"+15550000000": "unknown"}


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"template": "t", "message": Sent("x")}, "not both"),
        ({"concurrency": 0}, "concurrency"),
    ],
)
def test_bad_arguments_are_refused(wa: WhatsAppClient, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        Broadcast(wa, [], **kwargs)


def test_a_client_without_a_number_cannot_broadcast() -> None:
    with pytest.raises(ConfigurationError, match="phone number"):
        Broadcast(WhatsAppClient(TOKEN), [])


_unused: Callable[..., Awaitable[Any]] | None = None


# --------------------------------------------------------------------------- through the client


async def test_rows_held_by_the_throttle_at_a_stop_are_not_sent_and_left_for_resume(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    throttle = BlockingThrottle(waiting_for=2)
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, throttle=throttle) as client:
        bc = client.broadcast(numbers(5), template="t", concurrency=2, drain_timeout=0.01,
                              journal=db)
        task = asyncio.ensure_future(bc.run())
        await throttle.all_waiting.wait()
        bc.stop()
        report = await task
    assert (report.total, report.skipped, report.errors) == (2, 2, {"Stopped": 2})
    assert journal_rows(db) == {}


async def test_an_unreachable_shared_throttle_stops_the_run_without_final_outcomes(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, throttle=UnavailableThrottle()) as client:
        report = await client.broadcast(numbers(20), template="t", concurrency=1, journal=db)
    assert report.cancelled
    assert report.errors == {"ThrottleUnavailableError": report.total}
    assert report.total < 20
    assert journal_rows(db) == {}


async def test_a_throttle_failure_after_a_maybe_sent_attempt_is_unknown_not_forgotten(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    retry = replace(FAST_RETRY, retry_unknown_outcome=True)
    with aioresponses() as mocked:
        # The connection drops after the request went out: it may have been delivered.
        mocked.post(ENDPOINT, exception=aiohttp.ServerDisconnectedError())
        # The shared throttle lets the first attempt through, then its store goes down.
        async with WhatsAppClient(
            TOKEN, PHONE_NUMBER_ID, throttle=UnavailableThrottle(working=1), retry=retry
        ) as client:
            outcomes: list[SendOutcome] = [
                o async for o in client.broadcast(["+15550000001"], template="t", journal=db)
            ]
    [outcome] = outcomes
    assert outcome.status == "unknown"
    # A resumed run must not resend it: the journal keeps it as unknown, not forgotten.
    assert journal_rows(db) == {"+15550000001": "unknown"}


# --------------------------------------------------------------------------- template parameters


TEMPLATE = Template(name="t", language=Language(code="en_US"))


def body_texts(message: Template) -> list[tuple[str, object]]:
    assert isinstance(message.components, list)
    [body] = message.components
    assert isinstance(body, BodyComponent)
    return [(p.text, p.parameter_name) for p in body.parameters]  # type: ignore[union-attr]


def test_a_sequence_fills_positional_variables_in_order() -> None:
    assert body_texts(template_message(TEMPLATE, ["Ana", "42"])) == [
        ("Ana", msgspec.UNSET), ("42", msgspec.UNSET)
    ]


def test_numeric_mapping_keys_are_sorted_by_position() -> None:
    message = template_message(TEMPLATE, {"2": "42", "1": "Ana", "10": "z", **{
        str(i): "x" for i in range(3, 10)
    }})
    assert [t for t, _ in body_texts(message)][:3] == ["Ana", "42", "x"]
    assert body_texts(message)[-1][0] == "z"


def test_other_mapping_keys_become_named_variables() -> None:
    assert body_texts(template_message(TEMPLATE, {"first_name": "Ana"})) == [
        ("Ana", "first_name")
    ]


@pytest.mark.parametrize("params", [{"1": "a", "3": "c"}, "Ana"])
def test_gaps_in_positions_or_a_lone_string_are_refused(params: Any) -> None:
    with pytest.raises(ValidationError) as info:
        template_message(TEMPLATE, params)
    assert info.value.field == "params"


def test_no_params_leaves_the_template_without_components() -> None:
    assert template_message(TEMPLATE, None) is TEMPLATE


async def test_a_row_whose_params_cannot_build_a_message_still_gets_an_outcome() -> None:
    # params=5 is neither a sequence nor a mapping: building the template must not
    # escape the worker, or the row gets no outcome and a one-worker run ends early.
    with aioresponses() as mocked:
        mocked.post(ENDPOINT, payload=send_answer("+15550000002"))
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
            bc = client.broadcast(
                [Recipient("+15550000001", params=5),  # type: ignore[arg-type]
                 Recipient("+15550000002", params=["b"])],
                template="t", concurrency=1,
            )
            outcomes = [o async for o in bc]
    assert sorted((o.row, o.status) for o in outcomes) == [(0, "skipped"), (1, "sent")]
    assert bc.report is not None and bc.report.total == 2


async def test_a_row_whose_parameters_do_not_fit_is_skipped_before_any_request() -> None:
    reply = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+15550000002", "wa_id": "15550000002"}],
        "messages": [{"id": "wamid.2"}],
    }
    with aioresponses() as mocked:
        mocked.post(ENDPOINT, payload=reply)
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
            bc = client.broadcast(
                [Recipient("+15550000001", params={"1": "a", "3": "c"}),
                 Recipient("+15550000002", params=["b"])],
                template="t", concurrency=1,
            )
            outcomes = {o.row: o for o in [o async for o in bc]}
        requests = sum(len(calls) for calls in mocked.requests.values())
    assert outcomes[0].status == "skipped"
    assert outcomes[0].error is not None and outcomes[0].error.type == "ValidationError"
    assert (outcomes[1].status, outcomes[1].message_id, outcomes[1].attempts) == (
        "sent", "wamid.2", 1
    )
    assert requests == 1


async def test_a_row_whose_parameter_cannot_be_encoded_is_skipped_as_invalid() -> None:
    # A lone surrogate is a Python str but no UTF-8: the row's message cannot be
    # sent. It must be refused as invalid input before any request (skipped,
    # ValidationError), not end as "unknown" with 0 attempts, which a resumed
    # run never resends.
    reply = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+15550000002", "wa_id": "15550000002"}],
        "messages": [{"id": "wamid.2"}],
    }
    with aioresponses() as mocked:
        mocked.post(ENDPOINT, payload=reply)
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
            bc = client.broadcast(
                [Recipient("+15550000001", params=["Ana\ud800"]),
                 Recipient("+15550000002", params=["Bo"])],
                template="t", concurrency=1,
            )
            outcomes = {o.row: o for o in [o async for o in bc]}
        requests = sum(len(calls) for calls in mocked.requests.values())
    bad = outcomes[0]
    assert (bad.status, bad.attempts) == ("skipped", 0)
    assert bad.error is not None and bad.error.type == "ValidationError"
    assert "template.components[0].parameters[0].text" in bad.error.message
    assert "surrogate" in bad.error.message
    assert outcomes[1].status == "sent"
    assert requests == 1


# ------------------------------------------------------------------ resume finds its campaign


@pytest.mark.parametrize("setup", ["missing", "empty file", "other campaign"])
async def test_resume_refuses_a_journal_without_the_campaign(
    wa: WhatsAppClient, tmp_path: Path, setup: str
) -> None:
    db = tmp_path / "run.db"
    if setup == "empty file":
        db.write_bytes(b"")
    elif setup == "other campaign":
        seed_journal(db, {"+15550000000": "sent"})  # campaign "default"
    sender = Sender()
    with pytest.raises(ConfigurationError) as info:
        await run(wa, numbers(3), sender, journal=db, resume=True, campaign="Default")
    assert sender.calls == []  # nothing sent: a resume of nothing would resend every row
    message = str(info.value)
    if setup == "missing":
        assert "no journal at" in message and not db.exists()
    else:
        assert "holds no campaign 'Default'" in message
        held = "'default'" if setup == "other campaign" else "no campaigns"
        assert held in message


# ------------------------------------------------------------------ one run per campaign


async def test_a_second_run_of_a_running_campaign_is_refused_before_any_send(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    first_sender = Sender()
    first_sender.gate = asyncio.Event()  # the first run's sends wait until released
    first = asyncio.ensure_future(run(wa, numbers(3), first_sender, journal=db).run())
    await first_sender.wait_active(1)
    second_sender = Sender()
    with pytest.raises(CampaignBusyError) as info:
        await run(wa, numbers(3), second_sender, journal=db, resume=True).run()
    assert second_sender.calls == []
    assert info.value.holder["pid"] == os.getpid()
    assert f"pid {os.getpid()} on {socket.gethostname()}" in str(info.value)
    first_sender.gate.set()
    assert (await first).sent == 3


async def test_other_campaigns_of_one_file_run_at_the_same_time(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    async with Journal(db, campaign="a") as a, Journal(db, campaign="b") as b:
        await a.claim()
        await b.claim()
        await a.claim()  # claiming again is a no-op
    # closing gave both up
    async with Journal(db, campaign="a") as again:
        await again.claim()


_HOLDER = """
import asyncio, sys
from whatsapp_async.journal import Journal

async def main() -> None:
    journal = Journal(sys.argv[1])
    await journal.open()
    await journal.claim()
    print("claimed", flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


async def test_a_killed_holder_does_not_block_the_resume(
    wa: WhatsAppClient, tmp_path: Path
) -> None:
    db = tmp_path / "run.db"
    seed_journal(db, {"+15550000000": "sent"})
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _HOLDER, str(db), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert holder.stdout is not None
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"claimed\n"
        sender = Sender()
        with pytest.raises(CampaignBusyError, match=f"pid {holder.pid} "):
            await run(wa, numbers(2), sender, journal=db, resume=True).run()
        assert sender.calls == []
        holder.send_signal(signal.SIGKILL)
        await asyncio.wait_for(holder.wait(), 10)
        report = await run(wa, numbers(2), sender, journal=db, resume=True).run()
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
    assert (report.skipped, report.sent) == (1, 1)  # the journaled row is not resent


# ------------------------------------------------------------------ an unreachable API


async def test_a_run_against_an_unreachable_api_stops_after_a_few_rows() -> None:
    # A closed loopback port: every send fails to connect, nothing is ever sent. The run
    # must give up instead of grinding through every row at the retry pace.
    base = f"http://127.0.0.1:{free_port()}/v21.0"
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, base_url=base, retry=FAST_RETRY) as wa:
        report = await wa.broadcast(numbers(500), template="t", concurrency=2)
    assert report.cancelled
    assert report.stop_reason is not None and "cannot reach the API" in report.stop_reason
    assert report.sent == 0
    assert report.failed == report.total
    assert report.total < 20  # ten in a row, plus what was in flight
    assert set(report.errors) == {"ConnectError"}
