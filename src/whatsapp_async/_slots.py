"""A first-come-first-served limit on the requests in flight, in front of aiohttp's pool.

aiohttp's connector is not fair when more tasks want a connection than the
pool holds: a released connection goes back to the pool, and the task that
asks next (usually the one that just released it, looping round) takes it
before the waiter that was woken for it, which then queues again at the back.
With many business numbers sending through one client, some numbers then get
a fraction of their rate. The transport therefore lets at most
``max_connections`` requests into aiohttp at once and hands each freed place
straight to the longest waiter, so aiohttp's pool never has anyone waiting.
"""

from __future__ import annotations

import asyncio
from collections import deque

from .errors import ConnectError


class Slots:
    """``size`` places, handed over in arrival order.

    The hot path is inline in the transport (``if slots.free > 0: slots.free
    -= 1``); :meth:`wait` and :meth:`release` are the slow paths.
    """

    __slots__ = ("free", "waiters")

    def __init__(self, size: int) -> None:
        self.free = size
        self.waiters: deque[asyncio.Future[None]] = deque()

    async def wait(self) -> None:
        """Wait for a place (call only when ``free`` is 0)."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed a place, then cancelled: pass it on
            raise

    def release(self) -> None:
        """Give a place back: to the first live waiter, else to the free count."""
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.free += 1


async def wait_for_slot(
    slots: Slots, timeout: float, method: str, path: str, pool_size: int
) -> None:
    """Wait for a place of ``slots`` within ``timeout``, as aiohttp waits for a connection.

    Raises:
        ConnectError: No place came free in time; nothing was sent.
    """
    try:
        await asyncio.wait_for(slots.wait(), timeout)
    except asyncio.TimeoutError:
        failure = ConnectError(
            f"{method} {path}: could not connect: no free connection within {timeout:g}s "
            f"(all {pool_size} in use)",
            method=method, path=path,
        )
    else:
        return
    raise failure  # outside the except block, as the transport's failures are
