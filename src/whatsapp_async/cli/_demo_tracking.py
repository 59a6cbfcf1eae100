"""The demo's webhook receiver: a web app in a process of its own, tracking into the journal.

As in a real deployment, the process that receives status webhooks is not
the one that broadcasts: :func:`tracking_receiver` starts this module as a
child process (``python -m whatsapp_async.cli._demo_tracking JOURNAL``),
which serves ``router.track(Journal(JOURNAL))`` on a free loopback port. The
two share the journal file, not an object, and the receiver gets a core of
its own where there is one.

The conversation over the child's pipes, one line each: the parent writes
the app secret (not on the command line, where ``ps`` shows it); the child
answers its port; the parent closes its input when the broadcast's webhooks
are all posted; the child waits for its handlers, then prints its counts as
JSON and exits.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from ..webhooks import TrackerCounts

__all__ = ["DEMO_FAILURES", "Receiver", "tracking_receiver"]

#: Delivery failures the demo's sandbox gives a few recipients: (share of rows, code).
DEMO_FAILURES = ((0.006, 131026), (0.003, 131049), (0.002, 131050))

#: Seconds the receiver may take to start, or to finish its handlers.
_WAIT = 60.0


@dataclass
class Receiver:
    """A running receiver: where the sandbox posts and how it signs; its counts once stopped."""

    url: str
    app_secret: str
    counts: TrackerCounts = field(default_factory=TrackerCounts)


@asynccontextmanager
async def tracking_receiver(path: str) -> AsyncIterator[Receiver]:
    """Run the receiver process for the journal at ``path`` until the block ends.

    Raises:
        RuntimeError: The receiver did not start or did not stop cleanly.
    """
    app_secret = secrets.token_hex(16)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", __name__, path,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(f"{app_secret}\n".encode())
        await proc.stdin.drain()
        line = await asyncio.wait_for(proc.stdout.readline(), _WAIT)
        if not line.strip().isdigit():
            raise RuntimeError("the demo's webhook receiver did not start")
        receiver = Receiver(f"http://127.0.0.1:{int(line)}/webhook", app_secret)
        yield receiver
        proc.stdin.close()
        last = await asyncio.wait_for(proc.stdout.readline(), _WAIT)
        receiver.counts = TrackerCounts(**json.loads(last))
    finally:
        if proc.returncode is None:
            if not proc.stdin.is_closing():
                proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), _WAIT)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()


async def _serve(path: str) -> None:
    from aiohttp import web

    from ..journal import Journal
    from ..webhooks import WebhookRouter

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    app_secret = (await reader.readline()).decode().strip()
    async with Journal(path, campaign="webhooks") as journal:
        router = WebhookRouter(app_secret=app_secret)
        tracker = router.track(journal)
        runner = web.AppRunner(router.aiohttp_app("/webhook"), access_log=None,
                               handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            print(runner.addresses[0][1], flush=True)
            await reader.read()  # until the parent closes our input
            await router.join()
        finally:
            await runner.cleanup()
    print(json.dumps(dataclasses.asdict(tracker.counts)), flush=True)


if __name__ == "__main__":
    asyncio.run(_serve(sys.argv[1]))
