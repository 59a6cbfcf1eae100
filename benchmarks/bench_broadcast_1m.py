"""A million-row broadcast: memory stays flat and the engine keeps up with bare aiohttp.

nginx on loopback answers every send (pinned to one core, so it is never the
limit); each client phase runs in a fresh child process pinned to the other
core (so its peak RSS and CPU are its own):

* ``bare``: a plain aiohttp loop, ``--concurrency`` workers sending the same
  template requests (JSON encode, POST, read, JSON decode);
* ``broadcast``: ``wa.broadcast(generator, template=..., journal=...)``, the
  full engine: a ``LocalThrottle`` at a rate far above reach (so its cost is
  counted but it never waits), the default retry policy, validation, dedupe
  of every number, an outcome per row and an SQLite journal in a temporary
  folder, with the same concurrency and pool size.

Rows come from a generator and are never materialised. Phases alternate for
``--rounds`` rounds; the figures are medians. Targets (issue 17): throughput
at least 0.95 of the bare loop's, broadcast peak RSS at most 100 MB.

``--count`` instead counts each phase's instructions per row under valgrind
(runs of 1,000 and 3,000 rows, the difference over the extra rows, so
start-up cancels out), with a third phase, ``engine``: the broadcast without
a journal. Unlike CPU time, the count does not move with the machine's load;
it leaves out the kernel's work (the journal's fsync) and what the journal
thread's wake-ups cost beyond their instructions.

    python benchmarks/bench_broadcast_1m.py              # 1,000,000 rows
    python benchmarks/bench_broadcast_1m.py --rows 50000 # while developing
    python benchmarks/bench_broadcast_1m.py --count      # instructions per row
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _cachegrind import count_instructions
from _nginx import nginx, pinned

NUMBER = "1234567890"
TEMPLATE = "spring_sale"


def _numbers(rows: int) -> Iterator[tuple[str, str]]:
    for i in range(rows):
        yield f"+1555{i:07d}", f"name {i % 1000}"


# ----------------------------------------------------------------------------- phases


async def _bare(url: str, rows: int, concurrency: int) -> int:
    import aiohttp
    import msgspec

    headers = {"Authorization": "Bearer token", "Content-Type": "application/json"}
    source = _numbers(rows)
    sent = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal sent
            for to, name in source:
                body = msgspec.json.encode({
                    "messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                    "type": "template",
                    "template": {
                        "name": TEMPLATE, "language": {"code": "en_US"},
                        "components": [
                            {"type": "body", "parameters": [{"type": "text", "text": name}]}
                        ],
                    },
                })
                async with session.post(url, data=body, headers=headers) as resp:
                    raw = await resp.read()
                    if resp.status != 200:
                        raise RuntimeError(f"HTTP {resp.status}")
                msgspec.json.decode(raw)
                sent += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sent


async def _broadcast(
    base_url: str, rows: int, concurrency: int, journal: str | None
) -> int:
    from whatsapp_async import LocalThrottle, Recipient, WhatsAppClient

    async with WhatsAppClient(
        "token", NUMBER, base_url=base_url, throttle=LocalThrottle(1_000_000),
        max_connections=concurrency,
    ) as wa:
        report = await wa.broadcast(
            (Recipient(to, params=[name]) for to, name in _numbers(rows)),
            template=TEMPLATE, concurrency=concurrency, journal=journal,
        )
    if report.sent != rows:
        raise RuntimeError(f"only {report.sent} of {rows} sent: {report.summary()}")
    return report.sent


def _phase(kind: str, port: int, rows: int, concurrency: int) -> None:
    base_url = f"http://127.0.0.1:{port}/v21.0"
    started = time.perf_counter()
    cpu = time.process_time()
    if kind == "bare":
        sent = asyncio.run(_bare(f"{base_url}/{NUMBER}/messages", rows, concurrency))
    elif kind == "engine":
        sent = asyncio.run(_broadcast(base_url, rows, concurrency, None))
    else:
        with tempfile.TemporaryDirectory(prefix="wa-bench-journal-") as folder:
            journal = os.path.join(folder, "broadcast.sqlite")
            sent = asyncio.run(_broadcast(base_url, rows, concurrency, journal))
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "kind": kind, "sent": sent, "wall": wall, "cpu": time.process_time() - cpu,
        "rss_mb": usage.ru_maxrss / 1024,
    }))


def _run_phase(kind: str, port: int, rows: int, concurrency: int) -> dict[str, Any]:
    out = subprocess.run(
        pinned(0, [sys.executable, __file__, "--phase", kind, "--port", str(port), "--rows",
                   str(rows), "--concurrency", str(concurrency)]),
        check=True, capture_output=True, text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--count", action="store_true",
                        help="count instructions per row under valgrind instead")
    parser.add_argument("--phase", choices=("bare", "engine", "broadcast"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _phase(args.phase, args.port, args.rows, args.concurrency)
        return
    if args.count:
        _count(args.concurrency)
        return

    with nginx(cpu=1) as port:
        results: dict[str, list[dict[str, Any]]] = {"bare": [], "broadcast": []}
        for round_no in range(args.rounds):
            for kind in ("bare", "broadcast"):
                r = _run_phase(kind, port, args.rows, args.concurrency)
                results[kind].append(r)
                print(f"round {round_no + 1} {kind:9}: {r['sent'] / r['wall']:8.0f} rows/s, "
                      f"cpu {1e6 * r['cpu'] / r['sent']:6.1f} us/row, "
                      f"peak RSS {r['rss_mb']:6.1f} MB", flush=True)

    def median(kind: str, key: str) -> float:
        return float(statistics.median(
            r["sent"] / r["wall"] if key == "rate" else r[key] / r["sent"] if key == "cpu"
            else r[key] for r in results[kind]
        ))

    ratio = median("broadcast", "rate") / median("bare", "rate")
    cpu_ratio = median("broadcast", "cpu") / median("bare", "cpu")
    rss = max(r["rss_mb"] for r in results["broadcast"])
    print(f"\n{args.rows:,} rows, concurrency {args.concurrency}, {args.rounds} round(s)")
    print(f"throughput broadcast / bare aiohttp: {ratio:.3f} (target >= 0.95)")
    print(f"client CPU per row bare / broadcast: {1 / cpu_ratio:.3f}")
    print(f"broadcast peak RSS: {rss:.0f} MB (target <= 100 MB); bare loop: "
          f"{max(r['rss_mb'] for r in results['bare']):.0f} MB")


def _count(concurrency: int, small: int = 1000, large: int = 3000) -> None:
    per_row: dict[str, float] = {}
    with nginx(cpu=1) as port:
        for kind in ("bare", "engine", "broadcast"):
            counts = [
                count_instructions([sys.executable, __file__, "--phase", kind, "--port",
                                    str(port), "--rows", str(rows), "--concurrency",
                                    str(concurrency)])
                for rows in (small, large)
            ]
            per_row[kind] = (counts[1] - counts[0]) / (large - small)
            print(f"{kind:9}: {per_row[kind]:10,.0f} instructions per row", flush=True)
    print(f"\nbare / broadcast with the journal: {per_row['bare'] / per_row['broadcast']:.3f}")
    print(f"bare / broadcast without a journal: {per_row['bare'] / per_row['engine']:.3f}")


if __name__ == "__main__":
    main()
