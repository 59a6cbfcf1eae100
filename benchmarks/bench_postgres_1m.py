"""A million-row shared campaign on PostgreSQL: the COPY load, and a worker's peak memory.

A real PostgreSQL (``tests/postgres_server.py``) and nginx (``_nginx.py``,
answering every send) run on loopback; a CSV of ``--rows`` rows (one in 100
repeats an earlier number, one in 1,000 is not a number) is written to a
temporary folder. Each phase runs in a fresh child process, so its time and
peak RSS are its own:

1. **read + prepare**: the rows read with the CLI's CSV reader and prepared as
   a shared campaign's first worker prepares them (normalised number, the
   earlier row each duplicate repeats, the source's fingerprint), stored
   nowhere: the floor under both loads;
2. **PostgreSQL load**: the same, into ``CampaignRows.load`` (one ``COPY``
   in one transaction), as ``--shared``'s first worker does;
3. **SQLite baseline**: the same prepared rows written to the SQLite journal
   as a broadcast writes them (a ``pending`` mark per recipient, a row entry
   per duplicate or invalid row; ``--concurrency`` in flight, group commit,
   ``synchronous=FULL``). The SQLite journal keeps no copy of the source, so
   this is what it stores per row instead of a load;
4. **worker**: the real ``whatsapp-async broadcast CSV --journal
   postgresql://... --shared`` on a new campaign: it checks the CSV, loads
   all the rows (its own COPY), then sends to nginx until ``--send-rows`` rows
   are done, when it gets a Ctrl-C (SIGINT: no new rows, sends in flight end).
   Its peak RSS (``wait4``) is the figure with a target: at most 150 MB. Its
   RSS is also sampled after the load and while it sends, to show whether
   memory grows with the rows sent.

It prints each phase's wall and CPU time and rows per second, the ratio of
the PostgreSQL load to the SQLite baseline, and the worker's send rate.

    PYTHONPATH=src python benchmarks/bench_postgres_1m.py                 # 1,000,000 rows
    PYTHONPATH=src python benchmarks/bench_postgres_1m.py --rows 100000 --send-rows 5000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests package's PostgreSQL launcher
sys.path.insert(0, str(Path(__file__).resolve().parent))  # _nginx

CAMPAIGN = "bench"
TEMPLATE = "spring_sale"
TARGET_MB = 150.0


def write_csv(path: Path, rows: int) -> None:
    """``rows`` rows: every 100th repeats the number 40 rows before, every 1,000th is no number."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "name"])
        for i in range(rows):
            if i % 1000 == 999:
                phone = "n/a"
            elif i % 100 == 49:
                phone = f"+1555{i - 40:07d}"
            else:
                phone = f"+1555{i:07d}"
            writer.writerow([phone, f"name {i}"])


def _recipients(path: Path) -> Iterator[Any]:
    from whatsapp_async.cli._csv_input import CsvRecipients

    return CsvRecipients(path, phone_column="phone", params=["name"])


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _prepare(path: Path) -> int:
    from whatsapp_async.bulk._shared import _Preparer

    preparer = _Preparer()
    count = sum(1 for _ in preparer.run(_recipients(path)))
    preparer.fingerprint()
    return count


async def _load_postgres(path: Path, dsn: str) -> int:
    from whatsapp_async._journal_pg_claims import CampaignRows
    from whatsapp_async.bulk._shared import _Preparer, worker_id
    from whatsapp_async.journal import PostgresJournal

    async with PostgresJournal(dsn, campaign="load") as journal:
        preparer = _Preparer()
        rows = CampaignRows(journal, worker_id(), lease=30.0)
        if not await rows.load(preparer.run(_recipients(path)), preparer.fingerprint):
            raise RuntimeError("the campaign was loaded already")
        return await rows.open_rows()


async def _load_sqlite(path: Path, db: Path, concurrency: int) -> int:
    from whatsapp_async.bulk._shared import _Preparer
    from whatsapp_async.journal import Journal, JournalEntry

    preparer = _Preparer()

    def entries() -> Iterator[tuple[bool, JournalEntry]]:
        """Each row's entry, and whether it is a row entry (duplicate, invalid) or a mark."""
        for row, payload, recipient, duplicate_of in preparer.run(_recipients(path)):
            if recipient is None:
                yield True, JournalEntry(json.loads(payload)["to"], "skipped", row=row,
                                         error_type="ValidationError")
            elif duplicate_of is not None:
                yield True, JournalEntry(recipient, "skipped", row=row, error_type="Duplicate",
                                         duplicate_of=duplicate_of)
            else:
                yield False, JournalEntry(recipient, "pending", row=row)

    async with Journal(db, campaign="load") as journal:
        source = entries()

        async def writer() -> None:
            for is_row, entry in source:
                await (journal.record_row(entry) if is_row else journal.record(entry))

        await asyncio.gather(*(writer() for _ in range(concurrency)))
        counts = await journal.counts()
    return sum(counts.values())


