"""One business number's token bucket: O(1) per send, first come first served.

The bucket is kept as a "theoretical arrival time" (``tat``, as in GCRA): the
moment by which every token handed out so far has drained at ``rate``. A send
may go when ``tat`` is at most ``burst - 1`` tokens ahead of now, and each
send moves ``tat`` on by ``1 / rate``. That is the same leaky bucket as a level
in tokens (``level = (tat - now) * rate``), but taking a token costs two float
operations and no allocation, and nothing grows with the number of buckets.

Senders that must wait queue in arrival order behind one timer per bucket,
so a number's senders are served fairly and a bucket with no waiters costs
nothing while idle.
"""

from __future__ import annotations

import asyncio
from collections import deque

# A timer may fire a hair before its deadline (the loop's clock resolution);
# a token due within this much is handed out rather than re-armed.
_EPSILON = 1e-9


class Bucket:
    """A token bucket of ``burst`` tokens refilled at ``rate`` per second.

    Args:
        rate: Tokens per second (> 0).
        burst: Tokens that may be taken at once (>= 1).
        now: The loop time the bucket is created at; it starts with one free
            token, so the first send goes at once and the next ones at the rate.
    """

    __slots__ = ("_rate", "_tau", "_timer", "_timer_loop", "interval", "slack", "tat", "waiters")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        #: Senders waiting for a token, first come first served.
        self.waiters: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None
        self._set(rate, burst)
        self.tat = now + self._tau

    def _set(self, rate: float, burst: float) -> None:
        self._rate = rate
        #: Seconds between two tokens.
        self.interval = 1.0 / rate
        self._tau = (burst - 1.0) / rate
        #: How far ``tat`` may be ahead of now for a token to be free.
        self.slack = self._tau + _EPSILON

    @property
    def rate(self) -> float:
        return self._rate

    def level(self, now: float) -> float:
        """Tokens taken and not yet drained (may exceed ``burst`` during a pause)."""
        return max(0.0, (self.tat - now) * self._rate)

    def try_take(self, now: float) -> bool:
        """Take a token if one is free now and nobody is queued before us."""
        tat = self.tat
        if self.waiters:
            self._drop_gone()
            if self.waiters:
                return False
        if tat - now > self.slack:
            return False
        self.tat = (tat if tat > now else now) + self.interval
        return True

    async def take(self, loop: asyncio.AbstractEventLoop) -> None:
        """Take a token, waiting in line for it when none is free."""
        if self.try_take(loop.time()):
            return
        waiter: asyncio.Future[None] = loop.create_future()
        self.waiters.append(waiter)
        # (A timer of another loop, one that has ended, would never fire.)
        if self._timer is None or self._timer_loop is not loop:
            self._arm(loop)
        await waiter

    def _drop_gone(self) -> None:
        """Forget waiters at the head of the line that were cancelled (or whose loop ended)."""
        waiters = self.waiters
        while waiters and waiters[0].done():
            waiters.popleft()

    def retune(
        self, rate: float, burst: float, now: float, loop: asyncio.AbstractEventLoop,
        hold: float = 0.0,
    ) -> None:
        """Change the rate in place, keeping the tokens already taken.

        ``hold`` fills the bucket past its brim so that nothing comes out for
        that many seconds (the pause after a 130429); queued senders wait too.
        """
        level = self.level(now)
        self._set(rate, burst)
        if hold > 0:
            level = max(level, burst + hold * rate)
        self.tat = now + level / rate
        if self._timer is not None:
            if self._timer_loop is loop:
                self._timer.cancel()
            self._timer = None
        if self.waiters:
            self._arm(loop)

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = loop.call_at(self.tat - self._tau, self._release, loop)
        self._timer_loop = loop

    def _release(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        now = loop.time()
        waiters = self.waiters
        while waiters:
            tat = self.tat
            if tat - now > self.slack:
                self._arm(loop)
                return
            waiter = waiters.popleft()
            if waiter.done():  # its sender was cancelled: it takes no token
                continue
            self.tat = (tat if tat > now else now) + self.interval
            waiter.set_result(None)
