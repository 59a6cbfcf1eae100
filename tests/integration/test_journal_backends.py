"""The journal contract, checked on both backends: an SQLite file and a real PostgreSQL.

Every test takes ``journal_target`` (tests/conftest.py): once the path of a new
SQLite file, once the DSN of a new PostgreSQL database, opened through
``open_journal`` as users do. Nothing here reads a backend's tables directly:
what one backend does, the other must do too.
"""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import msgspec
import pytest
from aiohttp import web

from whatsapp_async import WhatsAppClient
from whatsapp_async.bulk import Broadcast, Recipient, SendOutcome, campaign_tag
from whatsapp_async.errors import CampaignBusyError, ConfigurationError, ValidationError
from whatsapp_async.journal import (
    CSV_COLUMNS,
    JournalBackend,
    JournalEntry,
    StatusUpdate,
    TrackResult,
    export_csv,
    open_journal,
)
from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.webhooks import StatusTracker, WebhookRouter

SECRET = "contract-secret"
WAMID = "wamid.CONTRACT1"


class Sent(msgspec.Struct, frozen=True):
    message_id: str


class Sender:
    """A send function that records the numbers it is called for."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def __call__(self, wa: WhatsAppClient, number: str, row: Recipient) -> Sent:
        self.calls.append(number)
        return Sent(f"wamid.{number[1:]}")


def numbers(n: int) -> list[str]:
    return [f"+1555{i:07d}" for i in range(n)]


@pytest.fixture
async def wa() -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient("token", "123456", messages_per_second=1000) as client:
        yield client


async def seed(target: str, states: dict[str, str], campaign: str = "default") -> None:
    """A campaign an earlier run left: one entry per recipient, in this order."""
    async with open_journal(target, campaign=campaign) as journal:
        for row, (to, status) in enumerate(states.items()):
            await journal.record(JournalEntry(to, status, row=row))


async def entries_of(target: str, campaign: str = "default") -> dict[str, str]:
    async with open_journal(target, campaign=campaign) as journal:
        return {e.recipient: e.status for e in await journal.entries()}


def status(kind: str, at: float, wamid: str = WAMID, **kw: Any) -> StatusUpdate:
    return StatusUpdate(message_id=wamid, status=kind, timestamp=at, **kw)


async def sent_journal(target: str, campaign: str = "c", rows: int = 1) -> None:
    async with open_journal(target, campaign=campaign) as journal:
        for i in range(rows):
            wamid = WAMID if i == 0 else f"wamid.CONTRACT{i + 1}"
            await journal.record(JournalEntry(f"+1555000{i:04d}", "sent", row=i,
                                              message_id=wamid, attempts=1))


async def export_lines(journal: JournalBackend, tmp_path: Path) -> list[dict[str, Any]]:
    out = tmp_path / "export.jsonl"
    await journal.export(out, format="jsonl")
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


# ------------------------------------------------------------------ records


async def test_a_later_record_replaces_the_recipients_earlier_state(journal_target: str) -> None:
    async with open_journal(journal_target) as journal:
        await journal.record(JournalEntry("+15550000001", "pending", row=0))
        await journal.record(
            JournalEntry("+15550000001", "sent", row=0, message_id="wamid.1", attempts=2)
        )
        entries = await journal.entries()
    assert entries == [
        JournalEntry("+15550000001", "sent", row=0, message_id="wamid.1", attempts=2)
    ]


async def test_a_record_is_visible_to_another_journal_object_when_it_returns(
    journal_target: str,
) -> None:
    async with open_journal(journal_target, campaign="c") as writer, open_journal(
        journal_target, campaign="c"
    ) as reader:
        await writer.record(JournalEntry("+15550000001", "pending", row=0))
        assert await reader.entries() == [JournalEntry("+15550000001", "pending", row=0)]


async def test_campaigns_in_one_journal_are_kept_apart(journal_target: str) -> None:
    async with open_journal(journal_target, campaign="a") as a:
        await a.record(JournalEntry("+15550000001", "sent", row=0))
        assert await a.has_entries()
    async with open_journal(journal_target, campaign="b") as b:
        assert not await b.has_entries()
        assert await b.entries() == []
        await b.record_row(JournalEntry("bad", "skipped", row=0))
        assert await b.campaigns() == ["a", "b"]


async def test_many_concurrent_records_all_land(journal_target: str) -> None:
    async with open_journal(journal_target) as journal:
        await asyncio.gather(
            *(journal.record(JournalEntry(f"+1555{i:07d}", "sent", row=i)) for i in range(1000))
        )
        entries = await journal.entries()
    assert [e.row for e in entries] == list(range(1000))


async def test_scan_visits_every_recipient_with_its_status(journal_target: str) -> None:
    seen: dict[str, str] = {}
    async with open_journal(journal_target) as journal:
        for i, state in enumerate(("sent", "pending", "failed")):
            await journal.record(JournalEntry(f"+155500000{i}", state, row=i))
        count = await journal.scan(seen.__setitem__, chunk=2)
    assert count == 3
    assert seen == {"+1555000000": "sent", "+1555000001": "pending", "+1555000002": "failed"}


async def test_use_after_close_raises(journal_target: str) -> None:
    journal = open_journal(journal_target)
    await journal.open()
    assert journal.is_open
    await journal.close()
    await journal.close()  # twice is fine
    assert not journal.is_open
    with pytest.raises(RuntimeError, match="not open"):
        await journal.record(JournalEntry("+15550000001", "sent"))


def test_an_empty_campaign_name_is_refused(journal_target: str) -> None:
    with pytest.raises(ConfigurationError, match="campaign"):
        open_journal(journal_target, campaign="")


async def test_each_row_entry_is_kept_under_its_own_row_and_a_rerecord_replaces_it(
    journal_target: str,
) -> None:
    async with open_journal(journal_target, campaign="c") as journal:
        for row in (2, 5, 9):
            await journal.record_row(
                JournalEntry("n/a", "skipped", row=row, error_type="ValidationError")
            )
        for _ in range(2):
            await journal.record_row(JournalEntry(
                "+15550000001", "skipped", row=4, error_type="Duplicate", duplicate_of=1
            ))
        rows = await journal.row_entries()
    assert [(e.row, e.recipient, e.duplicate_of) for e in rows] == [
        (2, "n/a", None), (4, "+15550000001", 1), (5, "n/a", None), (9, "n/a", None)
    ]


@pytest.mark.parametrize("row", [None, -1])
async def test_a_row_entry_without_a_row_position_is_refused(
    journal_target: str, row: int | None
) -> None:
    async with open_journal(journal_target) as journal:
        with pytest.raises(ValidationError, match="row"):
            await journal.record_row(JournalEntry("bad", "skipped", row=row))


async def test_a_forgotten_pending_mark_goes_back_to_the_prior_state_or_away(
    journal_target: str,
) -> None:
    async with open_journal(journal_target) as journal:
        for i in range(3):
            await journal.record(JournalEntry(f"+155500000{i}", "pending", row=i))
        await journal.record(JournalEntry("+1555000003", "sent", row=3))
        await journal.forget_pending("+1555000000")
        await journal.forget_pending("+1555000001", "unknown")
        await journal.forget_pending("+1555000003")  # not pending: left alone
        await journal.forget_pending("+1555000003", "failed")
        assert {e.recipient: e.status for e in await journal.entries()} == {
            "+1555000001": "unknown", "+1555000002": "pending", "+1555000003": "sent",
        }


async def test_counts_take_every_source_row_once_in_its_latest_state(
    journal_target: str,
) -> None:
    async with open_journal(journal_target, campaign="c") as journal:
        await journal.record(JournalEntry("+15550000001", "pending", row=0))
        await journal.record(JournalEntry("+15550000001", "sent", row=0))
        await journal.record(JournalEntry("+15550000002", "unknown", row=1))
        await journal.record_row(JournalEntry("+15550000001", "skipped", row=2,
                                              error_type="Duplicate", duplicate_of=0))
        await journal.record_row(JournalEntry("oops", "skipped", row=3))
        assert await journal.counts() == {"sent": 1, "unknown": 1, "skipped": 2}


async def test_a_second_claim_of_a_campaign_is_refused_until_the_holder_closes(
    journal_target: str,
) -> None:
    first = open_journal(journal_target, campaign="c")
    await first.open()
    await first.claim()
    await first.claim()  # twice is a no-op
    try:
        async with open_journal(journal_target, campaign="c") as second:
            with pytest.raises(CampaignBusyError, match="another process") as info:
                await second.claim()
            assert info.value.holder.get("pid") is not None
            async with open_journal(journal_target, campaign="other") as other:
                await other.claim()  # another campaign is free
    finally:
        await first.close()
    async with open_journal(journal_target, campaign="c") as third:
        await third.claim()


# ------------------------------------------------------------------ broadcasts and resume


async def test_a_broadcast_journals_one_outcome_per_source_row(
    wa: WhatsAppClient, journal_target: str,
) -> None:
    rows = ["+15550000000", "bad", "+15550000000", "bad", "+15550000001"]
    report = await Broadcast(wa, rows, send=Sender(), journal=journal_target)
    assert report.journal is not None and "secret" not in report.journal
    async with open_journal(journal_target) as journal:
        recipients = await journal.entries()
        entries = await journal.row_entries()
    assert [(e.row, e.status) for e in recipients] == [(0, "sent"), (4, "sent")]
    assert [(e.row, e.error_type, e.duplicate_of) for e in entries] == [
        (1, "ValidationError", None), (2, "Duplicate", 0), (3, "ValidationError", None),
    ]


async def test_a_second_run_on_a_used_campaign_needs_resume(
    wa: WhatsAppClient, journal_target: str,
) -> None:
    await Broadcast(wa, numbers(2), send=Sender(), journal=journal_target)
    with pytest.raises(ConfigurationError, match="resume=True"):
        await Broadcast(wa, numbers(2), send=Sender(), journal=journal_target)


async def test_resume_refuses_a_journal_without_the_campaign(
    wa: WhatsAppClient, journal_target: str,
) -> None:
    await seed(journal_target, {"+15550000000": "sent"})
    sender = Sender()
    with pytest.raises(ConfigurationError, match="holds no campaign 'Default'"):
        await Broadcast(wa, numbers(3), send=sender, journal=journal_target, resume=True,
                        campaign="Default")
    assert sender.calls == []


async def test_resume_reports_rows_in_flight_at_the_crash_as_unknown_and_never_resends(
    wa: WhatsAppClient, journal_target: str,
) -> None:
    await seed(journal_target, {"+15550000000": "pending", "+15550000001": "sent",
                                "+15550000002": "failed"})
    sender = Sender()
    outcomes: list[SendOutcome] = [o async for o in Broadcast(
        wa, numbers(4), send=sender, journal=journal_target, resume=True)]
    assert sender.calls == ["+15550000003"]
    by_to = {o.to: o for o in outcomes}
    interrupted = by_to["+15550000000"]
    assert interrupted.status == "unknown"
    assert interrupted.error is not None and interrupted.error.type == "Interrupted"
    assert by_to["+15550000001"].status == by_to["+15550000002"].status == "skipped"
    assert await entries_of(journal_target) == {
        "+15550000000": "unknown", "+15550000001": "sent", "+15550000002": "failed",
        "+15550000003": "sent",
    }
    # A second resume does not resend the unknown one either.
    again = Sender()
    await Broadcast(wa, numbers(4), send=again, journal=journal_target, resume=True)
    assert again.calls == []


async def test_resend_unknown_and_retry_failed_opt_in_to_sending_again(
    wa: WhatsAppClient, journal_target: str,
) -> None:
    await seed(journal_target, {"+15550000000": "pending", "+15550000001": "unknown",
                                "+15550000002": "failed", "+15550000003": "sent"})
    sender = Sender()
    await Broadcast(wa, numbers(4), send=sender, journal=journal_target, resume=True,
                    resend_unknown=True, retry_failed=True)
    assert sorted(sender.calls) == numbers(3)
    assert set((await entries_of(journal_target)).values()) == {"sent"}


# ------------------------------------------------------------------ tracking


async def test_read_before_delivered_stays_read_and_a_late_delivered_fills_in_its_time(
    journal_target: str, tmp_path: Path,
) -> None:
    await sent_journal(journal_target)
    async with open_journal(journal_target, campaign="c") as journal:
        await journal.apply_statuses([status("read", 1_796_000_120.0)])
        assert (await journal.report()).read == 1
        await journal.apply_statuses([status("delivered", 1_796_000_110.0),
                                      status("sent", 1_796_000_100.0)])
        report = await journal.report()
        [line] = await export_lines(journal, tmp_path)
    assert (report.accepted, report.delivered, report.read) == (1, 1, 1)
    assert line["delivery"] == "read"
    assert line["delivered_at"] == "2026-11-30T00:55:10.000+00:00"
    assert line["read_at"] == "2026-11-30T00:55:20.000+00:00"


@pytest.mark.parametrize("order", [(110.0, 105.0, 120.0), (120.0, 110.0, 105.0)])
async def test_the_earliest_time_of_a_status_is_kept_whatever_the_order(
    journal_target: str, tmp_path: Path, order: tuple[float, float, float],
) -> None:
    await sent_journal(journal_target)
    async with open_journal(journal_target, campaign="c") as journal:
        for at in order:
            await journal.apply_statuses([status("delivered", 1_796_000_000.0 + at)])
        [line] = await export_lines(journal, tmp_path)
    assert line["delivered_at"] == "2026-11-30T00:55:05.000+00:00"


async def test_a_redelivered_batch_changes_nothing(journal_target: str, tmp_path: Path) -> None:
    await sent_journal(journal_target)
    batch = [status("sent", 100.0, pricing_category="marketing", billable=True),
             status("delivered", 101.0), status("read", 150.0)]
    async with open_journal(journal_target, campaign="c") as journal:
        await journal.apply_statuses(batch)
        before = (await journal.report(), await export_lines(journal, tmp_path))
        result = await journal.apply_statuses(list(reversed(batch)) + batch)
        after = (await journal.report(), await export_lines(journal, tmp_path))
    assert result.applied == 6
    assert after == before
    assert (before[0].billable, before[0].pricing) == (1, {"marketing": 1})


async def test_a_failed_status_keeps_its_code_and_title_and_fails_the_delivery(
    journal_target: str,
) -> None:
    await sent_journal(journal_target)
    async with open_journal(journal_target, campaign="c") as journal:
        await journal.apply_statuses([status(
            "failed", 100.0, error_code=131049, error_title="This message was not delivered "
            "to maintain healthy ecosystem engagement.", error_detail="held back")])
        report = await journal.report()
    assert (report.accepted, report.delivered, report.failed) == (1, 0, 1)
    assert report.failed_by_code == {"131049": 1}
    [failure] = report.failures
    assert failure.stage == "delivery" and failure.title is not None
    assert failure.title.startswith("This message was not delivered")


async def test_statuses_of_unknown_wamids_and_untracked_kinds_are_counted_not_kept(
    journal_target: str, tmp_path: Path,
) -> None:
    await sent_journal(journal_target)
    async with open_journal(journal_target, campaign="c") as journal:
        result = await journal.apply_statuses([
            status("delivered", 1.0, wamid="wamid.SOMEONE-ELSES"),
            status("delivered", 1.0, wamid="wamid.OTHER-JOURNAL",
                   callback_data=campaign_tag("not-in-this-journal", 0)),
            status("deleted", 1.0),
        ])
        report = await journal.report()
        [line] = await export_lines(journal, tmp_path)
    assert result == TrackResult(applied=0, unknown=2, ignored=1)
    assert (report.rows, report.delivered, report.awaiting) == (1, 0, 1)
    assert line["delivery"] is None


async def test_a_tagged_status_that_beats_the_broadcasts_own_write_is_kept(
    journal_target: str,
) -> None:
    async with open_journal(journal_target, campaign="c") as broadcaster, open_journal(
        journal_target, campaign="c"
    ) as web_app:
        result = await web_app.apply_statuses([
            status("delivered", 5.0, callback_data=campaign_tag("c", 0))])
        assert result.applied == 1
        await broadcaster.record(JournalEntry("+15550000000", "sent", row=0, message_id=WAMID))
        assert (await broadcaster.report()).delivered == 1


async def test_an_unknown_row_seen_in_a_status_is_reported_as_seen(journal_target: str) -> None:
    async with open_journal(journal_target, campaign="c") as journal:
        await journal.record(JournalEntry("+15550000000", "unknown", row=0))
        await journal.apply_statuses([
            status("sent", 5.0, wamid="wamid.X", callback_data=campaign_tag("c", 0))])
        report = await journal.report()
    assert (report.unknown, report.unknown_seen) == (1, 1)


@pytest.fixture
async def receiver(
    journal_target: str,
) -> AsyncIterator[tuple[str, WebhookRouter, StatusTracker]]:
    """A web app tracking statuses into its own journal object on the broadcast's journal."""
    async with open_journal(journal_target, campaign="web-app") as journal:
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


