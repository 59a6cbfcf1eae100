"""Per-send cost of the full client against bare aiohttp, on nginx (not a Python server).

A Python server sharing the machine hides the client's cost; nginx answers a
send in about a tenth of what a Python client spends on it, so the client is
what limits. The two clients, in the same run, at each concurrency C:

* **bare**: one ``aiohttp.ClientSession``, C tasks POSTing a pre-encoded body
  with pre-built headers, reading and decoding the answer: aiohttp's ceiling;
* **library**: ``WhatsAppClient.messages.send_text`` from C tasks, with the
  throttle on (a LocalThrottle far above the reachable rate, so its cost is
  counted), the default retry policy and the typed answer.

Each (client, C) runs ``--reps`` times in its own process, pinned to CPU 0
with nginx on CPU 1 (when there are two cores), alternating the clients so
load from elsewhere falls on both. It prints medians of msgs/s and CPU
microseconds per send in the loop, and the library's ratio to bare aiohttp.

Run: ``python benchmarks/bench_nginx.py [--n 20000] [--reps 3] [--c 1,16,64,256] [--uvloop]``
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
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _nginx import nginx, pinned

TOKEN = "EAAG" + "ZBench0123456789" * 12
NUMBER = "106540352242922"
TO = "15551234567"
TEXT = "Hello from the benchmark! Your order #10423 has shipped and will arrive on Friday."


async def bare(port: int, n: int, c: int) -> tuple[float, float]:
    import aiohttp
    import msgspec

    body = msgspec.json.encode({
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": TO,
        "type": "text", "text": {"preview_url": False, "body": TEXT},
    })
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    url = f"http://127.0.0.1:{port}/v21.0/{NUMBER}/messages"
    decode = msgspec.json.Decoder().decode
    jobs = iter(range(n))
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=c), timeout=aiohttp.ClientTimeout(total=30)
    ) as session:

        async def worker() -> None:
            for _ in jobs:
                async with session.post(url, data=body, headers=headers) as resp:
                    raw = await resp.read()
                    if resp.status != 200 or not decode(raw)["messages"][0]["id"]:
                        raise RuntimeError("bad answer")

        return await _timed(worker, c)


async def library(port: int, n: int, c: int) -> tuple[float, float]:
    from whatsapp_async import WhatsAppClient

    jobs = iter(range(n))
    async with WhatsAppClient(
        access_token=TOKEN, phone_number_id=NUMBER, base_url=f"http://127.0.0.1:{port}/v21.0",
        max_connections=c, messages_per_second=1_000_000,
    ) as wa:
        send_text = wa.messages.send_text

        async def worker() -> None:
            for _ in jobs:
                sent = await send_text(TO, TEXT)
                if not sent.message_id:
                    raise RuntimeError("bad answer")

        return await _timed(worker, c)


async def _timed(worker: object, c: int) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(c)))  # type: ignore[operator]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def child(client: str, port: int, n: int, c: int, use_uvloop: bool) -> None:
    run = {"bare": bare, "library": library}[client]
    if use_uvloop:
        import uvloop

        wall, cpu = uvloop.run(run(port, n, c))
    else:
        wall, cpu = asyncio.run(run(port, n, c))
    print(json.dumps({"rate": n / wall, "cpu_us": cpu / n * 1e6}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="sends per run")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--c", default="1,16,64,256", help="concurrencies, comma separated")
    parser.add_argument("--uvloop", action="store_true", help="run both clients on uvloop")
    parser.add_argument("--child", nargs=4, metavar=("CLIENT", "PORT", "N", "C"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        client, port, n, c = args.child
        child(client, int(port), int(n), int(c), args.uvloop)
        return
    levels = [int(x) for x in args.c.split(",")]
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    with nginx(cpu=1) as port:
        for _ in range(args.reps):
            for c in levels:
                for client in ("bare", "library"):
                    argv = [sys.executable, __file__, "--child", client, str(port),
                            str(args.n), str(c)] + (["--uvloop"] if args.uvloop else [])
                    out = subprocess.run(pinned(0, argv), capture_output=True, text=True,
                                         check=True, timeout=600)
                    results.setdefault((client, c), []).append(json.loads(out.stdout))
    loop = "uvloop" if args.uvloop else "asyncio"
    print(f"loop={loop} n={args.n} reps={args.reps} (medians; ratio = library / bare aiohttp)")
    print(f"{'C':>5} {'bare/s':>9} {'library/s':>10} {'ratio':>6} "
          f"{'bare us':>8} {'lib us':>8} {'cpu ratio':>9}")
    for c in levels:
        b = results[("bare", c)]
        w = results[("library", c)]
        br = statistics.median(r["rate"] for r in b)
        wr = statistics.median(r["rate"] for r in w)
        bc = statistics.median(r["cpu_us"] for r in b)
        wc = statistics.median(r["cpu_us"] for r in w)
        print(f"{c:>5} {br:>9,.0f} {wr:>10,.0f} {wr / br:>6.3f} {bc:>8.1f} {wc:>8.1f} "
              f"{bc / wc:>9.3f}")


if __name__ == "__main__":
    main()
