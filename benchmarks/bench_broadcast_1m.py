"""A million-row broadcast: memory stays flat and the engine keeps up with bare aiohttp.

A minimal Graph-like server runs in its own process on 127.0.0.1. Each client
phase runs in a fresh child process (so peak RSS is its own):

* ``bare``: a plain aiohttp loop, ``--concurrency`` workers sending the same
  template requests (JSON encode, POST, read, JSON decode);
* ``broadcast``: ``wa.broadcast(generator, template=...)`` with the throttle
  off (a no-op throttle), the same concurrency and pool size: validation,
  retry policy, outcome per row, dedup of every number.

Rows come from a generator and are never materialised. Phases alternate for
``--rounds`` rounds; the figures are medians. Targets: broadcast peak RSS
under 150 MB, throughput at least 85% of the bare loop.

    python benchmarks/bench_broadcast_1m.py              # 1,000,000 rows
    python benchmarks/bench_broadcast_1m.py --rows 50000 # while developing
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

SEND_REPLY = json.dumps({
    "messaging_product": "whatsapp",
    "contacts": [{"input": "+15551234567", "wa_id": "15551234567"}],
    "messages": [{"id": "wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI", "message_status": "accepted"}],
}).encode()
NUMBER = "1234567890"
TEMPLATE = "spring_sale"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int) -> None:
    from aiohttp import web

    async def send(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=SEND_REPLY, content_type="application/json")

    app = web.Application()
    app.router.add_post("/v21.0/{number}/messages", send)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("the server did not start")


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


class _NoThrottle:
    """Throttle off: every acquire returns at once."""

    async def acquire(self, key: str) -> None:
        return None

    async def report_rate_limited(self, key: str, retry_after: float | None = None) -> None:
        return None


async def _broadcast(base_url: str, rows: int, concurrency: int) -> int:
    from whatsapp_async import Recipient, WhatsAppClient

    async with WhatsAppClient(
        "token", NUMBER, base_url=base_url, throttle=_NoThrottle(), max_connections=concurrency
    ) as wa:
        report = await wa.broadcast(
            (Recipient(to, params=[name]) for to, name in _numbers(rows)),
            template=TEMPLATE, concurrency=concurrency,
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
    else:
        sent = asyncio.run(_broadcast(base_url, rows, concurrency))
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "kind": kind, "sent": sent, "wall": wall, "cpu": time.process_time() - cpu,
        "rss_mb": usage.ru_maxrss / 1024,
    }))


def _run_phase(kind: str, port: int, rows: int, concurrency: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", kind, "--port", str(port), "--rows", str(rows),
         "--concurrency", str(concurrency)],
        check=True, capture_output=True, text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--phase", choices=("bare", "broadcast"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _phase(args.phase, args.port, args.rows, args.concurrency)
        return

    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(port,), daemon=True)
    server.start()
    try:
        _wait_for(port)
        results: dict[str, list[dict[str, Any]]] = {"bare": [], "broadcast": []}
        for round_no in range(args.rounds):
            for kind in ("bare", "broadcast"):
                r = _run_phase(kind, port, args.rows, args.concurrency)
                results[kind].append(r)
                print(f"round {round_no + 1} {kind:9}: {r['sent'] / r['wall']:8.0f} rows/s, "
                      f"cpu {1e6 * r['cpu'] / r['sent']:6.1f} us/row, "
                      f"peak RSS {r['rss_mb']:6.1f} MB", flush=True)
    finally:
        server.terminate()
        server.join(10)

    def median(kind: str, key: str) -> float:
        return statistics.median(
            r["sent"] / r["wall"] if key == "rate" else r[key] / r["sent"] if key == "cpu"
            else r[key] for r in results[kind]
        )

    ratio = median("broadcast", "rate") / median("bare", "rate")
    cpu_ratio = median("broadcast", "cpu") / median("bare", "cpu")
    rss = max(r["rss_mb"] for r in results["broadcast"])
    print(f"\n{args.rows:,} rows, concurrency {args.concurrency}, {args.rounds} round(s)")
    print(f"throughput broadcast / bare aiohttp: {ratio:.2f} (target >= 0.85)")
    print(f"client CPU per row broadcast / bare: {cpu_ratio:.2f}")
    print(f"broadcast peak RSS: {rss:.0f} MB (target < 150 MB); bare loop: "
          f"{max(r['rss_mb'] for r in results['bare']):.0f} MB")


if __name__ == "__main__":
    main()