async def test_router_track_gives_the_report_its_numbers_end_to_end(
    journal_target: str, receiver: tuple[str, WebhookRouter, StatusTracker], tmp_path: Path,
) -> None:
    url, router, tracker = receiver
    rows = [Recipient(f"+1555000{i:04d}") for i in range(20)] + [Recipient("+15550000003")]
    async with FakeCloudAPI(webhook_url=url, app_secret=SECRET, pair_limit=None,
                            messages_per_second=1000) as fake, WhatsAppClient(
        fake.access_token, fake.phone_number_id, base_url=fake.base_url,
        messages_per_second=1000,
    ) as wa:
        fake.fail_deliveries_to("+15550000007", 131026)
        await wa.broadcast(rows, template="hello", journal=journal_target, campaign="spring")
        await fake.flush_webhooks()
        await router.join()
    assert tracker.counts.applied == 19 * 3 + 1 and tracker.counts.unknown == 0
    async with open_journal(journal_target, campaign="spring") as journal:
        report = await journal.report()
        lines = await export_lines(journal, tmp_path)
    assert (report.rows, report.accepted, report.delivered, report.read) == (21, 20, 19, 19)
    assert (report.failed, report.failed_on_delivery, report.skipped) == (1, 1, 1)
    assert report.failed_by_code == {"131026": 1}
    assert report.skipped_by_reason == {"Duplicate": 1}
    assert report.time_to_delivered is not None and report.time_to_delivered.count == 19
    assert [line["line"] for line in lines] == list(range(2, 23))
    failed = next(line for line in lines if line["recipient"] == "+15550000007")
    assert (failed["delivery"], failed["error_code"]) == ("failed", 131026)
    duplicate = lines[-1]
    assert (duplicate["status"], duplicate["duplicate_of_line"]) == ("skipped", 5)