def _phase(args: argparse.Namespace) -> None:
    """One timed phase in this (child) process; prints a JSON line."""
    # Imported before the clock starts: a worker has them loaded before it reads the rows.
    import psycopg  # noqa: F401
    import psycopg_pool  # noqa: F401

    import whatsapp_async._journal_pg_claims
    import whatsapp_async.bulk._shared
    import whatsapp_async.cli._csv_input
    import whatsapp_async.journal  # noqa: F401

    path = Path(args.csv)
    started, cpu = time.perf_counter(), time.process_time()
    if args.phase == "prepare":
        rows = asyncio.run(_prepare(path))
    elif args.phase == "postgres":
        rows = asyncio.run(_load_postgres(path, args.dsn))
    else:
        rows = asyncio.run(_load_sqlite(path, path.with_name("journal.db"), args.concurrency))
    print(json.dumps({"rows": rows, "wall": time.perf_counter() - started,
                      "cpu": time.process_time() - cpu, "rss_mb": _rss_mb()}))


def _run_phase(args: argparse.Namespace, phase: str, csv_path: Path, dsn: str
               ) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--csv", str(csv_path), "--dsn", dsn,
         "--concurrency", str(args.concurrency)],
        check=True, capture_output=True, text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _vm_rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _scalar(conn: Any, sql: str) -> Any:
    found = conn.execute(sql, (CAMPAIGN,)).fetchone()
    return found[0] if found else None


