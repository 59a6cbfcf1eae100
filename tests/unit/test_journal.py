"""The SQLite broadcast journal: durable, off the event loop, exportable."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from whatsapp_async._journal_schema import SCHEMA_VERSION
from whatsapp_async.errors import JournalError, ValidationError
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


def test_the_repr_names_the_file_and_the_campaign(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "run.db", campaign="spring")
    assert repr(journal) == f"Journal({str(tmp_path / 'run.db')!r}, campaign='spring')"


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
        # Over the second half, so it hits the recipients' data pages whatever the layout
        # (a half-empty page takes garbage in its unused space without noticing).
        with path.open("r+b") as handle:
            handle.seek(size // 2)
            handle.write(b"\xff" * (size - size // 2))
    with pytest.raises(JournalError) as info:
        async with Journal(path) as journal:
            await journal.scan(lambda to, status: None)
            await journal.entries()
            await journal.row_entries()
    assert str(path) in str(info.value)
    assert isinstance(info.value.__cause__, sqlite3.DatabaseError)


# --------------------------------------------------------------------------- row entries


async def test_each_row_entry_is_kept_under_its_own_row_even_with_the_same_text(
    tmp_path: Path,
) -> None:
    async with Journal(tmp_path / "run.db", campaign="c") as journal:
        for row in (2, 5, 9):
            await journal.record_row(
                JournalEntry("n/a", "skipped", row=row, error_type="ValidationError")
            )
        await journal.record_row(
            JournalEntry("+15550000001", "skipped", row=4, error_type="Duplicate",
                         duplicate_of=1)
        )
        rows = await journal.row_entries()
    assert [(e.row, e.recipient, e.duplicate_of) for e in rows] == [
        (2, "n/a", None), (4, "+15550000001", 1), (5, "n/a", None), (9, "n/a", None)
    ]


async def test_recording_a_row_again_replaces_its_entry(tmp_path: Path) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        await journal.record_row(JournalEntry("+15550000001", "skipped", row=3, duplicate_of=0))
        await journal.record_row(JournalEntry("+15550000001", "skipped", row=3, duplicate_of=0))
        assert len(await journal.row_entries()) == 1


@pytest.mark.parametrize("row", [None, -1])
async def test_a_row_entry_without_a_row_position_is_refused(
    tmp_path: Path, row: int | None
) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        with pytest.raises(ValidationError, match="row"):
            await journal.record_row(JournalEntry("bad", "skipped", row=row))


async def test_a_campaign_with_only_row_entries_is_a_used_campaign(tmp_path: Path) -> None:
    async with Journal(tmp_path / "run.db", campaign="c") as journal:
        await journal.record_row(JournalEntry("bad", "skipped", row=0))
        assert await journal.has_entries()
        assert await journal.campaigns() == ["c"]


async def test_export_lists_recipients_and_row_entries_one_line_per_row_in_input_order(
    tmp_path: Path,
) -> None:
    db, out = tmp_path / "run.db", tmp_path / "out.csv"
    async with Journal(db, campaign="c") as journal:
        await journal.record(JournalEntry("+15550000001", "sent", row=0, message_id="wamid.1"))
        await journal.record_row(
            JournalEntry("+15550000001", "skipped", row=1, error_type="Duplicate",
                         duplicate_of=0)
        )
        await journal.record_row(
            JournalEntry("oops", "skipped", row=2, error_type="ValidationError")
        )
    export_csv(db, out)
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["row"], r["recipient"], r["error_type"], r["duplicate_of"]) for r in rows] == [
        ("0", "+15550000001", "", ""), ("1", "+15550000001", "Duplicate", "0"),
        ("2", "oops", "ValidationError", ""),
    ]


async def test_export_timestamps_are_iso_8601_in_utc(tmp_path: Path) -> None:
    db, out = tmp_path / "run.db", tmp_path / "out.csv"
    before = datetime.now(timezone.utc)
    async with Journal(db) as journal:
        await journal.record(JournalEntry("+15550000001", "sent", row=0))
        await journal.record_row(JournalEntry("bad", "skipped", row=1))
    export_csv(db, out)
    with out.open(newline="", encoding="utf-8") as handle:
        stamps = [r["updated_at"] for r in csv.DictReader(handle)]
    for stamp in stamps:
        assert stamp.endswith("+00:00") and "T" in stamp
        when = datetime.fromisoformat(stamp)
        assert abs((when - before).total_seconds()) < 60


# --------------------------------------------------------------------------- older files


def write_version_0_journal(db: Path) -> None:
    """A journal as version 0 wrote it: invalid rows under their raw text in ``outcomes``."""
    conn = sqlite3.connect(db)
    with conn:
        conn.executescript(
            "CREATE TABLE campaigns (name TEXT PRIMARY KEY, created_at REAL NOT NULL, "
            "description TEXT NOT NULL DEFAULT '');"
            "CREATE TABLE outcomes (campaign TEXT NOT NULL, recipient TEXT NOT NULL, row "
            "INTEGER, status TEXT NOT NULL, message_id TEXT, error_code INTEGER, error_type "
            "TEXT, error_message TEXT, attempts INTEGER NOT NULL DEFAULT 0, updated_at REAL "
            "NOT NULL, PRIMARY KEY (campaign, recipient)) WITHOUT ROWID;"
        )
        conn.executemany(
            "INSERT INTO outcomes (campaign, recipient, row, status, error_type, updated_at) "
            "VALUES ('c', ?, ?, ?, ?, 1796173177.82)",
            [
                ("+15550000001", 0, "sent", None),
                ("not a number", 4, "skipped", "ValidationError"),  # rows 1 and 4 in truth
                ("+15550000002", 2, "skipped", "ValidationError"),  # bad params: its own row
                ("#row3", 3, "skipped", "ValidationError"),
            ],
        )
    conn.close()


async def test_an_old_journal_is_upgraded_in_place_moving_invalid_rows_to_row_entries(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.db"
    write_version_0_journal(db)
    async with Journal(db, campaign="c") as journal:
        recipients = {e.recipient: e.row for e in await journal.entries()}
        rows = [(e.row, e.recipient) for e in await journal.row_entries()]
    assert recipients == {"+15550000001": 0, "+15550000002": 2}
    assert rows == [(3, "#row3"), (4, "not a number")]
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    finally:
        conn.close()
    async with Journal(db, campaign="c") as again:  # a second open changes nothing
        assert len(await again.entries()) == 2 and len(await again.row_entries()) == 2


async def test_an_old_journal_can_be_exported_without_being_changed(tmp_path: Path) -> None:
    db, out = tmp_path / "old.db", tmp_path / "out.csv"
    write_version_0_journal(db)
    assert export_csv(db, out) == 4
    with out.open(newline="", encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    assert first["updated_at"] == "2026-12-02T00:59:37.820+00:00"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (0,)
    finally:
        conn.close()
