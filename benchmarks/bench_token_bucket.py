"""LocalThrottle's own token bucket against aiolimiter's AsyncLimiter, on one event loop.

``LocalThrottle`` used an ``AsyncLimiter`` per business number until it got its
own first-come-first-served bucket (``_bucket.py``). This shows why, with no
network in the way (so a shared machine moves it less):

1. **Free tokens**: CPU per token when every token is free (a rate far above
   reach), round-robin over 1, 100 and 10,000 numbers. The bucket is asked
   with ``acquire_nowait`` and awaited only when that says no; an
   ``AsyncLimiter`` has no such call, so each token is an ``await acquire()``.
2. **At the rate**: K numbers at R/s each, W senders per number, all waiting
   on their number's bucket for S seconds: tokens handed out as a share of
   K x R x S, CPU per token, the slowest sender against the mean (fairness
   between one number's senders), and how many tokens went to a sender that
   asked after another one still waiting (out of arrival order).

aiolimiter is not a dependency of the library: ``pip install aiolimiter`` to
compare; without it only the bucket is measured.

Run: ``python benchmarks/bench_token_bucket.py [--numbers 100] [--rate 80] [--senders 4]
[--seconds 5]``
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import resource
import time
from collections.abc import Awaitable, Callable

from whatsapp_async._bucket import Bucket


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _bucket_taker(
    numbers: list[str], rate: float, burst: float
) -> Callable[[str], Awaitable[None]]:
    loop = asyncio.get_running_loop()
    buckets = {n: Bucket(rate, burst, loop.time()) for n in numbers}

    async def take(number: str) -> None:
        bucket = buckets[number]
        if not bucket.try_take(loop.time()):
            await bucket.take(loop)

    return take


def _aiolimiter_taker(
    numbers: list[str], rate: float, burst: float
) -> Callable[[str], Awaitable[None]]:
    from aiolimiter import AsyncLimiter

    # burst tokens per burst/rate seconds: the same leak rate and bucket size.
    limiters = {n: AsyncLimiter(burst, burst / rate) for n in numbers}

    async def take(number: str) -> None:
        await limiters[number].acquire()

    return take


MAKERS = {"bucket": _bucket_taker, "aiolimiter": _aiolimiter_taker}


def free_tokens(kind: str, numbers: int, tokens: int) -> float:
    """Microseconds of CPU per free token, round-robin over ``numbers`` numbers."""

    async def run() -> float:
        ids = [str(100000000000 + i) for i in range(numbers)]
        take = MAKERS[kind](ids, 1e9, 1e9)
        order = (ids * (tokens // numbers + 1))[:tokens]
        start = _cpu()
        for number in order:
            await take(number)
        return (_cpu() - start) / tokens * 1e6

    return asyncio.run(run())


def at_rate(kind: str, numbers: int, rate: float, senders: int, seconds: float) -> dict[str, float]:
    """K numbers at ``rate`` each, ``senders`` tasks per number, for ``seconds``."""

    async def run() -> dict[str, float]:
        ids = [str(100000000000 + i) for i in range(numbers)]
        take = MAKERS[kind](ids, rate, max(1.0, rate / 10))
        counts = [0] * (numbers * senders)
        ticket = itertools.count()
        waiting: dict[str, list[int]] = {n: [] for n in ids}
        out_of_order = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds

        async def sender(slot: int, number: str) -> None:
            nonlocal out_of_order
            queue = waiting[number]
            while loop.time() < deadline:
                mine = next(ticket)
                queue.append(mine)
                await take(number)
                if queue[0] != mine:  # someone who asked earlier is still waiting
                    out_of_order += 1
                queue.remove(mine)
                counts[slot] += 1

        start = _cpu()
        await asyncio.gather(*(
            sender(i * senders + j, n) for i, n in enumerate(ids) for j in range(senders)
        ))
        cpu = _cpu() - start
        total = sum(counts)
        return {
            "share_of_rate": total / (numbers * rate * seconds),
            "cpu_us_per_token": cpu / total * 1e6,
            "slowest_vs_mean": min(counts) / (total / len(counts)),
            "out_of_order": out_of_order / total,
        }

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=100)
    parser.add_argument("--rate", type=float, default=80.0)
    parser.add_argument("--senders", type=int, default=4, help="senders per number")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    kinds = ["bucket"]
    try:
        import aiolimiter  # noqa: F401

        kinds.append("aiolimiter")
    except ImportError:
        print("aiolimiter is not installed: measuring the bucket only")

    print("free tokens, CPU us per token (best of 3), round-robin over K numbers:")
    for numbers in (1, 100, 10_000):
        cost = {k: min(free_tokens(k, numbers, 200_000) for _ in range(3)) for k in kinds}
        shown = "  ".join(f"{k} {v:.2f}" for k, v in cost.items())
        ratio = ""
        if len(cost) > 1:
            ratio = f"  bucket/aiolimiter {cost['bucket'] / cost['aiolimiter']:.2f}"
        print(f"  K={numbers:>6}: {shown}{ratio}")

    print(f"{args.numbers} numbers x {args.rate:g}/s, {args.senders} senders each, "
          f"{args.seconds:g} s:")
    for kind in kinds:
        started = time.perf_counter()
        r = at_rate(kind, args.numbers, args.rate, args.senders, args.seconds)
        print(f"  {kind:>10}: {r['share_of_rate']:.3f} of the rate, "
              f"{r['cpu_us_per_token']:.1f} us CPU per token, slowest sender "
              f"{r['slowest_vs_mean']:.3f} of the mean, {r['out_of_order']:.1%} of tokens "
              f"out of arrival order ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
