"""When a broadcast row is marked ``pending``: once it has its throttle token, before the wire.

``pending`` means "this send may have gone out" (a resumed run reports it
``unknown`` and never resends it), so a row still waiting for its token must
not carry it: killed there, it would be silently skipped by every resume.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

from aioresponses import CallbackResult, aioresponses

from tests.support import BASE, FAST_RETRY, PHONE_NUMBER_ID, TOKEN, BlockingThrottle
from whatsapp_async import WhatsAppClient
from whatsapp_async.bulk import Broadcast
from whatsapp_async.errors import JournalError
from whatsapp_async.journal import Journal, JournalEntry
from whatsapp_async.types.messages import Text

ENDPOINT = f"{BASE}/{PHONE_NUMBER_ID}/messages"
TO = "+15550000001"


def answer(to: str = TO) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to[1:]}],
            "messages": [{"id": f"wamid.{to[1:]}"}]}


def journal_rows(db: Path) -> dict[str, str]:
    """The recipients' entries, read from the file alone (as a resumed process would)."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT recipient, status FROM outcomes").fetchall())
    finally:
        conn.close()


def requests_made(mocked: aioresponses) -> int:
    calls: dict[Any, list[Any]] = mocked.requests or {}
    return sum(len(made) for made in calls.values())


class MarkLog(Journal):
    """Counts the ``pending`` marks written."""

    marks = 0

    def record_nowait(self, entry: JournalEntry) -> asyncio.Future[None]:
        if entry.status == "pending":
            self.marks += 1
        return super().record_nowait(entry)


async def test_rows_waiting_for_a_throttle_token_are_not_marked_pending(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    rows = [f"+1555000000{i}" for i in range(3)]
    throttle = BlockingThrottle(waiting_for=len(rows))
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, throttle=throttle) as client:
        bc = Broadcast(client, rows, message=Text(body="hi"), journal=db, concurrency=3,
                       drain_timeout=0.01)
        task = asyncio.ensure_future(bc.run())
        await throttle.all_waiting.wait()
        await asyncio.sleep(0.05)  # time for any mark written before the wait to land
        # A SIGKILL now must leave nothing that a resume would take for "may have gone".
        at_the_kill = journal_rows(db)
        bc.stop()
        report = await task
    assert at_the_kill == {}
    assert report.errors == {"Stopped": 3}
    assert journal_rows(db) == {}


async def test_the_mark_is_durable_before_the_first_attempt_goes_out(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    seen: list[dict[str, str]] = []

    def on_wire(url: Any, **kwargs: Any) -> CallbackResult:
        seen.append(journal_rows(db))
        return CallbackResult(payload=answer())

    with aioresponses() as mocked:
        mocked.post(ENDPOINT, callback=on_wire)
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
            report = await client.broadcast([TO], template="t", journal=db)
    assert seen == [{TO: "pending"}]
    assert report.sent == 1
    assert journal_rows(db) == {TO: "sent"}


async def test_a_retried_send_is_marked_once(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    journal = MarkLog(db)
    transient = {"error": {"message": "Something went wrong", "type": "OAuthException",
                           "code": 131000, "fbtrace_id": "A1"}}
    with aioresponses() as mocked:
        mocked.post(ENDPOINT, status=500, payload=transient)
        mocked.post(ENDPOINT, payload=answer())
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, retry=FAST_RETRY) as client:
            outcomes = [o async for o in client.broadcast([TO], template="t", journal=journal)]
        assert requests_made(mocked) == 2
    [outcome] = outcomes
    assert (outcome.status, outcome.attempts) == ("sent", 2)
    assert journal.marks == 1


class FailingMarks(Journal):
    """Refuses every ``pending`` mark, as a full disk would."""

    def record_nowait(self, entry: JournalEntry) -> asyncio.Future[None]:
        if entry.status == "pending":
            refused: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            refused.set_exception(JournalError("disk full", path=str(self.path)))
            return refused
        return super().record_nowait(entry)


async def test_a_mark_that_cannot_be_written_stops_the_run_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    with aioresponses() as mocked:
        mocked.post(ENDPOINT, payload=answer(), repeat=True)
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, retry=FAST_RETRY) as client:
            report = await client.broadcast([TO, "+15550000002"], template="t", concurrency=1,
                                            journal=FailingMarks(db))
        assert requests_made(mocked) == 0
    assert report.cancelled
    assert report.stop_reason == "journal write failed: disk full"
    assert (report.total, report.skipped, report.errors) == (1, 1, {"JournalError": 1})
    assert journal_rows(db) == {}


class AbortingMarks(Journal):
    """Aborts the run while the first ``pending`` mark is being written, behind
    a slow transaction (the write is still under way when the abort cancels
    the send that waits for it)."""

    broadcast: Broadcast | None = None

    def record_nowait(self, entry: JournalEntry) -> asyncio.Future[None]:
        if entry.status == "pending" and self.broadcast is not None:
            self.broadcast.abort()
            self.call(lambda conn: time.sleep(0.05)).close()  # queued, never awaited
        return super().record_nowait(entry)


async def test_an_abort_while_the_mark_is_written_sends_nothing_and_leaves_no_mark(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    journal = AbortingMarks(db)
    with aioresponses() as mocked:
        mocked.post(ENDPOINT, payload=answer(), repeat=True)
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
            bc = Broadcast(client, [TO], template="t", concurrency=1, journal=journal,
                           drain_timeout=3600)
            journal.broadcast = bc
            report = await asyncio.wait_for(bc.run(), timeout=10)
        assert requests_made(mocked) == 0
    # The mark landed, then the row's forget_pending (queued behind it) removed it.
    assert (report.total, report.errors) == (1, {"Stopped": 1})
    assert journal_rows(db) == {}


async def test_a_killed_run_leaves_only_rows_that_reached_the_wire_pending(
    tmp_path: Path,
) -> None:
    """In one process: the first row's request hangs on the wire, the others wait for
    tokens that never come; the journal then holds exactly what a kill would leave."""
    db = tmp_path / "run.db"
    rows = [f"+1555000000{i}" for i in range(4)]
    on_wire = asyncio.Event()

    class OneToken(BlockingThrottle):
        async def acquire(self, phone_number_id: str) -> None:
            if not self.asked:
                self.asked.append(phone_number_id)
                return  # the first send gets its token; every later one waits
            await super().acquire(phone_number_id)

    async def hang(url: Any, **kwargs: Any) -> CallbackResult:
        on_wire.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    throttle = OneToken(waiting_for=len(rows))
    with aioresponses() as mocked:
        mocked.post(ENDPOINT, callback=hang)
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, throttle=throttle) as client:
            bc = Broadcast(client, rows, template="t", journal=db, concurrency=4,
                           drain_timeout=0.01)
            task = asyncio.ensure_future(bc.run())
            await on_wire.wait()
            await throttle.all_waiting.wait()
            await asyncio.sleep(0.05)
            at_the_kill = journal_rows(db)
            bc.stop()
            report = await task
    assert at_the_kill == {rows[0]: "pending"}
    # Stopped: the row on the wire may have gone, the others certainly did not.
    assert report.errors == {"Interrupted": 1, "Stopped": 3}
    assert journal_rows(db) == {rows[0]: "unknown"}
