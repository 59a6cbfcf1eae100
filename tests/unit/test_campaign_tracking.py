"""Status webhooks applied to the journal: idempotent, in any order, from another process."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import textwrap
import types
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from whatsapp_async import WhatsAppClient
from whatsapp_async.bulk import Recipient, campaign_tag
from whatsapp_async.journal import Journal, JournalEntry, StatusUpdate, TrackResult
from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.types.webhooks import Status
from whatsapp_async.webhooks import StatusTracker, WebhookRouter

SECRET = "tracking-secret"
WAMID = "wamid.TRACK1"


def delivery_row(db: Path, wamid: str = WAMID) -> tuple[Any, ...] | None:
    conn = sqlite3.connect(db)
    try:
        row: tuple[Any, ...] | None = conn.execute(
            "SELECT * FROM deliveries WHERE message_id = ?", (wamid,)).fetchone()
        return row
    finally:
        conn.close()


async def sent_journal(db: Path, campaign: str = "c", rows: int = 1) -> None:
    async with Journal(db, campaign=campaign) as journal:
        for i in range(rows):
            await journal.record(JournalEntry(f"+1555000{i:04d}", "sent", row=i,
                                              message_id=f"wamid.TRACK{i + 1}", attempts=1))


def status(kind: str, at: float, wamid: str = WAMID, **kw: Any) -> StatusUpdate:
    return StatusUpdate(message_id=wamid, status=kind, timestamp=at, **kw)


async def test_read_before_delivered_stays_read_and_a_late_delivered_fills_in_only_its_time(
    tmp_path: Path,
) -> None:
    db = tmp_path / "j.db"
    await sent_journal(db)
    async with Journal(db, campaign="c") as journal:
        await journal.apply_statuses([status("read", 120.0)])
        assert (await journal.report()).read == 1
        await journal.apply_statuses([status("delivered", 110.0), status("sent", 100.0)])
        report = await journal.report()
    assert (report.accepted, report.delivered, report.read) == (1, 1, 1)
    row = delivery_row(db)
    assert row is not None and row[3:6] == (100.0, 110.0, 120.0)


async def test_a_redelivered_status_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    await sent_journal(db)
    batch = [status("sent", 100.0, pricing_category="marketing", billable=True),
             status("delivered", 101.0), status("read", 150.0)]
    async with Journal(db, campaign="c") as journal:
        await journal.apply_statuses(batch)
        before = delivery_row(db)
        await journal.apply_statuses(list(reversed(batch)) + batch)
    assert delivery_row(db) == before


async def test_a_failed_status_keeps_its_code_and_title_and_counts_as_failed_on_delivery(
    tmp_path: Path,
) -> None:
    db = tmp_path / "j.db"
    await sent_journal(db)
    async with Journal(db, campaign="c") as journal:
        await journal.apply_statuses([status(
            "failed", 100.0, error_code=131049, error_title="This message was not delivered "
            "to maintain healthy ecosystem engagement.", error_detail="held back")])
        report = await journal.report()
    assert (report.accepted, report.delivered, report.failed) == (1, 0, 1)
    assert report.failed_by_code == {"131049": 1}
    [failure] = report.failures
    assert failure.stage == "delivery" and failure.title is not None
    assert failure.title.startswith("This message was not delivered")
    assert failure.hint is not None


async def test_a_status_of_an_unknown_wamid_is_ignored_and_counted(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    await sent_journal(db)
    async with Journal(db, campaign="c") as journal:
        result = await journal.apply_statuses([
            status("delivered", 1.0, wamid="wamid.SOMEONE-ELSES"),
            status("delivered", 1.0, wamid="wamid.OTHER-JOURNAL",
                   callback_data=campaign_tag("not-in-this-file", 0)),
            status("deleted", 1.0),
        ])
    assert result == TrackResult(applied=0, unknown=2, ignored=1)
    assert delivery_row(db, "wamid.SOMEONE-ELSES") is None
    assert delivery_row(db, "wamid.OTHER-JOURNAL") is None


async def test_a_tagged_status_that_beats_the_broadcasts_own_write_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    async with Journal(db, campaign="c") as broadcaster, Journal(db, campaign="c") as web_app:
        # The webhook arrives before the broadcaster has recorded the wamid.
        result = await web_app.apply_statuses([
            status("delivered", 5.0, callback_data=campaign_tag("c", 0))])
        assert result.applied == 1
        await broadcaster.record(JournalEntry("+15550000000", "sent", row=0, message_id=WAMID))
        assert (await broadcaster.report()).delivered == 1


async def test_an_unknown_row_seen_in_a_status_is_reported_as_sent(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    async with Journal(db, campaign="c") as journal:
        await journal.record(JournalEntry("+15550000000", "unknown", row=0))
        await journal.apply_statuses([
            status("sent", 5.0, wamid="wamid.X", callback_data=campaign_tag("c", 0))])
        report = await journal.report()
    assert (report.unknown, report.unknown_seen) == (1, 1)


async def test_statuses_applied_from_another_process_land_while_the_broadcaster_writes(
    tmp_path: Path,
) -> None:
    db = tmp_path / "j.db"
    await sent_journal(db, rows=200)
    child = textwrap.dedent(f"""
        import asyncio
        from whatsapp_async.journal import Journal, StatusUpdate
        async def main():
            async with Journal({str(db)!r}, campaign="web") as j:
                for i in range(200):
                    await j.apply_statuses([StatusUpdate(f"wamid.TRACK{{i + 1}}", "delivered",
                                                         1000.0 + i)])
        asyncio.run(main())
    """)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", child)
    try:
        async with Journal(db, campaign="c") as journal:
            for i in range(200, 400):  # the broadcaster goes on meanwhile
                await journal.record(JournalEntry(f"+1555100{i:04d}", "sent", row=i,
                                                  message_id=f"wamid.MORE{i}"))
    finally:
        assert await asyncio.wait_for(proc.wait(), 120) == 0
    async with Journal(db, campaign="c") as journal:
        report = await journal.report()
    assert (report.rows, report.accepted, report.delivered) == (400, 400, 200)


@pytest.fixture
async def receiver(
    tmp_path: Path,
) -> AsyncIterator[tuple[str, WebhookRouter, StatusTracker]]:
    """A web app that tracks statuses into its own Journal object on the broadcast's file."""
    journal = Journal(tmp_path / "campaign.db", campaign="web-app")
    await journal.open()
    router = WebhookRouter(app_secret=SECRET)
    tracker = router.track(journal)
    runner = web.AppRunner(router.aiohttp_app("/webhook"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/webhook", router, tracker
    finally:
        await runner.cleanup()
        await journal.close()


async def test_router_track_records_a_broadcasts_statuses_end_to_end(
    tmp_path: Path, receiver: tuple[str, WebhookRouter, StatusTracker],
) -> None:
    url, router, tracker = receiver
    rows = [Recipient(f"+1555000{i:04d}") for i in range(20)]
    async with FakeCloudAPI(webhook_url=url, app_secret=SECRET, pair_limit=None,
                            messages_per_second=1000) as fake, WhatsAppClient(
        fake.access_token, fake.phone_number_id, base_url=fake.base_url,
        messages_per_second=1000,
    ) as wa:
        fake.fail_deliveries_to("+15550000007", 131026)
        await wa.broadcast(rows, template="hello", journal=tmp_path / "campaign.db",
                           campaign="spring")
        await fake.flush_webhooks()
        await router.join()
    assert tracker.counts.applied == 19 * 3 + 1 and tracker.counts.unknown == 0
    async with Journal(tmp_path / "campaign.db", campaign="spring") as journal:
        report = await journal.report()
    assert (report.rows, report.accepted, report.delivered, report.read) == (20, 20, 19, 19)
    assert report.failed_by_code == {"131026": 1}
    assert report.time_to_delivered is not None and report.time_to_delivered.count == 19


async def test_a_version_1_journal_is_upgraded_in_place_and_can_be_tracked(
    tmp_path: Path,
) -> None:
    db = tmp_path / "v1.db"
    await sent_journal(db)
    conn = sqlite3.connect(db)  # back to the version 1 layout: no deliveries, no index
    conn.executescript("DROP TABLE deliveries; DROP INDEX outcomes_by_message; "
                       "PRAGMA user_version = 1;")
    conn.close()
    async with Journal(db, campaign="c") as journal:
        assert (await journal.apply_statuses([status("delivered", 1.0)])).applied == 1
        report = await journal.report()
    assert (report.rows, report.accepted, report.delivered) == (1, 1, 1)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (2,)
        plan = conn.execute("EXPLAIN QUERY PLAN SELECT row FROM outcomes WHERE message_id = ?",
                            (WAMID,)).fetchall()
        assert "outcomes_by_message" in str(plan)
    finally:
        conn.close()


@pytest.mark.parametrize("order", [(110.0, 105.0, 120.0), (120.0, 110.0, 105.0),
                                   (105.0, 120.0, 110.0)])
async def test_the_earliest_time_of_a_status_is_kept_whatever_the_order(
    tmp_path: Path, order: tuple[float, float, float],
) -> None:
    db = tmp_path / "j.db"
    await sent_journal(db)
    async with Journal(db, campaign="c") as journal:
        for at in order:
            await journal.apply_statuses([status("delivered", at)])
    row = delivery_row(db)
    assert row is not None and row[4] == 105.0


@pytest.mark.parametrize("read_rate", [0.0, 0.5])
async def test_the_fake_reads_only_its_read_rate_share_of_messages(
    tmp_path: Path, receiver: tuple[str, WebhookRouter, StatusTracker], read_rate: float,
) -> None:
    url, router, _ = receiver
    rows = [Recipient(f"+1555000{i:04d}") for i in range(40)]
    async with FakeCloudAPI(webhook_url=url, app_secret=SECRET, pair_limit=None,
                            messages_per_second=1000, read_rate=read_rate,
                            webhook_lanes=8) as fake, WhatsAppClient(
        fake.access_token, fake.phone_number_id, base_url=fake.base_url,
        messages_per_second=1000,
    ) as wa:
        await wa.broadcast(rows, template="hello", journal=tmp_path / "campaign.db")
        await fake.flush_webhooks()
        await router.join()
    async with Journal(tmp_path / "campaign.db") as journal:
        report = await journal.report()
    assert report.delivered == 40
    if read_rate == 0.0:
        assert report.read == 0
    else:
        assert 5 < report.read < 35


@pytest.mark.parametrize("kwargs", [{"webhook_lanes": 0}, {"read_rate": 1.5}])
def test_the_fake_refuses_impossible_webhook_settings(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FakeCloudAPI(**kwargs)


class RecordingJournal:
    """Stands in for a Journal: records each apply_statuses call, or fails them all."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[StatusUpdate]] = []
        self.fail = fail

    async def apply_statuses(self, updates: list[StatusUpdate]) -> TrackResult:
        self.calls.append(list(updates))
        if self.fail:
            raise RuntimeError("disk full")
        return TrackResult(applied=len(updates))


def status_event(i: int, kind: str = "delivered") -> Any:
    parsed = Status(id=f"wamid.{i}", status=kind, timestamp="1796000000",
                    biz_opaque_callback_data=campaign_tag("c", i))
    return types.SimpleNamespace(status=parsed)


async def test_statuses_handled_together_are_written_in_one_journal_call() -> None:
    journal = RecordingJournal()
    tracker = StatusTracker(journal)  # type: ignore[arg-type]
    await asyncio.gather(*(tracker.handle(status_event(i)) for i in range(50)))
    await tracker.handle(status_event(99, "deleted"))
    assert [len(call) for call in journal.calls] == [50]
    assert journal.calls[0][7] == StatusUpdate("wamid.7", "delivered", 1796000000.0,
                                               callback_data=campaign_tag("c", 7))
    assert (tracker.counts.applied, tracker.counts.ignored) == (50, 1)


async def test_a_failed_journal_write_fails_every_handler_of_its_batch_and_is_counted() -> None:
    tracker = StatusTracker(RecordingJournal(fail=True))  # type: ignore[arg-type]
    results = await asyncio.gather(*(tracker.handle(status_event(i)) for i in range(3)),
                                   return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert (tracker.counts.applied, tracker.counts.errors) == (0, 3)


async def test_a_handler_cancelled_while_waiting_does_not_cancel_its_batch() -> None:
    gate = asyncio.Event()

    class SlowJournal(RecordingJournal):
        async def apply_statuses(self, updates: list[StatusUpdate]) -> TrackResult:
            await gate.wait()
            return await super().apply_statuses(updates)

    journal = SlowJournal()
    tracker = StatusTracker(journal)  # type: ignore[arg-type]
    tasks = [asyncio.create_task(tracker.handle(status_event(i))) for i in range(3)]
    await asyncio.sleep(0.01)
    tasks[0].cancel()  # the router's handler_timeout, say
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(results[0], asyncio.CancelledError) and results[1:] == [None, None]
    assert [len(call) for call in journal.calls] == [3]  # the cancelled one is written too
