"""Three CLI workers on one shared PostgreSQL campaign, one killed midway: rate and exactly-once.

Everything runs on loopback, in one run:

* a real PostgreSQL (``tests/postgres_server.py``) holds the journal and the
  campaign's rows, a real Redis (``tests/redis_server.py``) the shared
  throttle;
* one :class:`~whatsapp_async.testing.FakeCloudAPI` in this process takes the
  sends, with ``--fault-rate`` of them refused with 131000 (transient: the
  retry policy sends them again) and its own limit far above ``--rate``, so
  only the shared throttle paces the workers;
* ``--workers`` real ``whatsapp-async broadcast CSV --journal postgresql://...
  --campaign bench --shared --lease S --redis-url redis://... --rate R``
  processes on a CSV of ``--rows`` rows (one in 100 repeats an earlier number,
  one in 200 is not a number). The first loads the rows (COPY), the others
  join; all claim batches under leases and share the one number's rate.

Once the fake has accepted ``--kill-at`` of the campaign's recipients, one
worker holding claimed rows is SIGKILLed and not restarted; the survivors
finish. The benchmark prints:

* the aggregate rate of sends the fake accepted, first to last, and its ratio
  to ``--rate`` (target: within 2 %), also before and after the kill, and of
  all send requests (each refused attempt spends a throttle token too);
* the takeover time: from the kill until no row is held under the dead
  worker's lease any more (at most the lease, plus a claim's wait);
* per-outcome row counts from the journal; every source row must have exactly
  one outcome, none ``pending``, no claim left open, and ``Journal.report()``
  must agree;
* recipients the fake received more than once, and how many of those the
  journal reports ``unknown`` (target: no recipient sent twice without it
  being reported ``unknown``); also rows the journal calls ``sent`` that the
  fake never accepted (must be 0).

It exits 1 when a check fails. Needs PostgreSQL (``/usr/lib/postgresql/*/bin``),
``redis-server``, psycopg and redis; run from the repository root (it imports
the ``tests`` launchers):

    PYTHONPATH=src python benchmarks/bench_shared_campaign.py            # 30,000 rows
    PYTHONPATH=src python benchmarks/bench_shared_campaign.py --rows 3000
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests package's PostgreSQL and Redis launchers

import psycopg  # noqa: E402
import redis  # noqa: E402

import whatsapp_async  # noqa: E402
from tests.postgres_server import PostgresServer, postgres_missing  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402
from whatsapp_async.journal import open_journal  # noqa: E402
from whatsapp_async.testing import FakeCloudAPI, FaultPlan  # noqa: E402

CAMPAIGN = "bench"
TEMPLATE = "spring_sale"
#: The workers import the same package as this process (a work tree's src/ wins).
PACKAGE_DIR = str(Path(whatsapp_async.__file__).resolve().parents[1])


def write_csv(path: Path, rows: int) -> list[str]:
    """``rows`` CSV rows: every 100th repeats an earlier number, every 200th is not one."""
    phones: list[str] = []
    for i in range(rows):
        if i % 200 == 199:
            phones.append("n/a")
        elif i % 100 == 49:
            phones.append(phones[i - 40])
        else:
            phones.append(f"+1555{i:07d}")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "name"])
        writer.writerows([p, f"name {i}"] for i, p in enumerate(phones))
    return phones


@dataclass
class Kill:
    """What the killed worker left behind and how long its rows took to be taken over."""

    pid: int
    at: float = 0.0  # wall clock of the SIGKILL (the fake's clock)
    sent_before: int = 0
    held: int = 0
    pending: int = 0
    takeover: float | None = None


async def victim_state(conn: psycopg.AsyncConnection[Any], pid: int) -> tuple[int, int]:
    """Rows the worker ``pid`` holds, and how many of those it marked pending."""
    owner = f"%:{pid}:%"
    cur = await conn.execute(
        "SELECT count(*), count(o.row) FROM campaign_rows r LEFT JOIN outcomes o "
        "ON o.campaign = r.campaign AND o.row = r.row AND o.status = 'pending' "
        "WHERE r.campaign = %s AND r.state = 'claimed' AND r.lease_owner LIKE %s",
        (CAMPAIGN, owner))
    found = await cur.fetchone()
    return (int(found[0]), int(found[1])) if found else (0, 0)


async def run_workers(args: argparse.Namespace, dsn: str, redis_url: str, csv_path: Path,
                      tmp: Path, fake: FakeCloudAPI, recipients: int) -> tuple[Kill, list[int]]:
    """Start the workers, kill one at ``--kill-at``, wait for the rest; return the kill."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [PACKAGE_DIR, *filter(None, [os.environ.get("PYTHONPATH")])])}
    extra = ["--concurrency", str(args.concurrency)] if args.concurrency else []
    procs = []
    for n in range(args.workers):
        with (tmp / f"worker-{n}.out").open("wb") as out:
            procs.append(await asyncio.create_subprocess_exec(
                sys.executable, "-m", "whatsapp_async", "broadcast", str(csv_path),
                "--template", TEMPLATE, "--param", "name", "--rate", str(args.rate),
                "--journal", dsn, "--campaign", CAMPAIGN, "--shared",
                "--lease", str(args.lease), "--redis-url", redis_url,
                "--token", fake.access_token, "--phone-number-id", fake.phone_number_id,
                "--base-url", fake.base_url, "--quiet", "--plain",
                "--failures", str(tmp / f"failures-{n}.csv"), *extra,
                stdout=out, stderr=asyncio.subprocess.STDOUT, env=env,
            ))
    victim = procs[args.workers // 2]
    kill = Kill(victim.pid)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120 + 4 * args.rows / args.rate
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        while True:
            if loop.time() > deadline:
                raise RuntimeError("the workers sent too little before the kill")
            if victim.returncode is not None:
                raise RuntimeError(f"the victim ended ({victim.returncode}) before the kill")
            if len(fake.sent) >= args.kill_at * recipients:
                held, _ = await victim_state(conn, victim.pid)
                if held:
                    victim.send_signal(signal.SIGKILL)
                    kill.at, kill.sent_before = time.time(), len(fake.sent)
                    await victim.wait()
                    # Read again: the dead worker can no longer change what it holds.
                    kill.held, kill.pending = await victim_state(conn, victim.pid)
                    break
            await asyncio.sleep(0.01)
        while kill.takeover is None and loop.time() < deadline:
            held, _ = await victim_state(conn, victim.pid)
            if held == 0:
                kill.takeover = time.time() - kill.at
            else:
                await asyncio.sleep(0.05)
    codes = []
    for p in procs:
        await asyncio.wait_for(p.wait(), max(1.0, deadline - loop.time()))
        assert p.returncode is not None
        codes.append(p.returncode)
    return kill, codes


def postgres_cpu(dsn: str) -> float:
    """CPU seconds of the PostgreSQL server so far: the postmaster and its reaped backends.

    A backend's CPU is added to the postmaster's ``cutime``/``cstime`` when it
    exits, so read this after the workers (whose connections end with them).
    """
    with psycopg.connect(dsn) as conn:
        found = conn.execute("SELECT pg_backend_pid()").fetchone()
    assert found is not None
    backend = Path(f"/proc/{found[0]}/stat").read_text()
    postmaster = int(backend.rsplit(")", 1)[1].split()[1])  # the backend's parent
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    # utime, stime, cutime, cstime are fields 14-17 of stat (1-based; 12-15 after the name)
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def redis_cpu(url: str) -> float:
    """CPU seconds the Redis server has used (``INFO cpu``)."""
    with redis.Redis.from_url(url) as client:
        info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def children_cpu() -> float:
    """CPU seconds of this process's ended and waited children (the workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rate(times: list[float]) -> float:
    """Events per second from the first to the last of ``times``."""
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


async def journal_state(dsn: str) -> tuple[dict[int, tuple[str, str, str | None]], Any]:
    """Every recorded source row (position -> recipient, status, error type), and the report."""
    rows: dict[int, tuple[str, str, str | None]] = {}
    twice: list[int] = []
    async with open_journal(dsn, campaign=CAMPAIGN) as journal:
        for e in await journal.entries() + await journal.row_entries():
            assert e.row is not None
            if e.row in rows:
                twice.append(e.row)
            rows[e.row] = (e.recipient, e.status, e.error_type)
        report = await journal.report()
    if twice:
        raise RuntimeError(f"{len(twice)} rows have two outcomes, e.g. {twice[:5]}")
    return rows, report


async def bench(args: argparse.Namespace, dsn: str, redis_url: str, tmp: Path) -> list[str]:
    """Run the campaign, print the figures; return the failed checks."""
    phones = write_csv(tmp / "people.csv", args.rows)
    distinct = {p for p in phones if p != "n/a"}
    plan = FaultPlan(error_rate=args.fault_rate)
    cpu_before = (children_cpu(), postgres_cpu(dsn), redis_cpu(redis_url), time.process_time())
    started = time.perf_counter()
    async with FakeCloudAPI(messages_per_second=max(5000.0, 20 * args.rate), pair_limit=None,
                            faults=plan, seed=args.seed) as fake:
        kill, codes = await run_workers(args, dsn, redis_url, tmp / "people.csv", tmp, fake,
                                        len(distinct))
        wall = time.perf_counter() - started
        sent = sorted(fake.sent, key=lambda m: m.time)
        refused = [r for r in fake.refusals if r.operation == "sendMessage"]
    cpu = [after - before for after, before in zip(
        (children_cpu(), postgres_cpu(dsn), redis_cpu(redis_url), time.process_time()),
        cpu_before, strict=True)]
    load = os.getloadavg()
    rows, report = await journal_state(dsn)
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        cur = await conn.execute("SELECT count(*) FROM campaign_rows WHERE campaign = %s AND "
                                 "state <> 'done'", (CAMPAIGN,))
        found = await cur.fetchone()
        open_claims = int(found[0]) if found else -1

    failed: list[str] = []
    times = [m.time for m in sent]
    attempts = sorted(times + [r.time for r in refused])
    total = rate(times)
    print(f"{args.rows:,} rows ({len(distinct):,} recipients), {args.workers} workers, "
          f"--rate {args.rate:g}/s shared through Redis, lease {args.lease:g}s, "
          f"{args.fault_rate:.0%} of sends refused with 131000; {wall:.1f}s in all")
    print(f"worker exit codes: {codes} (killed: {-signal.SIGKILL}; 1: some rows unknown)")
    print(f"accepted sends: {len(sent):,} in {times[-1] - times[0]:.1f}s = {total:.1f}/s, "
          f"{total / args.rate:.3f} of the target rate")
    before = [t for t in times if t <= kill.at]
    after = [t for t in times if t > kill.at]
    print(f"  before the kill ({args.workers} workers): {rate(before):.1f}/s "
          f"({rate(before) / args.rate:.3f}); after ({args.workers - 1}): "
          f"{rate(after):.1f}/s ({rate(after) / args.rate:.3f})")
    middle = times[len(times) // 20: len(times) - len(times) // 20]
    print(f"  middle 90% of the sends (no start-up, no last retries): {rate(middle):.1f}/s "
          f"({rate(middle) / args.rate:.3f})")
    codes_refused = Counter(r.code for r in refused)
    print(f"send requests (accepted + refused): {len(attempts):,} = {rate(attempts):.1f}/s, "
          f"{rate(attempts) / args.rate:.3f} of the target; refused by code: "
          f"{dict(codes_refused)}")
    per_send = [1000 * c / max(1, len(sent)) for c in cpu]
    print(f"CPU per accepted send: workers {per_send[0]:.2f} ms, postgres {per_send[1]:.2f} ms, "
          f"redis {per_send[2]:.2f} ms, fake and this monitor {per_send[3]:.2f} ms; "
          f"{sum(per_send):.2f} ms in all, so the target rate needs "
          f"{sum(per_send) * args.rate / 1000:.2f} cores (this machine: {os.cpu_count()}, "
          f"load average {load[0]:.1f} at the end)")
    if abs(total / args.rate - 1) > 0.02:
        failed.append(f"accepted rate {total / args.rate:.3f} of the target, not within 2%")
    if codes_refused.get(130429):
        failed.append(f"{codes_refused[130429]} sends over the fake's own limit (130429)")

    takeover = f"{kill.takeover:.2f}s" if kill.takeover is not None else "never"
    print(f"kill: pid {kill.pid} at {kill.sent_before:,} accepted sends "
          f"({kill.sent_before / len(distinct):.0%}), holding {kill.held} rows, {kill.pending} "
          f"of them marked pending; all taken over {takeover} after the kill")
    if kill.takeover is None:
        failed.append("the killed worker's rows were never taken over")

    kinds = Counter(error if status == "skipped" else status for _, status, error in
                    rows.values())
    print(f"journal outcomes of {len(rows):,} rows: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
    print(f"report(): rows {report.rows:,}, accepted {report.accepted:,}, failed "
          f"{report.failed:,}, unknown {report.unknown:,}, skipped {report.skipped:,}, "
          f"pending {report.pending:,}; claims left open: {open_claims}")
    if sorted(rows) != list(range(len(phones))):
        missing = sorted(set(range(len(phones))) - set(rows))
        failed.append(f"{len(missing)} rows have no outcome, e.g. {missing[:5]}")
    if kinds.get("pending") or report.pending:
        failed.append(f"{kinds.get('pending', 0)} rows left pending")
    if open_claims:
        failed.append(f"{open_claims} rows not done in campaign_rows")
    if (report.rows, report.accepted, report.unknown) != (
            len(rows), kinds.get("sent", 0), kinds.get("unknown", 0)):
        failed.append("report() disagrees with the journal's entries")

    received = Counter("+" + m.wa_id for m in sent)
    status_of = {recipient: status for recipient, status, error in rows.values()
                 if error != "Duplicate"}
    twice = [r for r, n in received.items() if n > 1]
    twice_unknown = sum(1 for r in twice if status_of.get(r) == "unknown")
    unknown = [r for r, s in status_of.items() if s == "unknown"]
    ghost = [r for r, s in status_of.items() if s == "sent" and r not in received]
    not_reported = [r for r, n in received.items() if status_of.get(r) not in ("sent", "unknown")]
    print(f"recipients received more than once: {len(twice)}, of those reported unknown: "
          f"{twice_unknown}; sent twice without being reported unknown: "
          f"{len(twice) - twice_unknown} (target 0)")
    print(f"unknown rows: {len(unknown)}, of which the fake had accepted "
          f"{sum(1 for r in unknown if r in received)}; journal 'sent' never accepted: "
          f"{len(ghost)}; accepted but journaled neither sent nor unknown: {len(not_reported)}")
    if len(twice) != twice_unknown:
        failed.append(f"{len(twice) - twice_unknown} recipients sent twice, not reported unknown")
    if ghost or not_reported:
        failed.append("the journal and the fake disagree on what was sent")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--rate", type=float, default=300.0, help="messages/s for the number")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kill-at", type=float, default=0.4,
                        help="fraction of recipients accepted when one worker is killed")
    parser.add_argument("--lease", type=float, default=5.0, help="seconds (--lease)")
    parser.add_argument("--fault-rate", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, help="each worker's (default: derived)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.workers < 2:
        parser.error("--workers must be at least 2 (one is killed)")
    missing = postgres_missing()
    if missing:
        sys.exit(f"cannot run: {missing}")
    postgres, redis = PostgresServer(), RedisServer()
    failed: list[str] = []
    try:
        postgres.start()
        redis.start()
        with tempfile.TemporaryDirectory(prefix="bench-shared-") as tmp:
            failed = asyncio.run(bench(args, postgres.dsn, redis.url, Path(tmp)))
    finally:
        redis.close()
        postgres.close()
    for line in failed:
        print(f"FAILED: {line}")
    print("all checks passed" if not failed else f"{len(failed)} check(s) failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
