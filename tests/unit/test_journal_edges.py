"""The SQLite journal's edges: picking a backend, filters, refusals, the writer's batches."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import threading
from pathlib import Path

import pytest

from whatsapp_async.errors import ConfigurationError, JournalError, ValidationError
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

    def broken(conn: sqlite3.Connection) -> int:
        raise sqlite3.OperationalError("boom")

    def fine(conn: sqlite3.Connection) -> int:
        return 1

    async with Journal(tmp_path / "run.db", synchronous="NORMAL") as journal:
        holding = asyncio.ensure_future(journal.call(hold))
        await asyncio.to_thread(started.wait, 10)
        # All queued while the writer is busy: its next batch starts with `broken`.
        calls: list[asyncio.Future[int]] = [asyncio.ensure_future(journal.call(broken))]
        calls += [asyncio.ensure_future(journal.call(fine)) for _ in range(599)]
        await asyncio.sleep(0)  # let every call reach the queue
        release.set()
        await holding
        results = await asyncio.gather(*calls, return_exceptions=True)
    failed = [i for i, r in enumerate(results) if isinstance(r, sqlite3.OperationalError)]
    assert failed == list(range(512))
    assert list(results[512:]) == [1] * 88


def test_a_journal_records_the_default_campaign_unless_told_otherwise(tmp_path: Path) -> None:
    assert Journal(tmp_path / "run.db").campaign == "default"


def test_an_empty_campaign_name_is_refused_with_the_rule(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        Journal(tmp_path / "run.db", campaign="")
    assert str(info.value) == "campaign must be a non-empty name"


async def test_commits_are_synced_in_full_unless_told_otherwise(tmp_path: Path) -> None:
    def synchronous(conn: sqlite3.Connection) -> int:
        return int(conn.execute("PRAGMA synchronous").fetchone()[0])

    async with Journal(tmp_path / "full.db") as full:
        assert await full.call(synchronous) == 2  # FULL
    async with Journal(tmp_path / "normal.db", synchronous="NORMAL") as normal:
        assert await normal.call(synchronous) == 1


async def test_the_writer_is_a_daemon_thread_named_after_the_campaign(tmp_path: Path) -> None:
    async with Journal(tmp_path / "run.db", campaign="spring") as journal:
        name, daemon = await journal.call(
            lambda conn: (threading.current_thread().name, threading.current_thread().daemon)
        )
    assert (name, daemon) == ("whatsapp-journal-spring", True)


async def test_a_journal_that_failed_to_open_is_not_open(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "no-such-folder" / "run.db")
    with pytest.raises(JournalError) as info:
        await journal.open()
    assert not journal.is_open
    assert str(tmp_path / "no-such-folder" / "run.db") in str(info.value)
    assert "unable to open" in str(info.value)


async def test_a_failed_write_is_a_journal_error_naming_the_file_and_the_cause(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    async with Journal(db) as journal:
        await journal.call(lambda conn: conn.execute("DROP TABLE outcomes"))
        with pytest.raises(JournalError) as info:
            await journal.record(JournalEntry("+15550000001", "sent", row=0))
    assert str(db) in str(info.value) and "no such table: outcomes" in str(info.value)
    assert isinstance(info.value.__cause__, sqlite3.OperationalError)


async def test_close_flushes_records_queued_behind_a_busy_writer_and_stops_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread_errors: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: thread_errors.append(args.exc_value))
    started, release = threading.Event(), threading.Event()

    def hold(conn: sqlite3.Connection) -> None:
        started.set()
        release.wait(10)

    db = tmp_path / "run.db"
    journal = Journal(db)
    await journal.open()
    holding = asyncio.ensure_future(journal.call(hold))
    await asyncio.to_thread(started.wait, 10)
    recording = asyncio.ensure_future(journal.record(JournalEntry("+15550000001", "sent", row=0)))
    await asyncio.sleep(0)  # the record is queued; the stop goes in right behind it
    closing = asyncio.ensure_future(journal.close())
    await asyncio.sleep(0)
    release.set()
    await asyncio.wait_for(asyncio.gather(holding, recording, closing), 10)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT recipient FROM outcomes").fetchall() == [("+15550000001",)]
    finally:
        conn.close()
    assert thread_errors == []


async def test_a_cancelled_call_does_not_keep_the_rest_of_its_batch_waiting(
    tmp_path: Path,
) -> None:
    started, release = threading.Event(), threading.Event()

    def hold(conn: sqlite3.Connection) -> None:
        started.set()
        release.wait(10)

    async with Journal(tmp_path / "run.db") as journal:
        holding = asyncio.ensure_future(journal.call(hold))
        await asyncio.to_thread(started.wait, 10)
        given_up = asyncio.ensure_future(journal.call(lambda conn: 1))
        waiting = asyncio.ensure_future(journal.call(lambda conn: 2))
        await asyncio.sleep(0)  # both queued, in one batch
        given_up.cancel()
        release.set()
        await holding
        assert await asyncio.wait_for(waiting, 10) == 2
    assert given_up.cancelled()


async def test_a_call_on_a_closed_journal_says_it_is_not_open(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "run.db")
    with pytest.raises(RuntimeError) as info:
        await journal.call(lambda conn: None)
    assert str(info.value) == "the journal is not open"


async def test_a_journal_opens_and_records_after_an_earlier_open_failed(tmp_path: Path) -> None:
    # The first writer's failure must not be taken for the second one's.
    folder = tmp_path / "later"
    journal = Journal(folder / "run.db")
    with pytest.raises(JournalError):
        await journal.open()
    folder.mkdir()
    async with journal:
        await journal.record(JournalEntry("+15550000001", "sent", row=0))
        assert [e.recipient for e in await journal.entries()] == ["+15550000001"]
