"""The SQLite broadcast journal: durable, off the event loop, exportable."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import threading
from pathlib import Path

import pytest

from whatsapp_async.errors import JournalError
from whatsapp_async.journal import CSV_COLUMNS, Journal, JournalEntry, export_csv


def _read_rows(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT recipient, status FROM outcomes ORDER BY row"
        ).fetchall()
    finally:
        conn.close()


async def test_a_recorded_entry_is_visible_to_another_connection_when_record_returns(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    async with Journal(db, campaign="c") as journal:
        await journal.record(JournalEntry("+15550000001", "pending", row=0))
        assert _read_rows(db) == [("+15550000001", "pending")]


async def test_a_later_record_replaces_the_recipients_earlier_state(tmp_path: Path) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        await journal.record(JournalEntry("+15550000001", "pending", row=0))
        await journal.record(
            JournalEntry("+15550000001", "sent", row=0, message_id="wamid.1", attempts=2)
        )
        entries = await journal.entries()
    assert entries == [
        JournalEntry("+15550000001", "sent", row=0, message_id="wamid.1", attempts=2)
    ]


async def test_the_database_is_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    async with Journal(db):
        pass
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()


async def test_sqlite_work_runs_on_the_writer_thread_not_the_event_loop(tmp_path: Path) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        ident = await journal.call(lambda conn: threading.get_ident())
    assert ident != threading.get_ident()


async def test_campaigns_in_one_file_are_kept_apart(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    async with Journal(db, campaign="a") as a:
        await a.record(JournalEntry("+15550000001", "sent", row=0))
        assert await a.has_entries()
    async with Journal(db, campaign="b") as b:
        assert not await b.has_entries()
        assert await b.entries() == []


async def test_many_concurrent_records_all_land(tmp_path: Path) -> None:
    async with Journal(tmp_path / "run.db", synchronous="NORMAL") as journal:
        await asyncio.gather(
            *(journal.record(JournalEntry(f"+1555{i:07d}", "sent", row=i)) for i in range(2000))
        )
        entries = await journal.entries()
    assert [e.row for e in entries] == list(range(2000))


async def test_scan_visits_every_recipient_with_its_status(tmp_path: Path) -> None:
    seen: dict[str, str] = {}
    async with Journal(tmp_path / "run.db") as journal:
        await journal.record(JournalEntry("+15550000001", "sent", row=0))
        await journal.record(JournalEntry("+15550000002", "pending", row=1))
        count = await journal.scan(seen.__setitem__, chunk=1)
    assert count == 2
    assert seen == {"+15550000001": "sent", "+15550000002": "pending"}


async def test_a_failed_write_raises_to_its_caller_and_the_journal_keeps_working(
    tmp_path: Path,
) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    async with Journal(tmp_path / "run.db") as journal:
        with pytest.raises(sqlite3.OperationalError):
            await journal.call(broken)
        await journal.record(JournalEntry("+15550000001", "sent", row=0))
        assert len(await journal.entries()) == 1


async def test_use_after_close_raises(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "run.db")
    await journal.open()
    await journal.close()
    await journal.close()  # twice is fine
    with pytest.raises(RuntimeError, match="not open"):
        await journal.record(JournalEntry("+15550000001", "sent"))


async def test_opening_a_file_that_is_not_a_database_fails(tmp_path: Path) -> None:
    bogus = tmp_path / "run.db"
    bogus.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalError) as info:
        await Journal(bogus).open()
    assert isinstance(info.value.__cause__, sqlite3.DatabaseError)
    assert str(bogus) in str(info.value) and "move it aside" in str(info.value)


def test_an_empty_campaign_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="campaign"):
        Journal(tmp_path / "run.db", campaign="")


async def test_export_csv_writes_a_header_and_one_line_per_recipient(tmp_path: Path) -> None:
    db, out = tmp_path / "run.db", tmp_path / "out.csv"
    async with Journal(db, campaign="c") as journal:
        await journal.record(JournalEntry("+15550000001", "sent", row=0, message_id="wamid.1"))
        await journal.record(
            JournalEntry("+15550000002", "failed", row=1, error_code=131026,
                         error_type="RecipientError", error_message="undeliverable", attempts=1)
        )
        written = await journal.export_csv(out)
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert written == 2
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["message_id"] == "wamid.1"
    assert rows[0]["error_code"] == ""
    assert (rows[1]["status"], rows[1]["error_code"]) == ("failed", "131026")


async def test_export_csv_from_a_file_filters_by_status(tmp_path: Path) -> None:
    db, out = tmp_path / "run.db", tmp_path / "failed.csv"
    async with Journal(db, campaign="c") as journal:
        await journal.record(JournalEntry("+15550000001", "sent", row=0))
        await journal.record(JournalEntry("+15550000002", "failed", row=1))
        await journal.record(JournalEntry("+15550000003", "unknown", row=2))
    written = export_csv(db, out, campaign="c", statuses=("failed", "unknown"))
    with out.open(newline="", encoding="utf-8") as handle:
        recipients = [r["recipient"] for r in csv.DictReader(handle)]
    assert written == 2
    assert recipients == ["+15550000002", "+15550000003"]


def test_export_csv_of_a_missing_journal_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        export_csv(tmp_path / "missing.db", tmp_path / "out.csv")


@pytest.mark.parametrize("damage", ["zeroed", "truncated", "garbage"])
async def test_a_damaged_journal_is_a_journal_error_naming_the_file(
    tmp_path: Path, damage: str
) -> None:
    path = tmp_path / "run.db"
    async with Journal(path) as journal:
        for n in range(300):
            await journal.record(JournalEntry(f"+1555{n:07d}", "sent", row=n))
    size = path.stat().st_size
    if damage == "zeroed":
        path.write_bytes(b"\0" * size)
    elif damage == "truncated":
        with path.open("r+b") as handle:
            handle.truncate(size // 2)
    else:
        with path.open("r+b") as handle:
            handle.seek(size // 2)
            handle.write(b"\xff" * 2048)
    with pytest.raises(JournalError) as info:
        async with Journal(path) as journal:
            await journal.scan(lambda to, status: None)
            await journal.entries()
    assert str(path) in str(info.value)
    assert isinstance(info.value.__cause__, sqlite3.DatabaseError)
