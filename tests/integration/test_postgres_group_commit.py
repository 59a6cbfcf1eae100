"""The PostgreSQL journal's group commit: records written together share a transaction, yet
each is committed when its await returns, a bad one fails alone, a key's records keep their
order, and a broken connection is replaced."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest

from whatsapp_async._journal_pg_claims import CampaignRows
from whatsapp_async.errors import JournalError
from whatsapp_async.journal import JournalEntry, PostgresJournal


def _phone(i: int) -> str:
    return f"+1555{i:07d}"


async def _transactions(dsn: str, table: str) -> int:
    """How many transactions wrote the rows of ``table`` (rows of one share its xmin)."""
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        cur = await conn.execute(f"SELECT count(DISTINCT xmin::text) FROM {table}")
        found = await cur.fetchone()
    assert found is not None
    return int(found[0])


async def test_records_written_at_once_share_transactions(fresh_postgres_dsn: str) -> None:
    async with PostgresJournal(fresh_postgres_dsn, campaign="c") as journal:
        await asyncio.gather(*(journal.record(JournalEntry(_phone(i), "sent", row=i))
                               for i in range(200)))
        await asyncio.gather(*(journal.record_row(JournalEntry("n/a", "skipped", row=i))
                               for i in range(200, 300)))
        assert len(await journal.entries()) == 200
        assert len(await journal.row_entries()) == 100
    # One commit each would be 200 and 100 transactions.
    assert await _transactions(fresh_postgres_dsn, "outcomes") <= 3
    assert await _transactions(fresh_postgres_dsn, "row_outcomes") <= 3


async def test_a_nowait_record_goes_ahead_when_its_future_is_cancelled(
    fresh_postgres_dsn: str,
) -> None:
    async with PostgresJournal(fresh_postgres_dsn, campaign="c") as journal:
        write = journal.record_nowait(JournalEntry(_phone(1), "pending", row=1))
        write.cancel()
        await journal.record(JournalEntry(_phone(2), "sent", row=2))
        assert sorted((e.recipient, e.status) for e in await journal.entries()) == [
            (_phone(1), "pending"), (_phone(2), "sent"),
        ]


async def test_each_record_is_committed_when_its_await_returns(fresh_postgres_dsn: str) -> None:
    async with PostgresJournal(fresh_postgres_dsn, campaign="c") as journal, \
            await psycopg.AsyncConnection.connect(fresh_postgres_dsn, autocommit=True) as other:

        async def record_then_look(i: int) -> str | None:
            await journal.record(JournalEntry(_phone(i), "pending", row=i))
            # Another session sees it at once: it was committed, not only queued.
            cur = await other.execute(
                "SELECT status FROM outcomes WHERE recipient = %s", (_phone(i),))
            found = await cur.fetchone()
            return None if found is None else str(found[0])

        lock = asyncio.Lock()

        async def guarded(i: int) -> str | None:
            async with lock:  # one query at a time on the observer's connection
                return await record_then_look(i)

        assert await asyncio.gather(*(guarded(i) for i in range(20))) == ["pending"] * 20


async def test_a_bad_record_fails_alone_the_others_of_its_batch_land(
    fresh_postgres_dsn: str,
) -> None:
    async with PostgresJournal(fresh_postgres_dsn, campaign="c") as journal:
        results = await asyncio.gather(
            journal.record(JournalEntry(_phone(1), "sent", row=1)),
            journal.record(JournalEntry("+1555\x000000002", "sent", row=2)),  # NUL: refused
            journal.record(JournalEntry(_phone(3), "sent", row=3)),
            return_exceptions=True,
        )
        assert results[0] is None and results[2] is None
        assert isinstance(results[1], JournalError)
        assert [e.recipient for e in await journal.entries()] == [_phone(1), _phone(3)]
        # The writer goes on after a refusal.
        await journal.record(JournalEntry(_phone(4), "sent", row=4))
        assert len(await journal.entries()) == 3


async def test_records_of_one_recipient_in_one_batch_apply_in_their_order(
    fresh_postgres_dsn: str,
) -> None:
    to = _phone(7)
    async with PostgresJournal(fresh_postgres_dsn, campaign="c") as journal:
        # Queued together: the mark, then undoing it, then the mark again and its outcome.
        await asyncio.gather(
            journal.record(JournalEntry(to, "pending", row=7)),
            journal.forget_pending(to),
            journal.record(JournalEntry(_phone(8), "pending", row=8)),
            journal.forget_pending(_phone(8), "failed"),
        )
        assert [(e.recipient, e.status) for e in await journal.entries()] == [
            (_phone(8), "failed"),
        ]
        await asyncio.gather(
            journal.record(JournalEntry(to, "pending", row=7)),
            journal.record(JournalEntry(to, "sent", row=7, message_id="wamid.7", attempts=1)),
            journal.forget_pending(to),  # not pending any more: nothing to undo
        )
        # Undoing first, then a new mark: the mark stays.
        await asyncio.gather(journal.forget_pending(_phone(9)),
                             journal.record(JournalEntry(_phone(9), "pending", row=9)))
        entries = await journal.entries()
    assert [(e.recipient, e.status, e.message_id) for e in entries] == [
        (to, "sent", "wamid.7"), (_phone(8), "failed", None), (_phone(9), "pending", None),
    ]


async def test_a_connection_the_server_ended_is_replaced(fresh_postgres_dsn: str) -> None:
    async with PostgresJournal(fresh_postgres_dsn, campaign="c") as journal:
        await journal.record(JournalEntry(_phone(1), "sent", row=1))
        async with await psycopg.AsyncConnection.connect(
            fresh_postgres_dsn, autocommit=True
        ) as admin:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        await asyncio.sleep(0.2)  # the backends are gone
        await journal.record(JournalEntry(_phone(2), "sent", row=2))
        assert [e.recipient for e in await journal.entries()] == [_phone(1), _phone(2)]


async def test_a_record_fails_with_a_journal_error_when_the_server_refuses_every_connection(
    fresh_postgres_dsn: str, postgres_server: Any,
) -> None:
    database = fresh_postgres_dsn.rsplit("/", 1)[1]
    journal = PostgresJournal(fresh_postgres_dsn, campaign="c")
    await journal.open()
    try:
        async with await psycopg.AsyncConnection.connect(
            postgres_server.dsn_for("postgres"), autocommit=True
        ) as admin:
            # New sessions are refused, then every current one is ended.
            await admin.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false')
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = %s", (database,))
            await asyncio.sleep(0.2)
            with pytest.raises(JournalError, match="cannot be used"):
                await journal.record(JournalEntry(_phone(1), "sent", row=1))
            await admin.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true')
        # Once the server takes connections again, so does the journal.
        await journal.record(JournalEntry(_phone(2), "sent", row=2))
        assert [e.recipient for e in await journal.entries()] == [_phone(2)]
    finally:
        await journal.close()


async def test_done_marks_share_the_records_transactions_and_count_held_rows(
    fresh_postgres_dsn: str,
) -> None:
    async with PostgresJournal(fresh_postgres_dsn, campaign="c") as journal:
        rows = CampaignRows(journal, "me", 60.0)
        await rows.load([(i, "{}", _phone(i), None) for i in range(50)], lambda: "f")
        assert len(await rows.claim(40)) == 40
        counts = await asyncio.gather(*(rows.done([i]) for i in range(50)))
        # Rows 40..49 were never claimed by this worker: not marked.
        assert counts == [1] * 40 + [0] * 10
        assert await rows.open_rows() == 10
        assert await rows.done([0, 1]) == 0  # already done: no longer held
    assert await _transactions(fresh_postgres_dsn,
                               "campaign_rows WHERE state = 'done'") <= 2
