"""Tracking status webhooks into the journal, against the broadcast's own journal writes.

Pinned to one core (``sched_setaffinity``), in one run:

1. **broadcast writes**: what a broadcast asks of its journal per row, a
   ``pending`` mark and then the ``sent`` outcome with its wamid, for
   ``--rows`` rows with ``--concurrency`` rows in flight (group commit);
2. **tracking, direct**: ``--statuses`` status updates (``sent``,
   ``delivered``, ``read`` of those rows, tagged as a broadcast tags them)
   through ``Journal.apply_statuses``, as many in flight;
3. **tracking, through the router**: the same number of signed webhook POST
   bodies (one status each, as Meta mostly sends them) given to
   ``WebhookRouter.handle``: signature check, parse, dedupe, a handler task
   per status (``router.track(journal)``), and the journal write;
4. **redelivery**: phase 2's updates applied again (nothing may change);
5. **the router alone**: phase 3's bodies to a router whose status handler
   does nothing, to show what the router costs without the journal.

It prints, for each, the rate per wall second and per CPU second of the
process (the writer thread included; on a shared machine the second is the
steadier figure), and the ratio of tracking to the broadcast's write rate.
``--synchronous`` is the journal's setting (``FULL``, a broadcast's default).

Run: ``python benchmarks/bench_tracking.py [--rows 100000] [--statuses 100000]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from whatsapp_async.bulk import campaign_tag
from whatsapp_async.journal import Journal, JournalEntry, StatusUpdate
from whatsapp_async.webhooks import WebhookRouter, sign

SECRET = "bench-secret"
CAMPAIGN = "bench"
KINDS = ("sent", "delivered", "read")


async def _pool(count: int, concurrency: int, job: Callable[[int], Awaitable[Any]]) -> None:
    """Run ``job(0..count-1)`` with ``concurrency`` of them in flight."""
    counter = iter(range(count))

    async def worker() -> None:
        for i in counter:
            await job(i)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def _timed() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _line(name: str, n: int, start: tuple[float, float], unit: str) -> float:
    """Print wall and CPU rates; return the rate per CPU second (the machine may be shared)."""
    wall = time.perf_counter() - start[0]
    cpu = time.process_time() - start[1]
    print(f"{name:<34} {n:>8,} {unit}: wall {wall:6.2f}s = {n / wall:>7,.0f}/s; "
          f"cpu {cpu:5.2f}s = {n / cpu:>7,.0f} per cpu-second")
    return n / cpu


def _updates(rows: int, count: int) -> list[StatusUpdate]:
    # Statuses for the rows in order: each row's sent, delivered, read.
    return [
        StatusUpdate(f"wamid.BENCH{(i // 3) % rows:09d}", KINDS[i % 3], 1_796_000_000.0 + i,
                     callback_data=campaign_tag(CAMPAIGN, (i // 3) % rows))
        for i in range(count)
    ]


def _bodies(rows: int, count: int, offset: int) -> list[tuple[bytes, str]]:
    import json

    out = []
    for i in range(count):
        row = (i // 3) % rows
        body = json.dumps({"object": "whatsapp_business_account", "entry": [{
            "id": "102290129340398", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "15550001111",
                             "phone_number_id": "1234567890"},
                "statuses": [{
                    "id": f"wamid.ROUTE{row:09d}", "status": KINDS[i % 3],
                    "timestamp": str(1_796_000_000 + i), "recipient_id": f"1555{row:07d}",
                    "biz_opaque_callback_data": campaign_tag(CAMPAIGN, offset + row),
                    "pricing": {"billable": True, "pricing_model": "PMP",
                                "category": "marketing", "type": "regular"},
                }],
            }}],
        }]}, separators=(",", ":")).encode()
        out.append((body, sign(body, SECRET)))
    return out


async def _broadcast_writes(journal: Journal, rows: int, concurrency: int, prefix: str,
                            offset: int) -> None:
    async def row(i: int) -> None:
        to = f"+1{offset + i:010d}"
        await journal.record(JournalEntry(to, "pending", row=offset + i))
        await journal.record(JournalEntry(to, "sent", row=offset + i,
                                          message_id=f"{prefix}{i:09d}", attempts=1))

    await _pool(rows, concurrency, row)


def _snapshot(path: Path) -> list[Any]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM deliveries ORDER BY message_id").fetchall()
    finally:
        conn.close()


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--statuses", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--synchronous", default="FULL", choices=("OFF", "NORMAL", "FULL"))
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    with tempfile.TemporaryDirectory(prefix="bench-tracking-") as tmp:
        path = Path(tmp) / "journal.db"
        print(f"journal {path.name}, synchronous={args.synchronous}, one core, "
              f"{args.concurrency} in flight")
        async with Journal(path, campaign=CAMPAIGN, synchronous=args.synchronous) as journal:
            start = _timed()
            await _broadcast_writes(journal, args.rows, args.concurrency, "wamid.BENCH", 0)
            write_rate = _line("broadcast writes (2 per row)", args.rows, start, "rows")
            # The rows phase 3's webhooks are about, written outside the timing.
            await _broadcast_writes(journal, args.rows, args.concurrency, "wamid.ROUTE",
                                    args.rows)
            updates = _updates(args.rows, args.statuses)
            start = _timed()
            await _pool(len(updates), args.concurrency,
                        lambda i: journal.apply_statuses([updates[i]]))
            direct = _line("tracking, Journal.apply_statuses", len(updates), start, "updates")
            before = _snapshot(path)
            start = _timed()
            await _pool(len(updates), args.concurrency,
                        lambda i: journal.apply_statuses([updates[i]]))
            _line("redelivered (no change)", len(updates), start, "updates")
            assert _snapshot(path) == before, "a redelivery changed the journal"
            bodies = _bodies(args.rows, args.statuses, args.rows)
            router = WebhookRouter(app_secret=SECRET, dedupe_size=0)
            tracker = router.track(journal)
            start = _timed()

            async def post(i: int) -> None:
                answer = await router.handle(*bodies[i])
                assert answer.status == 200, answer
                # handle() does not suspend; a server reads the next request in a later turn.
                await asyncio.sleep(0)

            await _pool(len(bodies), args.concurrency, post)
            await router.join()
            routed = _line("tracking, WebhookRouter.handle", len(bodies), start, "updates")
            assert tracker.counts.applied == len(bodies), tracker.counts
            bare = WebhookRouter(app_secret=SECRET, dedupe_size=0)

            @bare.on_status
            async def nothing(event: object) -> None:
                return None

            start = _timed()

            async def post_bare(i: int) -> None:
                await bare.handle(*bodies[i])
                await asyncio.sleep(0)

            await _pool(len(bodies), args.concurrency, post_bare)
            await bare.join()
            _line("router alone, no-op handler", len(bodies), start, "updates")
        print(f"per cpu-second, tracking updates / broadcast rows: direct "
              f"{direct / write_rate:.2f}x, through the router {routed / write_rate:.2f}x "
              f"(a row gets up to 3 statuses: sent, delivered, read)")


if __name__ == "__main__":
    asyncio.run(main())
