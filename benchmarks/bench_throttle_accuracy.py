"""Throttle accuracy of a broadcast: the achieved rate, and no 1-second window over the limit.

For each rate (80/s, the standard limit, and 1000/s, the high tier) a
FakeCloudAPI enforcing that limit runs in a child process (so its CPU does not
slow the client), and this process broadcasts ``rate x duration`` templates
through the default ``LocalThrottle``. From the times the fake accepted each
message it reports:

* achieved rate / target rate (target: within 2%, i.e. 0.98 to 1.02);
* the busiest 1-second window / (rate + burst) (target: <= 1.00), where burst
  is the throttle's default, a tenth of a second's worth;
* 130429 refusals from the fake (target: 0).

The busiest second of tokens granted by the throttle (client side) is printed
too: when the fake's figure is higher, the difference is delivery jitter (both
processes share the CPU), not the throttle.

    python benchmarks/bench_throttle_accuracy.py                 # 30 s per rate
    python benchmarks/bench_throttle_accuracy.py --duration 10   # while developing
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from multiprocessing.connection import Connection
from typing import Any

from whatsapp_async import LocalThrottle, Recipient, WhatsAppClient


def _serve(conn: Connection, rate: float) -> None:
    from whatsapp_async.testing import FakeCloudAPI

    async def run() -> None:
        async with FakeCloudAPI(messages_per_second=rate, pair_limit=None) as fake:
            conn.send((fake.base_url, fake.access_token, fake.phone_number_id))
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, conn.recv)  # the client is done
            conn.send(([m.time for m in fake.sent], fake.count_refusals(130429)))

    asyncio.run(run())


def busiest_window(times: list[float], width: float = 1.0) -> int:
    """Most sends inside any window ``[t, t + width)`` that starts at a send."""
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= width:
            start += 1
        best = max(best, end - start + 1)
    return best


class _Recording:
    """The default LocalThrottle, noting when each token was granted (client side)."""

    def __init__(self, rate: float) -> None:
        self.inner = LocalThrottle(rate)
        self.granted: list[float] = []

    def rate_for(self, key: str) -> float:
        return self.inner.rate_for(key)

    async def acquire(self, key: str) -> None:
        await self.inner.acquire(key)
        self.granted.append(time.time())

    async def report_rate_limited(self, key: str, retry_after: float | None = None) -> None:
        await self.inner.report_rate_limited(key, retry_after)


async def _broadcast(
    base_url: str, token: str, number: str, rate: float, rows: int
) -> tuple[float, list[float]]:
    throttle = _Recording(rate)
    async with WhatsAppClient(token, number, base_url=base_url, throttle=throttle) as wa:
        started = time.perf_counter()
        report = await wa.broadcast(
            (Recipient(f"+1555{i:07d}", params=[f"n{i}"]) for i in range(rows)),
            template="spring_sale",
        )
        if report.sent != rows:
            raise RuntimeError(report.summary())
        return time.perf_counter() - started, throttle.granted


def measure(rate: float, duration: float) -> dict[str, Any]:
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(child, rate), daemon=True
    )
    server.start()
    try:
        base_url, token, number = parent.recv()
        rows = int(rate * duration)
        wall, granted = asyncio.run(_broadcast(base_url, token, number, rate, rows))
        parent.send("done")
        times, refused = parent.recv()
    finally:
        server.join(10)
        if server.is_alive():
            server.terminate()
    times.sort()
    burst = max(1.0, rate / 10)
    achieved = (len(times) - 1) / (times[-1] - times[0])
    window = busiest_window(times)
    return {
        "rate": rate, "sent": len(times), "wall": wall, "achieved": achieved,
        "window": window, "client_window": busiest_window(sorted(granted)),
        "bound": rate + burst, "refused": refused,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0,
                        help="seconds of sending per rate (default 30)")
    parser.add_argument("--rates", default="80,1000",
                        help="comma-separated rates (default 80,1000)")
    args = parser.parse_args()
    ok = True
    for rate in (float(r) for r in args.rates.split(",")):
        r = measure(rate, args.duration)
        rate_ratio = r["achieved"] / rate
        window_ratio = r["window"] / r["bound"]
        client_ratio = r["client_window"] / r["bound"]
        passed = 0.98 <= rate_ratio <= 1.02 and window_ratio <= 1.0 and r["refused"] == 0
        ok = ok and passed
        print(
            f"{rate:6g}/s x {args.duration:g}s: {r['sent']} sent in {r['wall']:.1f}s | "
            f"achieved/target {rate_ratio:.4f} | busiest 1s at the fake {r['window']} / "
            f"(rate + burst) {r['bound']:g} = {window_ratio:.3f} | busiest 1s of tokens "
            f"granted {r['client_window']} = {client_ratio:.3f} | 130429: {r['refused']} | "
            f"{'PASS' if passed else 'FAIL'}",
            flush=True,
        )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
