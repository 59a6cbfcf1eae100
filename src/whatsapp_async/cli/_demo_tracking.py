"""The demo's webhook receiver: a web app on loopback that tracks statuses into the journal."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from ..journal import Journal
from ..webhooks import StatusTracker, WebhookRouter

__all__ = ["DEMO_FAILURES", "Receiver", "tracking_receiver"]

#: Delivery failures the demo's sandbox gives a few recipients: (share of rows, code).
DEMO_FAILURES = ((0.006, 131026), (0.003, 131049), (0.002, 131050))


@dataclass(frozen=True)
class Receiver:
    """A running receiver: where the sandbox posts, how it signs, what it tracked."""

    url: str
    app_secret: str
    router: WebhookRouter
    tracker: StatusTracker


@asynccontextmanager
async def tracking_receiver(path: str) -> AsyncIterator[Receiver]:
    """Serve ``router.track(Journal(path))`` on a free loopback port until the block ends.

    The receiver has a Journal of its own on the file, as a web app in another
    process would: the broadcast and the tracking share the file, not an object.
    """
    from aiohttp import web

    app_secret = secrets.token_hex(16)
    journal = Journal(path, campaign="webhooks")
    await journal.open()
    router = WebhookRouter(app_secret=app_secret)
    tracker = router.track(journal)
    runner = web.AppRunner(router.aiohttp_app("/webhook"), access_log=None,
                           handle_signals=False)
    try:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        yield Receiver(f"http://127.0.0.1:{port}/webhook", app_secret, router, tracker)
        await router.join()
    finally:
        await runner.cleanup()
        await journal.close()