def _worker(args: argparse.Namespace, csv_path: Path, dsn: str, port: int, tmp: Path
            ) -> dict[str, Any]:
    """The real CLI worker: load, send ``--send-rows``, Ctrl-C; its timings and memory."""
    import psycopg

    import whatsapp_async

    package = str(Path(whatsapp_async.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [package, *filter(None, [os.environ.get("PYTHONPATH")])])}
    argv = [sys.executable, "-m", "whatsapp_async", "broadcast", str(csv_path),
            "--template", TEMPLATE, "--param", "name", "--rate", str(args.rate),
            "--journal", dsn, "--campaign", CAMPAIGN, "--shared",
            "--token", "bench-token", "--phone-number-id", "1234567890",
            "--base-url", f"http://127.0.0.1:{port}/v21.0", "--quiet", "--plain",
            "--failures", str(tmp / "failures.csv")]
    if args.worker_concurrency:
        argv += ["--concurrency", str(args.worker_concurrency)]
    result: dict[str, Any] = {"samples": []}
    with (tmp / "worker.out").open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = started + args.timeout
    with psycopg.connect(dsn, autocommit=True) as conn:
        loaded_at = None
        while loaded_at is None:
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"the worker ended or timed out before loading: "
                                   f"{(tmp / 'worker.out').read_text()[-2000:]}")
            # UndefinedTable: the worker has not made its tables yet.
            with contextlib.suppress(psycopg.errors.UndefinedTable):
                loaded_at = _scalar(conn, "SELECT loaded_at FROM campaign_sources "
                                    "WHERE campaign = %s")
            time.sleep(0.2)
        result["loaded"] = time.perf_counter() - started  # the load committed by now
        result["rss_loaded"] = _vm_rss_mb(proc.pid)
        first = time.perf_counter()
        done = 0
        marks = [args.send_rows * f for f in (0.25, 0.5, 0.75)]
        while done < args.send_rows:
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"the worker ended or timed out at {done} rows: "
                                   f"{(tmp / 'worker.out').read_text()[-2000:]}")
            time.sleep(1.0)
            # Rows with an outcome, from the (small) outcome tables: a count over
            # campaign_rows would scan a million rows each time, on the worker's CPU.
            done = int(_scalar(conn, "SELECT (SELECT count(*) FROM outcomes WHERE campaign = %s "
                               "AND status <> 'pending') + (SELECT count(*) FROM row_outcomes "
                               f"WHERE campaign = '{CAMPAIGN}')"))
            if marks and done >= marks[0]:
                marks.pop(0)
                result["samples"].append((done, _vm_rss_mb(proc.pid)))
        result["send_wall"] = time.perf_counter() - first
        result["rss_before_stop"] = _vm_rss_mb(proc.pid)
        proc.send_signal(signal.SIGINT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        result["done"] = int(_scalar(conn, "SELECT count(*) FROM campaign_rows "
                                     "WHERE campaign = %s AND state = 'done'"))
        result["total"] = int(_scalar(conn, "SELECT count(*) FROM campaign_rows "
                                      "WHERE campaign = %s"))
    result["exit"] = proc.returncode
    result["rss_peak"] = usage.ru_maxrss / 1024
    result["cpu"] = usage.ru_utime + usage.ru_stime
    result["wall"] = time.perf_counter() - started
    return result


def _line(name: str, r: dict[str, Any]) -> None:
    print(f"{name:<34} {r['rows']:>9,} rows: wall {r['wall']:6.1f}s = "
          f"{r['rows'] / r['wall']:>7,.0f} rows/s; client cpu {r['cpu']:6.1f}s; "
          f"peak RSS {r['rss_mb']:5.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--send-rows", type=int, default=30_000,
                        help="rows the worker sends before it is stopped (all are loaded)")
    parser.add_argument("--rate", type=float, default=2000.0, help="the worker's --rate")
    parser.add_argument("--worker-concurrency", type=int, help="the worker's --concurrency")
    parser.add_argument("--concurrency", type=int, default=200,
                        help="SQLite writes in flight in the baseline")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds for the worker")
    parser.add_argument("--phase", choices=("prepare", "postgres", "sqlite"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--dsn", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _phase(args)
        return
    if not 0 < args.send_rows <= args.rows:
        parser.error("--send-rows must be between 1 and --rows")

    from _nginx import nginx

    from tests.postgres_server import PostgresServer, postgres_missing

    missing = postgres_missing()
    if missing:
        sys.exit(f"cannot run: {missing}")
    server = PostgresServer()
    try:
        server.start()
        with tempfile.TemporaryDirectory(prefix="bench-pg-1m-") as tmp_name, \
                nginx(cpu=None) as port:
            tmp = Path(tmp_name)
            csv_path = tmp / "people.csv"
            started = time.perf_counter()
            write_csv(csv_path, args.rows)
            print(f"{args.rows:,}-row CSV written in {time.perf_counter() - started:.1f}s "
                  f"({csv_path.stat().st_size / 1e6:.0f} MB)", flush=True)
            prepare = _run_phase(args, "prepare", csv_path, server.dsn)
            _line("read + prepare (no storage)", prepare)
            pg = _run_phase(args, "postgres", csv_path, server.dsn)
            _line("PostgreSQL load (COPY)", pg)
            lite = _run_phase(args, "sqlite", csv_path, server.dsn)
            _line("SQLite journal, same rows", lite)
            print(f"PostgreSQL load / SQLite baseline: {pg['wall'] / lite['wall']:.2f} of the "
                  f"time ({lite['wall'] / pg['wall']:.1f}x faster), {pg['cpu'] / lite['cpu']:.2f} "
                  f"of the client CPU; beyond read + prepare: COPY "
                  f"{pg['wall'] - prepare['wall']:.1f}s, "
                  f"SQLite {lite['wall'] - prepare['wall']:.1f}s", flush=True)
            # A database of its own: the worker's COPY goes into empty tables, as phase 2's did.
            w = _worker(args, csv_path, server.create_database("worker"), port, tmp)
    finally:
        server.close()
    print(f"worker: CSV checked and {w['total']:,} rows loaded {w['loaded']:.1f}s after it "
          f"started (RSS then {w['rss_loaded']:.0f} MB)")
    print(f"worker: {args.send_rows:,} rows done in {w['send_wall']:.1f}s = "
          f"{args.send_rows / w['send_wall']:,.0f} rows/s (--rate {args.rate:g}); RSS "
          + ", ".join(f"{mb:.0f} MB at {n:,}" for n, mb in w["samples"])
          + f", {w['rss_before_stop']:.0f} MB at the stop")
    print(f"worker: stopped by SIGINT with {w['done']:,} rows done, exit {w['exit']}; "
          f"{w['wall']:.1f}s and {w['cpu']:.1f} CPU-s in all")
    verdict = "ok" if w["rss_peak"] <= TARGET_MB else "OVER"
    print(f"worker peak RSS: {w['rss_peak']:.0f} MB (target <= {TARGET_MB:.0f} MB: {verdict})")
    if w["total"] != args.rows or w["exit"] not in (0, 1, 130):
        sys.exit("the worker did not load every row or failed")
    if w["rss_peak"] > TARGET_MB:
        sys.exit(1)


if __name__ == "__main__":
    main()
