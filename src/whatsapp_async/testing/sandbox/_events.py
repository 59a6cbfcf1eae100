"""``GET /_sandbox/events``: the live page's server-sent events.

Each connection keeps cursors into the sandbox's records and, whenever
something changed (at most every ``_TICK`` seconds), sends what is new:

- ``timeline``: new timeline items (see ``_inbox``), oldest first;
- ``requests``: new request log entries;
- ``stats``: the dashboard's snapshot;
- ``hello`` (first) and ``info`` (when it changes): the settings and the
  webhook handshake's state;
- ``reset``: the sandbox was reset; the page forgets what it shows.

A comment line every few seconds keeps proxies from closing an idle stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._inbox import inbound_item, out_item, read_item
from ._log import as_json

if TYPE_CHECKING:
    from ._app import Sandbox

__all__ = ["Cursor", "stream_events"]

#: Seconds between two batches: a broadcast's thousands of sends per second
#: become a few updates per second.
_TICK = 0.2
#: Seconds of silence before a keep-alive comment.
_IDLE = 5.0
#: Items per batch at most; the rest follow in the next one.
_BATCH = 2000


@dataclass
class Cursor:
    """How far one page has been sent each record."""

    epoch: int = 0
    sent: int = 0
    inbound: int = 0
    reads: int = 0
    statuses: int = 0
    log: int = 0

    def timeline(self, sandbox: Sandbox) -> list[dict[str, Any]]:
        """New timeline items, advancing the cursor."""
        sent = sandbox.sent[self.sent:self.sent + _BATCH]
        inbound = sandbox.inbound[self.inbound:self.inbound + _BATCH]
        reads = sandbox.read_marks[self.reads:self.reads + _BATCH]
        statuses = sandbox.delivery_statuses[self.statuses:self.statuses + _BATCH]
        self.sent += len(sent)
        self.inbound += len(inbound)
        self.reads += len(reads)
        self.statuses += len(statuses)
        items = [*map(out_item, sent), *map(inbound_item, inbound), *map(read_item, reads),
                 *statuses]
        items.sort(key=lambda item: item["time"])
        return items


def _event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def stream_events(sandbox: Sandbox, request: web.Request) -> web.StreamResponse:
    """Serve one page's event stream until it goes away or the sandbox stops."""
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream", "Cache-Control": "no-cache",
        "X-Accel-Buffering": "no",
    })
    await response.prepare(request)
    cursor = Cursor(epoch=sandbox.epoch)
    info = sandbox.info()
    await response.write(_event("hello", info))
    stats_sent = -1
    with contextlib.suppress(ConnectionResetError, asyncio.CancelledError):
        while not sandbox.closing:
            wake = sandbox.next_change()
            chunks = []
            if cursor.epoch != sandbox.epoch:
                cursor = Cursor(epoch=sandbox.epoch)
                chunks.append(_event("reset", {}))
            if sandbox.info() != info:
                info = sandbox.info()
                chunks.append(_event("info", info))
            items = cursor.timeline(sandbox)
            if items:
                chunks.append(_event("timeline", items))
            entries = sandbox.request_log.since(cursor.log)[:_BATCH]
            if entries:
                cursor.log = entries[-1].seq
                chunks.append(_event("requests", as_json(entries)))
            sends = sum(sandbox.stats.outcomes.values())
            if sends != stats_sent or entries:
                stats_sent = sends
                chunks.append(_event("stats", sandbox.stats.snapshot()))
            if chunks:
                await response.write(b"".join(chunks))
            if len(items) >= _BATCH or len(entries) >= _BATCH:
                await asyncio.sleep(_TICK)
                continue
            if not await sandbox.wait_change(wake, _IDLE if stats_sent <= 0 else 1.0):
                # Quiet: the chart still moves on while recent sends age out.
                if stats_sent > 0:
                    await response.write(_event("stats", sandbox.stats.snapshot()))
                else:
                    await response.write(b": keep-alive\n\n")
            await asyncio.sleep(_TICK)
    return response
