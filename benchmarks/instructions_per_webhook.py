"""Instructions per signed webhook POST: the library's receiver against bare aiohttp, counted.

The same two servers as ``bench_webhook_receiver.py`` (a bare aiohttp handler
that reads the body; ``WebhookRouter.aiohttp_app`` with signature check, typed
parse, dedupe and a no-op ``on_message`` handler), each run under valgrind's
cachegrind (user-space instructions, no cache simulation) while a client
outside valgrind sends ``--small`` and then, in another run, ``--large``
POSTs. The difference divided by the extra POSTs is one POST's cost to the
server, with start-up and shutdown cancelled out; unlike CPU time it does
not move with the machine's load.

It prints instructions per POST for both and the ratio bare / library, the
counted form of ``bench_webhook_receiver.py``'s POSTs per core. Needs valgrind.

Run: ``python benchmarks/instructions_per_webhook.py [--small 500] [--large 1500]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _cachegrind import instruction_count, under_cachegrind
from _nginx import free_port
from bench_webhook_receiver import SECRET, body, load

_RECEIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_webhook_receiver.py")


def instructions(kind: str, bodies: list[tuple[bytes, str]], posts: int) -> int:
    """User-space instructions of one server process that answered ``posts`` POSTs (+ warm-up)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="wa-bench-cg-") as folder:
        server = subprocess.Popen(
            under_cachegrind(folder, [sys.executable, _RECEIVER, "--serve", kind, str(port)]),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError(f"the {kind} server did not start") from None
                    time.sleep(0.2)
            failures = asyncio.run(load(port, bodies[:posts], 8))
            if failures:
                raise RuntimeError(f"{kind}: {failures} POSTs were not answered 200")
        finally:
            server.send_signal(signal.SIGINT)  # run_app stops cleanly; valgrind then reports
            _, errors = server.communicate(timeout=300)
    return instruction_count(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=500, help="POSTs of the short run")
    parser.add_argument("--large", type=int, default=1500, help="POSTs of the long run")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    from whatsapp_async.webhooks import sign

    bodies = [(raw, sign(raw, SECRET)) for raw in (body(i) for i in range(args.large))]
    per_post = {}
    for kind in ("bare", "library"):
        small = instructions(kind, bodies, args.small)
        large = instructions(kind, bodies, args.large)
        per_post[kind] = (large - small) / (args.large - args.small)
    print(f"instructions per POST, from runs of {args.small} and {args.large} POSTs")
    print(f"  bare aiohttp handler: {per_post['bare']:10,.0f}")
    print(f"  library receiver:     {per_post['library']:10,.0f}   "
          f"ratio {per_post['bare'] / per_post['library']:.3f}")


if __name__ == "__main__":
    main()
