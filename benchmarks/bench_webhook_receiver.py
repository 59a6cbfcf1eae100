"""Signed webhook POSTs handled per second on one core: the library's receiver vs bare aiohttp.

Two aiohttp servers, each in its own process pinned to CPU 1, get the same
load from a client on CPU 0 (one inbound text message per POST, each with its
own wamid and a valid ``X-Hub-Signature-256``):

* **bare**: a handler that reads the body and answers 200;
* **library**: ``WebhookRouter(...).aiohttp_app("/webhook")``: the signature
  check, the typed parse, redelivery dedupe and dispatch to a no-op
  ``on_message`` handler.

What counts is the server's own CPU time per POST (from ``/proc``), so a
client that cannot saturate the server does not blur the figure: POSTs/s per
core = 1 / CPU seconds per POST. It prints both and the library's ratio to
the bare handler, measured in the same run (medians of ``--reps``).

Run: ``python benchmarks/bench_webhook_receiver.py [--posts 20000] [--reps 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _nginx import free_port, pinned

SECRET = "bench-app-secret"


def body(i: int) -> bytes:
    message = {"from": f"4477009{i % 100000:05d}", "id": f"wamid.HBgMNDQ3NzAwOTAw{i:010d}",
               "timestamp": str(1750412345 + i), "type": "text",
               "text": {"body": f"Hello, is item {i} still available?"}}
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "15550001234",
                          "phone_number_id": "109876543210987"},
             "contacts": [{"profile": {"name": "Ana"}, "wa_id": message["from"]}],
             "messages": [message]}
    payload = {"object": "whatsapp_business_account",
               "entry": [{"id": "214367980012345", "changes": [{"value": value,
                                                                "field": "messages"}]}]}
    return json.dumps(payload, separators=(",", ":")).encode()


def serve(kind: str, port: int) -> None:
    from aiohttp import web

    if kind == "bare":
        async def handle(request: web.Request) -> web.Response:
            await request.read()
            return web.Response(text="OK")

        app = web.Application()
        app.router.add_post("/webhook", handle)
    else:
        from whatsapp_async import WebhookRouter

        router = WebhookRouter(app_secret=SECRET, verify_token="bench", dedupe_size=100_000)

        @router.on_message()
        async def noop(event: object) -> None:
            return None

        app = router.aiohttp_app("/webhook")
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None,
                handle_signals=True)


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(port: int, bodies: list[tuple[bytes, str]], concurrency: int) -> int:
    import aiohttp

    url = f"http://127.0.0.1:{port}/webhook"
    jobs = iter(bodies)
    failures = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as s:

        async def worker() -> None:
            nonlocal failures
            for raw, signature in jobs:
                async with s.post(url, data=raw, headers={
                    "Content-Type": "application/json", "X-Hub-Signature-256": signature,
                }) as resp:
                    await resp.read()
                    failures += resp.status != 200

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return failures


def one_run(kind: str, bodies: list[tuple[bytes, str]], concurrency: int) -> float:
    port = free_port()
    argv = [sys.executable, __file__, "--serve", kind, str(port)]
    server = subprocess.Popen(pinned(1, argv))
    try:
        import socket

        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        asyncio.run(load(port, bodies[:200], 8))  # warm up
        before = cpu_seconds(server.pid)
        failures = asyncio.run(load(port, bodies[200:], concurrency))
        used = cpu_seconds(server.pid) - before
    finally:
        server.terminate()
        server.wait(10)
    if failures:
        raise SystemExit(f"{kind}: {failures} POSTs were not answered 200")
    return (len(bodies) - 200) / used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--serve", nargs=2, metavar=("KIND", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    from whatsapp_async.webhooks import sign

    bodies = [(raw, sign(raw, SECRET)) for raw in (body(i) for i in range(args.posts + 200))]
    rates: dict[str, list[float]] = {"bare": [], "library": []}
    for _ in range(args.reps):
        for kind in rates:
            rates[kind].append(one_run(kind, bodies, args.concurrency))
    bare, lib = (statistics.median(rates[k]) for k in ("bare", "library"))
    print(f"POSTs/s per core of server CPU (medians of {args.reps}, {args.posts} signed POSTs):")
    print(f"  bare aiohttp handler: {bare:8,.0f}")
    print(f"  library receiver:     {lib:8,.0f}   ratio {lib / bare:.3f}")


if __name__ == "__main__":
    main()
