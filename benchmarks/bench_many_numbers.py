"""Many business numbers from one process: the throttle's cost per send, and fairness.

1. **Cost per send at 1, 100 and 10,000 numbers**: ``LocalThrottle`` taking
   tokens round-robin over K numbers (a rate far above reach, so every token
   is free), in nanoseconds per send, and the ratio to one number. A constant
   cost means nothing in the throttle scans its numbers. Time also counts the
   cache misses of a table of 10,000 buckets; with valgrind installed the
   instructions per token are counted too (two run sizes, the difference),
   which only work done moves.
2. **K numbers at R/s each against nginx** (default 100 x 80/s, four senders
   per number, one core): the aggregate rate as a share of K x R, and the
   slowest number's count against the mean and against its own rate, on the
   default loop and, when installed, on uvloop. A bare aiohttp loop with as
   many senders and no throttle runs on the same core in the same run: its
   rate is the most this core can send, so the library's rate is also shown
   against the smaller of that ceiling and K x R.

Run: ``python benchmarks/bench_many_numbers.py [--numbers 100] [--rate 80] [--seconds 10]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _cachegrind import count_instructions
from _nginx import nginx, pinned

TOKEN = "EAAG" + "ZBench0123456789" * 12


def throttle_cost(numbers: int, sends: int) -> float:
    """Nanoseconds per token taken, round-robin over ``numbers`` numbers."""
    from whatsapp_async import LocalThrottle

    async def run() -> float:
        throttle = LocalThrottle(rate=1e9)
        ids = [str(100000000000 + i) for i in range(numbers)]
        for number in ids:
            await throttle.acquire(number)
        take = throttle.acquire_nowait
        order = (ids * (sends // numbers + 1))[:sends]
        start = time.perf_counter()
        for number in order:
            if not take(number):
                await throttle.acquire(number)
        return (time.perf_counter() - start) / sends * 1e9

    return asyncio.run(run())


def throttle_instructions(numbers: int, small: int = 20_000, large: int = 60_000) -> float:
    """Instructions per token taken over ``numbers`` numbers, counted under cachegrind."""
    counts = [
        count_instructions([sys.executable, __file__, "--throttle-child", str(numbers), str(sends)],
                           timeout=1800)
        for sends in (small, large)
    ]
    return (counts[1] - counts[0]) / (large - small)


async def bare_fleet(port: int, senders: int, seconds: float) -> dict[str, float]:
    """A bare aiohttp loop, ``senders`` tasks and no throttle: this core's ceiling."""
    import aiohttp
    import msgspec

    body = msgspec.json.encode({
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "+15551234567",
        "type": "text", "text": {"body": "Hello from the many-numbers benchmark"},
    })
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    url = f"http://127.0.0.1:{port}/v21.0/100000000000/messages"
    decode = msgspec.json.Decoder().decode
    sent = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256)) as session:
        deadline = time.perf_counter() + seconds

        async def sender() -> None:
            nonlocal sent
            while time.perf_counter() < deadline:
                async with session.post(url, data=body, headers=headers) as resp:
                    if resp.status != 200 or not decode(await resp.read())["messages"][0]["id"]:
                        raise RuntimeError("bad answer")
                sent += 1

        start = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(senders)))
        wall = time.perf_counter() - start
    return {"rate": sent / wall}


async def fleet(
    port: int, numbers: int, rate: float, seconds: float, per_number: int
) -> dict[str, float]:
    from whatsapp_async import LocalThrottle, WhatsAppClient

    ids = [str(100000000000 + i) for i in range(numbers)]
    counts = dict.fromkeys(ids, 0)
    async with WhatsAppClient(
        access_token=TOKEN, phone_number_id=ids[0], base_url=f"http://127.0.0.1:{port}/v21.0",
        max_connections=256, throttle=LocalThrottle(rate),
    ) as wa:
        views = {n: wa.for_number(n) for n in ids}
        deadline = time.perf_counter() + seconds

        async def sender(number: str) -> None:
            send = views[number].messages.send_text
            while time.perf_counter() < deadline:
                await send("15551234567", "Hello from the many-numbers benchmark")
                counts[number] += 1

        before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        await asyncio.gather(*(sender(n) for n in ids for _ in range(per_number)))
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
    total = sum(counts.values())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    mean = total / numbers
    return {
        "share_of_target": total / wall / (numbers * rate),
        "slowest_vs_mean": min(counts.values()) / mean,
        "slowest_vs_rate": min(counts.values()) / (rate * wall),
        "cpu_us_per_send": cpu / total * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=100)
    parser.add_argument("--rate", type=float, default=80.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--per-number", type=int, default=4, help="senders per number")
    parser.add_argument("--child", nargs=3, metavar=("PORT", "LOOP", "CLIENT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--throttle-child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.throttle_child:
        throttle_cost(*args.throttle_child)
        return
    if args.child:
        port, loop, client = int(args.child[0]), args.child[1], args.child[2]
        if client == "bare":
            coro = bare_fleet(port, args.numbers * args.per_number, args.seconds)
        else:
            coro = fleet(port, args.numbers, args.rate, args.seconds, args.per_number)
        if loop == "uvloop":
            import uvloop

            print(json.dumps(uvloop.run(coro)))
        else:
            print(json.dumps(asyncio.run(coro)))
        return

    print("throttle cost per send (ns), round-robin over K numbers:")
    base = None
    for numbers in (1, 100, 10_000):
        cost = min(throttle_cost(numbers, 200_000) for _ in range(3))
        base = base or cost
        print(f"  K={numbers:>6}: {cost:7.0f} ns  ratio to K=1: {cost / base:.2f}")
    if shutil.which("valgrind") is not None:
        print("throttle instructions per send, round-robin over K numbers:")
        counted = None
        for numbers in (1, 100, 10_000):
            instructions = throttle_instructions(numbers)
            counted = counted or instructions
            print(f"  K={numbers:>6}: {instructions:7.0f}  ratio to K=1: "
                  f"{instructions / counted:.2f}")

    try:
        import uvloop

        loops = ["asyncio", "uvloop"]
    except ImportError:
        loops = ["asyncio"]
    target = args.numbers * args.rate
    print(f"{args.numbers} numbers x {args.rate:g}/s = {target:,.0f}/s target, "
          f"{args.per_number} senders each, {args.seconds:g} s, one core:")
    with nginx(cpu=1) as port:
        for loop in loops:
            runs = {}
            for client in ("bare", "library"):
                argv = [sys.executable, __file__, "--numbers", str(args.numbers), "--rate",
                        str(args.rate), "--seconds", str(args.seconds), "--per-number",
                        str(args.per_number), "--child", str(port), loop, client]
                out = subprocess.run(pinned(0, argv), capture_output=True, text=True,
                                     check=True, timeout=args.seconds * 10 + 60)
                runs[client] = json.loads(out.stdout)
            r, ceiling = runs["library"], runs["bare"]["rate"]
            rate = r["share_of_target"] * target
            print(f"  {loop:>7}: {r['share_of_target']:.3f} of target ({rate:,.0f}/s; bare "
                  f"aiohttp reaches {ceiling:,.0f}/s here, so {rate / min(ceiling, target):.3f} "
                  f"of what this core allows), slowest number {r['slowest_vs_mean']:.3f} of "
                  f"the mean and {r['slowest_vs_rate']:.3f} of its rate, "
                  f"{r['cpu_us_per_send']:.0f} us CPU per send")


if __name__ == "__main__":
    main()
