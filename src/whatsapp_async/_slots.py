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
        self.waiters: deque[asyncio.Future[bool]] = deque()

    async def wait(self, timeout: float | None = None) -> bool:
        """Wait for a place (call only when ``free`` is 0).

        Args:
            timeout: Seconds to wait at most; None waits as long as it takes.

        Returns:
            True once handed a place, False if ``timeout`` passed first.
        """
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        self.waiters.append(waiter)
        # A timer on the waiter itself rather than asyncio.wait_for(), which
        # before Python 3.12 runs the wait in a task of its own: with more
        # senders than connections, nearly every send waits here.
        timer = None if timeout is None else loop.call_later(timeout, _expire, waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result():
                self.release()  # handed a place, then cancelled: pass it on
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def release(self) -> None:
        """Give a place back: to the first live waiter, else to the free count."""
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():  # (a waiter that timed out or was cancelled is skipped)
                waiter.set_result(True)
                return
        self.free += 1


def _expire(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)


async def wait_for_slot(
    slots: Slots, timeout: float, method: str, path: str, pool_size: int
) -> None:
    """Wait for a place of ``slots`` within ``timeout``, as aiohttp waits for a connection.

    Raises:
        ConnectError: No place came free in time; nothing was sent.
    """
    if await slots.wait(timeout):
        return
    raise ConnectError(
        f"{method} {path}: could not connect: no free connection within {timeout:g}s "
        f"(all {pool_size} in use)",
        method=method, path=path,
    )
