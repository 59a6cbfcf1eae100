"""The SQLite journal's edges: picking a backend, filters, refusals, the writer's batches."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import threading
from pathlib import Path

import pytest

from whatsapp_async.errors import ValidationError
from whatsapp_async.journal import Journal, JournalEntry, PostgresJournal, open_journal


def test_open_journal_gives_a_postgres_journal_for_a_dsn_with_its_campaign() -> None:
    dsn = "postgresql://user@127.0.0.1:5432/broadcasts"
    journal = open_journal(dsn, campaign="spring")
    assert isinstance(journal, PostgresJournal)
    assert (journal.dsn, journal.campaign) == (dsn, "spring")


def test_open_journal_gives_an_sqlite_journal_for_a_path_in_the_default_campaign(
    tmp_path: Path,
) -> None:
    journal = open_journal(str(tmp_path / "run.db"))
    assert isinstance(journal, Journal)
    assert (journal.path, journal.campaign) == (tmp_path / "run.db", "default")


async def test_a_refused_row_entry_names_the_row_field_and_the_rule(tmp_path: Path) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        with pytest.raises(ValidationError) as info:
            await journal.record_row(JournalEntry("bad", "skipped", row=-3))
    assert info.value.field == "row"
    assert "position (>= 0)" in info.value.rule and "-3" in info.value.rule


async def test_entries_of_one_status_are_only_that_status_in_input_order(
    tmp_path: Path,
) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        await journal.record(JournalEntry("+15550000003", "failed", row=2))
        await journal.record(JournalEntry("+15550000001", "sent", row=0))
        await journal.record(JournalEntry("+15550000002", "failed", row=1))
        failed = await journal.entries(status="failed")
    assert [(e.recipient, e.status) for e in failed] == [
        ("+15550000002", "failed"), ("+15550000003", "failed")
    ]


async def test_the_export_method_keeps_to_its_campaign_and_the_statuses_asked_for(
    tmp_path: Path,
) -> None:
    db, out = tmp_path / "run.db", tmp_path / "out.csv"
    async with Journal(db, campaign="other") as other:
        await other.record(JournalEntry("+15550000009", "failed", row=0))
    async with Journal(db, campaign="c") as journal:
        await journal.record(JournalEntry("+15550000001", "sent", row=0))
        await journal.record(JournalEntry("+15550000002", "failed", row=1))
        written = await journal.export_csv(out, statuses=("failed",))
    with out.open(newline="", encoding="utf-8") as handle:
        rows = [(r["recipient"], r["status"]) for r in csv.DictReader(handle)]
    assert written == 1
    assert rows == [("+15550000002", "failed")]


async def test_one_writer_transaction_takes_at_most_512_commands(tmp_path: Path) -> None:
    # A failing command rolls back its whole transaction, so which commands fail
    # with it shows where the writer cut the batch.
    started, release = threading.Event(), threading.Event()

    def hold(conn: sqlite3.Connection) -> None:
        started.set()
        release.wait(10)

    def broken(conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("boom")

    def fine(conn: sqlite3.Connection) -> int:
        return 1

    async with Journal(tmp_path / "run.db", synchronous="NORMAL") as journal:
        holding = asyncio.ensure_future(journal.call(hold))
        await asyncio.to_thread(started.wait, 10)
        # All queued while the writer is busy: its next batch starts with `broken`.
        calls = [asyncio.ensure_future(journal.call(broken))]
        calls += [asyncio.ensure_future(journal.call(fine)) for _ in range(599)]
        await asyncio.sleep(0)  # let every call reach the queue
        release.set()
        await holding
        results = await asyncio.gather(*calls, return_exceptions=True)
    failed = [i for i, r in enumerate(results) if isinstance(r, sqlite3.OperationalError)]
    assert failed == list(range(512))
    assert results[512:] == [1] * 88
