"""Instructions per send: the full client against bare aiohttp, counted, not timed.

On a shared machine wall clock and CPU time move with the neighbours' load;
the number of instructions a process executes does not. Each client of
``bench_nginx.py`` (bare aiohttp with a pre-encoded body, and the library's
``send_text`` with throttle, default retry policy and typed answer) runs under
valgrind's cachegrind (no cache simulation, user-space instructions only)
twice, with ``--small`` and ``--large`` sends, against nginx on loopback. The
difference divided by the extra sends is the cost of one send, with start-up,
imports and teardown cancelled out.

It prints, for each concurrency C, the instructions per send of both clients
and the ratio bare / library (above 1.0 the library executes fewer). Needs
valgrind and nginx (Debian: ``apt-get install valgrind nginx``); slow (valgrind
runs Python about 40 times slower): about a minute per (client, C).

Run: ``python benchmarks/instructions_per_send.py [--c 1,16,64,256] [--small 1000] [--large 3000]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _cachegrind import count_instructions
from _nginx import nginx

_BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_nginx.py")


def instructions(client: str, port: int, n: int, c: int) -> int:
    """User-space instructions of one child process sending ``n`` messages."""
    argv = [sys.executable, _BENCH, "--child", client, str(port), str(n), str(c)]
    return count_instructions(argv)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--c", default="1,16,64,256", help="concurrencies, comma separated")
    parser.add_argument("--small", type=int, default=1000, help="sends of the short run")
    parser.add_argument("--large", type=int, default=3000, help="sends of the long run")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    extra = args.large - args.small
    print(f"instructions per send, from runs of {args.small} and {args.large} sends "
          "(ratio = bare / library)")
    print(f"{'C':>5} {'bare':>10} {'library':>10} {'ratio':>7}")
    with nginx(cpu=None) as port:
        for c in (int(x) for x in args.c.split(",")):
            per_send = {}
            for client in ("bare", "library"):
                small = instructions(client, port, args.small, c)
                large = instructions(client, port, args.large, c)
                per_send[client] = (large - small) / extra
            print(f"{c:>5} {per_send['bare']:>10,.0f} {per_send['library']:>10,.0f} "
                  f"{per_send['bare'] / per_send['library']:>7.3f}", flush=True)


if __name__ == "__main__":
    main()