# ------------------------------------------------------------------ export


async def test_export_csv_lists_recipients_and_row_entries_one_line_per_row(
    journal_target: str, tmp_path: Path,
) -> None:
    out, filtered = tmp_path / "out.csv", tmp_path / "failed.csv"
    before = datetime.now(timezone.utc)
    async with open_journal(journal_target, campaign="c") as journal:
        await journal.record(JournalEntry("+15550000001", "sent", row=0, message_id="wamid.1"))
        await journal.record_row(JournalEntry("+15550000001", "skipped", row=1,
                                              error_type="Duplicate", duplicate_of=0))
        await journal.record(JournalEntry("+15550000002", "failed", row=2, error_code=131026,
                                          error_type="RecipientError", attempts=1))
        await journal.record_row(JournalEntry("oops", "skipped", row=3,
                                              error_type="ValidationError"))
        assert await journal.export_csv(out) == 4
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["row"], r["recipient"], r["status"], r["error_code"], r["duplicate_of"])
            for r in rows] == [
        ("0", "+15550000001", "sent", "", ""), ("1", "+15550000001", "skipped", "", "0"),
        ("2", "+15550000002", "failed", "131026", ""), ("3", "oops", "skipped", "", ""),
    ]
    for row in rows:
        when = datetime.fromisoformat(row["updated_at"])
        assert row["updated_at"].endswith("+00:00")
        assert abs((when - before).total_seconds()) < 60
    # The module-level export reads a journal by its path or DSN, filtered by status.
    assert export_csv(journal_target, filtered, campaign="c", statuses=("failed",)) == 1


async def test_export_writes_csv_and_jsonl_alike_in_input_order(
    journal_target: str, tmp_path: Path,
) -> None:
    await sent_journal(journal_target, rows=2)
    async with open_journal(journal_target, campaign="c") as journal:
        await journal.record_row(JournalEntry("x", "skipped", row=2,
                                              error_type="ValidationError"))
        await journal.apply_statuses([status("delivered", 1_796_000_000.0)])
        assert await journal.export(tmp_path / "out.csv", format="csv") == 3
        lines = await export_lines(journal, tmp_path)
        with pytest.raises(ValidationError, match="format"):
            await journal.export(tmp_path / "out.xml", format="xml")
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["recipient"] for r in rows] == [line["recipient"] for line in lines] == [
        "+15550000000", "+15550000001", "x"]
    assert [line["delivery"] for line in lines] == ["delivered", None, None]
    assert rows[0]["wamid"] == WAMID and rows[0]["delivery"] == "delivered"
