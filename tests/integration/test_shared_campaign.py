"""Many workers on one campaign (``broadcast(shared=True)``) against a real PostgreSQL.

In-process workers check the rules one at a time; the last test runs real
worker processes through the command line and SIGKILLs one of them midway.
"""

from __future__ import annotations

import asyncio
import csv
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import psycopg
import pytest

from whatsapp_async import WhatsAppClient
from whatsapp_async._journal_pg_claims import CampaignRows
from whatsapp_async.bulk import Broadcast, Recipient
from whatsapp_async.bulk._shared import _Preparer
from whatsapp_async.errors import CampaignBusyError, ConfigurationError, ValidationError
from whatsapp_async.journal import JournalEntry, PostgresJournal, open_journal
from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.types.messages import Text


class Sent(msgspec.Struct, frozen=True):
    message_id: str


class Sender:
    """A send function that records the numbers it is called for, a little slowly."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls: list[str] = []
        self.delay = delay
        self._wanted = 0
        self._reached = asyncio.Event()

    async def wait_calls(self, n: int) -> None:
        """Wait until ``n`` sends have started."""
        self._wanted = n
        if len(self.calls) < n:
            await self._reached.wait()

    async def __call__(self, wa: WhatsAppClient, number: str, row: Recipient) -> Sent:
        self.calls.append(number)
        if self._wanted and len(self.calls) >= self._wanted:
            self._reached.set()
        await asyncio.sleep(self.delay)
        return Sent(f"wamid.{number[1:]}")


def source(n: int) -> list[str]:
    """``n`` numbers, with a duplicate every 25 rows and an invalid row every 40."""
    rows: list[str] = []
    for i in range(n):
        rows.append(f"+1555{i:07d}")
        if i % 25 == 3:
            rows.append(f"+1555{i - 2:07d}")
        if i % 40 == 7:
            rows.append("n/a")
    return rows


@pytest.fixture
async def wa() -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient("token", "123456", messages_per_second=5000) as client:
        yield client


async def journal_rows(dsn: str, campaign: str) -> dict[int, tuple[str, str, str | None]]:
    """Every recorded source row: position -> (recipient, status, error type)."""
    async with open_journal(dsn, campaign=campaign) as journal:
        entries = await journal.entries() + await journal.row_entries()
    rows: dict[int, tuple[str, str, str | None]] = {}
    for e in entries:
        assert e.row is not None and e.row not in rows, f"row {e.row} recorded twice"
        rows[e.row] = (e.recipient, e.status, e.error_type)
    return rows


def open_claims(dsn: str, campaign: str) -> int:
    with psycopg.connect(dsn) as conn:
        found = conn.execute("SELECT count(*) FROM campaign_rows WHERE campaign = %s AND "
                             "state <> 'done'", (campaign,)).fetchone()
    return int(found[0]) if found else -1


async def test_workers_share_the_rows_each_row_once_duplicates_across_workers_too(
    wa: WhatsAppClient, fresh_postgres_dsn: str,
) -> None:
    rows = source(600)
    senders = [Sender(0.001) for _ in range(3)]
    reports = await asyncio.gather(*(
        Broadcast(wa, rows, send=s, journal=fresh_postgres_dsn, campaign="spring",
                  shared=True, concurrency=16)
        for s in senders
    ))
    calls = [c for s in senders for c in s.calls]
    assert sorted(calls) == sorted(set(r for r in rows if r != "n/a"))  # once each
    assert sum(1 for s in senders if s.calls) >= 2  # the work was shared
    assert sum(r.total for r in reports) == len(rows)
    recorded = await journal_rows(fresh_postgres_dsn, "spring")
    assert sorted(recorded) == list(range(len(rows)))
    kinds = Counter(error or status for _, status, error in recorded.values())
    assert kinds == {"sent": 600, "Duplicate": len(range(3, 600, 25)),
                     "ValidationError": len(range(7, 600, 40))}
    assert open_claims(fresh_postgres_dsn, "spring") == 0


async def test_a_worker_given_other_rows_under_the_campaign_name_is_refused(
    wa: WhatsAppClient, fresh_postgres_dsn: str,
) -> None:
    await Broadcast(wa, source(50), send=Sender(), journal=fresh_postgres_dsn,
                    campaign="c", shared=True)
    other = Sender()
    with pytest.raises(ConfigurationError, match="loaded from other rows"):
        await Broadcast(wa, source(51), send=other, journal=fresh_postgres_dsn,
                        campaign="c", shared=True)
    assert other.calls == []
    # The same rows join the (finished) campaign and send nothing again.
    again = Sender()
    report = await Broadcast(wa, source(50), send=again, journal=fresh_postgres_dsn,
                             campaign="c", shared=True)
    assert again.calls == [] and report.total == 0


async def test_a_dead_workers_rows_are_taken_over_by_the_resume_rules(
    wa: WhatsAppClient, fresh_postgres_dsn: str,
) -> None:
    rows = source(30)
    # A worker that loaded, claimed ten rows, marked the first two pending (sent, maybe),
    # recorded a third and died: no renewals, no done marks.
    async with PostgresJournal(fresh_postgres_dsn, campaign="c") as dead:
        preparer = _Preparer()
        claims = CampaignRows(dead, "dead-host:1:abcd", lease=0.5)
        assert await claims.load(preparer.run(rows), preparer.fingerprint)
        held = await claims.claim(10)
        assert [c.row for c in held] == list(range(10))
        await dead.record(JournalEntry(rows[0], "pending", row=0))
        await dead.record(JournalEntry(rows[1], "pending", row=1))
        await dead.record(JournalEntry(rows[2], "sent", row=2, message_id="wamid.x"))
    await asyncio.sleep(0.6)  # its lease runs out
    sender = Sender()
    outcomes = [o async for o in Broadcast(wa, rows, send=sender, journal=fresh_postgres_dsn,
                                           campaign="c", shared=True)]
    assert rows[0] not in sender.calls and rows[1] not in sender.calls
    assert rows[2] not in sender.calls
    by_row = {o.row: o for o in outcomes}
    assert by_row[0].status == by_row[1].status == "unknown"
    assert by_row[0].error is not None and by_row[0].error.type == "Interrupted"
    assert by_row[2].status == "skipped"  # it had its outcome: not written again
    recorded = await journal_rows(fresh_postgres_dsn, "c")
    assert sorted(recorded) == list(range(len(rows)))
    assert recorded[2][1] == "sent" and recorded[0][1] == recorded[1][1] == "unknown"
    assert sorted(sender.calls) == sorted(set(rows) - {"n/a", rows[0], rows[1], rows[2]})


async def test_a_live_workers_rows_wait_for_it_and_a_stopped_worker_gives_back_its_batch(
    wa: WhatsAppClient, fresh_postgres_dsn: str,
) -> None:
    rows = source(200)
    slow = Sender(0.02)
    first = Broadcast(wa, rows, send=slow, journal=fresh_postgres_dsn, campaign="c",
                      shared=True, concurrency=4)
    task = asyncio.ensure_future(first.run())
    await slow.wait_calls(10)
    first.stop()
    report = await task
    assert report.cancelled and report.total < len(rows)
    # Nothing it claimed and did not start is held any more: the next worker takes it at once.
    sender = Sender()
    await Broadcast(wa, rows, send=sender, journal=fresh_postgres_dsn, campaign="c",
                    shared=True)
    assert sorted(slow.calls + sender.calls) == sorted(set(rows) - {"n/a"})
    assert open_claims(fresh_postgres_dsn, "c") == 0


async def test_a_run_of_its_own_is_refused_while_workers_hold_the_campaign(
    wa: WhatsAppClient, fresh_postgres_dsn: str,
) -> None:
    gate = Sender(0.05)
    worker = asyncio.ensure_future(Broadcast(
        wa, source(100), send=gate, journal=fresh_postgres_dsn, campaign="c", shared=True,
        concurrency=2).run())
    await gate.wait_calls(1)
    try:
        with pytest.raises(CampaignBusyError, match="shared=True"):
            await Broadcast(wa, source(100), send=Sender(), journal=fresh_postgres_dsn,
                            campaign="c", resume=True)
    finally:
        await worker


@pytest.mark.parametrize("journal", [None, "run.db"])
def test_shared_needs_a_postgresql_journal(wa: WhatsAppClient, journal: str | None) -> None:
    with pytest.raises(ConfigurationError, match="PostgreSQL journal"):
        Broadcast(wa, ["+15550000000"], send=Sender(), journal=journal, shared=True)


async def test_a_row_with_its_own_message_cannot_be_shared(
    wa: WhatsAppClient, fresh_postgres_dsn: str,
) -> None:
    rows = [Recipient("+15550000000", message=Text(body="hi"))]
    with pytest.raises(ValidationError, match="per-row message"):
        await Broadcast(wa, rows, send=Sender(), journal=fresh_postgres_dsn, shared=True)


# ------------------------------------------------------------------ real worker processes

ROWS = 2_400


def write_csv(path: Path) -> list[str]:
    phones = source(ROWS)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "name"])
        writer.writerows([p, f"name {i}"] for i, p in enumerate(phones))
    return phones


def victim_state(dsn: str, pid: int) -> tuple[int, set[str]]:
    """Rows the worker ``pid`` holds, and the recipients of those it marked pending."""
    with psycopg.connect(dsn) as conn:
        held = conn.execute(
            "SELECT count(*) FROM campaign_rows WHERE state = 'claimed' AND lease_owner LIKE %s",
            (f"%:{pid}:%",)).fetchone()
        pending = conn.execute(
            "SELECT o.recipient FROM outcomes o JOIN campaign_rows r ON r.campaign = o.campaign "
            "AND r.row = o.row WHERE o.status = 'pending' AND r.lease_owner LIKE %s",
            (f"%:{pid}:%",)).fetchall()
    return (int(held[0]) if held else 0), {p for (p,) in pending}


async def test_worker_processes_one_killed_midway_finish_with_one_outcome_per_row(
    fresh_postgres_dsn: str, tmp_path: Path,
) -> None:
    phones = write_csv(tmp_path / "people.csv")
    distinct = set(phones) - {"n/a"}
    async with FakeCloudAPI(messages_per_second=5000, pair_limit=None) as fake:
        def worker(n: int) -> Any:
            return asyncio.create_subprocess_exec(
                sys.executable, "-m", "whatsapp_async", "broadcast", str(tmp_path / "people.csv"),
                "--template", "spring_sale", "--param", "name", "--rate", "250",
                "--journal", fresh_postgres_dsn, "--campaign", "multi", "--shared",
                "--lease", "2", "--token", fake.access_token, "--phone-number-id",
                fake.phone_number_id, "--base-url", fake.base_url, "--quiet", "--plain",
                "--failures", str(tmp_path / f"failures-{n}.csv"),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )

        workers = [await worker(n) for n in range(3)]
        victim = workers[1]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 90
        held, pending = 0, set()
        while True:
            assert loop.time() < deadline, "the workers sent too little"
            assert victim.returncode is None, "the victim ended before it was killed"
            if len(fake.sent) >= len(distinct) // 4:
                held, pending = await asyncio.to_thread(victim_state, fresh_postgres_dsn,
                                                        victim.pid)
                if held:
                    victim.send_signal(signal.SIGKILL)
                    break
            await asyncio.sleep(0.02)
        # What the victim left pending can no longer change: it is dead.
        _, pending = await asyncio.to_thread(victim_state, fresh_postgres_dsn, victim.pid)
        results = [await asyncio.wait_for(w.communicate(), 120) for w in workers]
        received = Counter("+" + m.wa_id for m in fake.sent)
        wamids = {"+" + m.wa_id: m.id for m in fake.sent}

    assert victim.returncode == -signal.SIGKILL
    for w, (_, err) in zip(workers, results, strict=True):
        if w is not victim:
            assert w.returncode in (0, 1), err.decode()  # 1: some rows ended unknown
            assert b"Traceback" not in err, err.decode()
    assert held > 0
    recorded = await journal_rows(fresh_postgres_dsn, "multi")
    # Every source row has exactly one outcome, none left pending, no claim left open.
    assert sorted(recorded) == list(range(len(phones)))
    assert not [r for r in recorded.values() if r[1] == "pending"]
    assert open_claims(fresh_postgres_dsn, "multi") == 0
    # No recipient got the message twice; each sent row under the id the API gave.
    assert max(received.values()) == 1
    async with open_journal(fresh_postgres_dsn, campaign="multi") as journal:
        entries = {e.recipient: e for e in await journal.entries()}
    assert set(entries) == distinct
    for recipient, e in entries.items():
        if e.status == "sent":
            assert received[recipient] == 1 and wamids[recipient] == e.message_id
        else:
            # Only the victim's rows in flight end unknown: their sends may have gone.
            assert (e.status, e.error_type) == ("unknown", "Interrupted"), recipient
            assert recipient in pending
    assert all(entries[p].status == "unknown" for p in pending)
