"""CPU per row of the PostgreSQL journal's writes, as a shared-campaign worker makes them.

A real PostgreSQL (``tests/postgres_server.py``) on loopback; one
:class:`~whatsapp_async.journal.PostgresJournal` in this process, claimed
shared, with ``--rows`` rows loaded into its campaign. ``--concurrency``
tasks then do what a worker's row tasks do, without any send: take a claimed
row, write its ``pending`` mark, write its ``sent`` outcome, mark it done.

It prints, for that phase only: wall time, rows per second, and the CPU
seconds per row of this process and of the PostgreSQL server (the postmaster,
its reaped backends and its live ones). CPU per row is what load on the
machine moves least; wall time is for scale. Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_pg_journal_writes.py --rows 6000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests package's PostgreSQL launcher

import psycopg  # noqa: E402

from tests.postgres_server import PostgresServer, postgres_missing  # noqa: E402
from whatsapp_async._journal_pg import PostgresJournal  # noqa: E402
from whatsapp_async._journal_pg_claims import CampaignRows  # noqa: E402
from whatsapp_async.journal import JournalEntry  # noqa: E402

_TICK = os.sysconf("SC_CLK_TCK")


def _stat_cpu(pid: int, *, children: bool) -> tuple[int, float]:
    """(parent pid, CPU seconds) of ``pid`` from /proc; ``children`` adds its reaped ones."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the name: state, ppid, ..., utime is the 12th, stime, cutime, cstime follow.
    ticks = fields[11:15] if children else fields[11:13]
    return int(fields[1]), sum(int(v) for v in ticks) / _TICK


def postgres_cpu(dsn: str) -> float:
    """CPU seconds of the whole server so far: postmaster, reaped and live backends."""
    with psycopg.connect(dsn) as conn:
        found = conn.execute("SELECT pg_backend_pid()").fetchone()
        assert found is not None
        postmaster, _ = _stat_cpu(int(found[0]), children=False)  # while it lives
    _, total = _stat_cpu(postmaster, children=True)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            parent, cpu = _stat_cpu(int(entry), children=False)
        except (FileNotFoundError, ProcessLookupError):
            continue
        if parent == postmaster:
            total += cpu
    return total


async def worker(journal: PostgresJournal, rows: CampaignRows, lock: asyncio.Lock,
                 queue: list[tuple[int, str]], batch: int) -> int:
    done = 0
    while True:
        async with lock:
            if not queue:
                claimed = await rows.claim(batch)
                queue.extend((c.row, c.recipient or "") for c in claimed)
            if not queue:
                return done
            row, to = queue.pop()
        await journal.record(JournalEntry(to, "pending", row=row))
        await journal.record(JournalEntry(to, "sent", row=row, message_id=f"wamid.{row}",
                                          attempts=1))
        await rows.done([row])
        done += 1


async def bench(dsn: str, args: argparse.Namespace) -> None:
    async with PostgresJournal(dsn, campaign="bench", pool_size=args.pool_size) as journal:
        await journal.claim(shared=True)
        rows = CampaignRows(journal, "bench-worker", 60.0)
        prepared = [(i, f'{{"to":"+1555{i:07d}"}}', f"+1555{i:07d}", None)
                    for i in range(args.rows)]
        await rows.load(prepared, lambda: "bench")
        lock = asyncio.Lock()
        queue: list[tuple[int, str]] = []
        pg0, cpu0, wall0 = postgres_cpu(dsn), time.process_time(), time.perf_counter()
        counts = await asyncio.gather(*(
            worker(journal, rows, lock, queue, args.batch) for _ in range(args.concurrency)
        ))
        wall = time.perf_counter() - wall0
        cpu, pg = time.process_time() - cpu0, postgres_cpu(dsn) - pg0
        total = sum(counts)
        assert total == args.rows, (total, args.rows)
        assert await rows.open_rows() == 0
        assert (await journal.counts()).get("sent") == args.rows
    print(f"rows {total}, concurrency {args.concurrency}: wall {wall:.2f} s "
          f"({total / wall:.0f} rows/s)")
    print(f"CPU per row: client {1000 * cpu / total:.3f} ms, "
          f"postgres {1000 * pg / total:.3f} ms "
          f"(3 records each: pending, outcome, done)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--batch", type=int, default=100, help="rows claimed at a time")
    parser.add_argument("--pool-size", type=int, default=8)
    args = parser.parse_args()
    missing = postgres_missing()
    if missing:
        sys.exit(missing)
    server = PostgresServer("bench")
    server.start()
    try:
        asyncio.run(bench(server.dsn, args))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
