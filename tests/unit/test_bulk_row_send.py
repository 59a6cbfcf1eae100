"""One row taken to its outcome (``bulk._row_send``): what each kind of row reports.

Found by mutation testing (docs/mutation-testing.md).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import msgspec

from tests.support import PHONE_NUMBER_ID, TOKEN
from whatsapp_async import WhatsAppClient
from whatsapp_async.bulk import Broadcast, Recipient, SendOutcome
from whatsapp_async.journal import Journal, JournalEntry
from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.types.messages import Language, Template, Text

FAST = "+15550000001"


class Sent(msgspec.Struct, frozen=True):
    message_id: str


async def echo(wa: WhatsAppClient, to: str, row: Recipient) -> Sent:
    return Sent(f"wamid.{to[1:]}")


async def outcomes_of(rows: list[Recipient | str]) -> list[SendOutcome]:
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        return [o async for o in Broadcast(client, rows, send=echo, concurrency=1)]


async def test_a_blank_number_is_shown_by_its_row_not_as_empty_text() -> None:
    [outcome] = await outcomes_of(["   "])
    assert (outcome.to, outcome.status, outcome.row) == ("#row0", "skipped", 0)


async def test_an_invalid_number_is_shown_as_given_without_its_spaces() -> None:
    [outcome] = await outcomes_of(["  not a number "])
    assert (outcome.to, outcome.status) == ("not a number", "skipped")


# --------------------------------------------------------------------------- pre-flight

ORDER_UPDATE: dict[str, Any] = {
    "name": "order_update", "language": "en_US", "category": "UTILITY", "status": "APPROVED",
    "components": [{"type": "BODY", "text": "Hi {{1}}, order {{2}} shipped",
                    "example": {"body_text": [["Ann", "4711"]]}}],
}


async def test_preflight_skips_a_row_that_does_not_fit_the_template_and_sends_the_rest() -> None:
    rows = [
        Recipient("+15550000001", params=["Ann", "4711"]),
        Recipient("+15550000002", params=["Ben"]),  # BODY expects 2
        # A row's own message is not checked against the broadcast's template.
        Recipient("+15550000003", message=Template(name="hello", language=Language(code="en_US"))),
        Recipient("+15550000004", message=Text(body="hi")),
    ]
    async with FakeCloudAPI(pair_limit=None, templates=[ORDER_UPDATE, "hello"]) as fake, \
            WhatsAppClient(fake.access_token, fake.phone_number_id, base_url=fake.base_url,
                           business_account_id=fake.waba_id, messages_per_second=1000) as wa:
        outcomes = [o async for o in Broadcast(wa, rows, template="order_update",
                                               language="en_US", preflight=True)]
    by_to = {o.to: o for o in outcomes}
    assert {to: o.status for to, o in by_to.items()} == {
        "+15550000001": "sent", "+15550000002": "skipped",
        "+15550000003": "sent", "+15550000004": "sent",
    }
    refused = by_to["+15550000002"].error
    assert refused is not None and refused.type == "ValidationError"
    assert sorted(m.to for m in fake.sent) == ["+15550000001", "+15550000003", "+15550000004"]


# --------------------------------------------------------------------------- journal


class SpyJournal(Journal):
    """Keeps every entry given to it; fails each ``pending`` mark when ``broken``."""

    given: list[JournalEntry]
    broken: bool

    def record_nowait(self, entry: JournalEntry) -> asyncio.Future[None]:
        self.given.append(entry)
        written = super().record_nowait(entry)
        if self.broken and entry.status == "pending":
            return asyncio.ensure_future(self._confirmation_lost(written))
        return written

    @staticmethod
    async def _confirmation_lost(written: asyncio.Future[None]) -> None:
        # Written, but its confirmation lost: the run cannot know it is durable.
        await written
        raise OSError("disk full")


def statuses(db: Path) -> dict[str, str]:
    """Recipient -> status of every recipient entry, read from the file alone."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT recipient, status FROM outcomes").fetchall())
    finally:
        conn.close()


def spy_journal(db: Path, *, broken: bool = False) -> SpyJournal:
    journal = SpyJournal(db)
    journal.given = []
    journal.broken = broken
    return journal


async def test_the_pending_mark_names_the_row_it_is_for(tmp_path: Path) -> None:
    journal = spy_journal(tmp_path / "run.db")
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        await Broadcast(client, ["+15550000001", "+15550000002"], send=echo, concurrency=1,
                        journal=journal)
    pending = [(e.recipient, e.row) for e in journal.given if e.status == "pending"]
    assert pending == [("+15550000001", 0), ("+15550000002", 1)]


async def test_a_failed_pending_mark_stops_the_run_and_skips_the_row_unsent(
    tmp_path: Path,
) -> None:
    sent: list[str] = []

    async def send(wa: WhatsAppClient, to: str, row: Recipient) -> Sent:
        sent.append(to)
        return Sent("wamid.x")

    journal = spy_journal(tmp_path / "run.db", broken=True)
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        bc = Broadcast(client, ["+15550000001"], send=send, concurrency=1, journal=journal)
        [outcome] = [o async for o in bc]
        report = bc.report
    assert sent == []
    assert outcome.status == "skipped" and outcome.error is not None
    assert (outcome.error.type, outcome.error.message) == ("JournalError", "not sent: disk full")
    assert report is not None and report.cancelled
    assert report.stop_reason == "journal write failed: disk full"
    # The pending mark is undone: a resumed run sends to the recipient.
    assert statuses(tmp_path / "run.db") == {}


async def test_a_failed_pending_mark_of_a_resumed_row_restores_its_earlier_status(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    async with Journal(db) as earlier:
        await earlier.record(JournalEntry("+15550000001", "failed", row=0))
    journal = spy_journal(db, broken=True)
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as client:
        await Broadcast(client, ["+15550000001"], send=echo, concurrency=1, journal=journal,
                        resume=True, retry_failed=True)
    assert [e.status for e in journal.given] == ["pending"]
    assert statuses(db) == {"+15550000001": "failed"}
