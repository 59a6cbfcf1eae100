"""The SQLite journal's writer: which writes share a transaction, their order, record_nowait."""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from whatsapp_async.errors import JournalError
from whatsapp_async.journal import Journal, JournalEntry


def entry(i: int, status: str = "sent") -> JournalEntry:
    return JournalEntry(f"+1555000{i:04d}", status, row=i)


async def traced(journal: Journal) -> list[str]:
    """The SQL statements the writer runs from now on (its thread appends them)."""
    statements: list[str] = []
    await journal.call(lambda conn: conn.set_trace_callback(statements.append))
    return statements


def commits(statements: list[str]) -> int:
    return sum(1 for sql in statements if sql == "COMMIT")


class Held:
    """A call that keeps the writer thread busy until released."""

    def __init__(self) -> None:
        self.started, self.release = threading.Event(), threading.Event()

    def __call__(self, conn: sqlite3.Connection) -> None:
        self.started.set()
        self.release.wait(10)


async def test_records_submitted_in_one_loop_iteration_share_one_transaction(
    tmp_path: Path,
) -> None:
    async with Journal(tmp_path / "run.db", synchronous="NORMAL") as journal:
        statements = await traced(journal)
        await asyncio.gather(*(journal.record(entry(i)) for i in range(100)))
        assert commits(statements) == 1
        assert len(await journal.entries()) == 100


async def test_records_submitted_while_a_batch_commits_go_together_in_the_next_one(
    tmp_path: Path,
) -> None:
    async with Journal(tmp_path / "run.db", synchronous="NORMAL") as journal:
        statements = await traced(journal)
        held = Held()
        holding = asyncio.ensure_future(journal.call(held))
        await asyncio.to_thread(held.started.wait, 10)
        writes = []
        for i in range(10):  # over ten loop iterations, all while the thread is busy
            writes.append(journal.record_nowait(entry(i)))
            await asyncio.sleep(0)
        held.release.set()
        await holding
        await asyncio.gather(*writes)
        assert commits(statements) == 1


async def test_a_later_entry_of_a_recipient_in_the_same_batch_wins(tmp_path: Path) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        await asyncio.gather(
            journal.record_nowait(entry(1, "pending")), journal.record_nowait(entry(1, "sent")),
        )
        assert [(e.recipient, e.status) for e in await journal.entries()] == [
            ("+15550000001", "sent"),
        ]


async def test_a_call_between_records_sees_those_before_it_and_not_those_after(
    tmp_path: Path,
) -> None:
    def count(conn: sqlite3.Connection) -> int:
        return int(conn.execute("SELECT COUNT(*) FROM outcomes").fetchone()[0])

    async with Journal(tmp_path / "run.db") as journal:
        statements = await traced(journal)
        held = Held()
        holding = asyncio.ensure_future(journal.call(held))
        await asyncio.to_thread(held.started.wait, 10)
        before = journal.record_nowait(entry(1))
        counted = asyncio.ensure_future(journal.call(count))
        await asyncio.sleep(0)  # the call is queued now, between the two records
        after = journal.record_nowait(entry(2))
        held.release.set()
        await holding
        assert await counted == 1
        await asyncio.gather(before, after)
        assert commits(statements) == 1  # all three in one transaction
        assert len(await journal.entries()) == 2


async def test_a_write_goes_ahead_when_its_future_is_cancelled(tmp_path: Path) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        write = journal.record_nowait(entry(1))
        write.cancel()
        assert [e.recipient for e in await journal.entries()] == ["+15550000001"]


async def test_record_nowait_on_a_journal_not_open_says_so_at_once(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "run.db")
    with pytest.raises(RuntimeError, match="the journal is not open"):
        journal.record_nowait(entry(1))


async def test_close_commits_writes_submitted_but_not_yet_handed_to_the_thread(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    journal = Journal(db)
    await journal.open()
    writes = [journal.record_nowait(entry(i)) for i in range(3)]
    await journal.close()
    assert [w.result() for w in writes] == [None, None, None]
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT COUNT(*) FROM outcomes").fetchone() == (3,)
    finally:
        conn.close()


async def test_a_failed_nowait_write_is_a_journal_error_with_the_sqlite_cause(
    tmp_path: Path,
) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        await journal.call(lambda conn: conn.execute("DROP TABLE outcomes"))
        with pytest.raises(JournalError) as info:
            await journal.record_nowait(entry(1))
    assert "no such table: outcomes" in str(info.value)
    assert isinstance(info.value.__cause__, sqlite3.OperationalError)


async def test_an_error_of_a_call_reaches_its_caller_as_the_sqlite_error_it_is(
    tmp_path: Path,
) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("SELECT * FROM no_such_table")

    async with Journal(tmp_path / "run.db") as journal:
        with pytest.raises(sqlite3.OperationalError, match="no such table: no_such_table"):
            await journal.call(broken)


async def test_a_write_submitted_while_the_open_fails_gets_its_error_and_does_not_hang(
    tmp_path: Path,
) -> None:
    journal = Journal(tmp_path / "run.db")
    may_fail = threading.Event()

    def connect() -> sqlite3.Connection:
        may_fail.wait(10)
        raise sqlite3.OperationalError("unable to open database file")

    journal._writer._connect = connect  # the file fails to open once a write is waiting
    opening = asyncio.ensure_future(journal.open())
    await asyncio.sleep(0)  # open() has started the thread and waits for it
    write = journal.record_nowait(entry(1))
    counted = asyncio.ensure_future(journal.call(lambda conn: 1))
    await asyncio.sleep(0)
    may_fail.set()
    with pytest.raises(JournalError):
        await opening
    with pytest.raises(JournalError, match="unable to open"):
        await asyncio.wait_for(write, 10)
    with pytest.raises(sqlite3.OperationalError, match="unable to open"):
        await asyncio.wait_for(counted, 10)
    assert not journal.is_open


class CountingQueue(queue.SimpleQueue[Any]):
    """The writer's queue, counting what the loop hands the thread."""

    puts = 0

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        self.puts += 1
        super().put(item, block, timeout)


async def test_an_idle_writer_hands_its_thread_nothing(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "run.db")
    handed = journal._writer._queue = CountingQueue()
    async with journal:
        await journal.record(entry(1))
        busy = handed.puts
        await asyncio.sleep(0.05)
        assert handed.puts == busy == 1


async def test_a_close_while_the_open_fails_lets_the_open_raise_its_own_error(
    tmp_path: Path,
) -> None:
    journal = Journal(tmp_path / "run.db")
    may_fail = threading.Event()

    def connect() -> sqlite3.Connection:
        may_fail.wait(10)
        raise sqlite3.OperationalError("unable to open database file")

    journal._writer._connect = connect
    opening = asyncio.ensure_future(journal.open())
    await asyncio.sleep(0)  # open() has started the thread and waits for it
    closing = asyncio.ensure_future(journal.close())
    await asyncio.sleep(0)  # close() has queued its stop behind nothing
    may_fail.set()
    with pytest.raises(JournalError, match="unable to open"):
        await asyncio.wait_for(opening, 10)
    await asyncio.wait_for(closing, 10)
    assert not journal.is_open
