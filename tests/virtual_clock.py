"""An event loop on virtual time, so timing tests advance the clock instead of sleeping.

The throttle's clock is the running loop's (``loop.time()``), the same clock
the throttle's buckets use, so injecting this loop moves both together. A test
opts in with a decorator::

    @on_virtual_clock
    async def test_rate() -> None:
        ...
"""

from __future__ import annotations

import asyncio
import functools
import selectors
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec

P = ParamSpec("P")


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """Whenever nothing is ready, the clock jumps to the next timer instead of waiting.

    Every idle turn moves it on by at least a microsecond, as real time would:
    a limiter that re-arms a timer a rounding error ahead must still see time pass.
    Waiting on real I/O (no timer due) still blocks, so threads and sockets work.
    """

    def __init__(self) -> None:
        super().__init__()
        self.now = 1000.0
        selector: selectors.BaseSelector = self._selector  # type: ignore[attr-defined]
        select = selector.select

        def jump(timeout: float | None = None) -> list[Any]:
            events = select(0)
            if events:
                return events
            if timeout is None:
                return select(None)
            self.now += max(timeout, 1e-6)
            return events

        selector.select = jump  # type: ignore[method-assign]

    def time(self) -> float:
        return self.now


def on_virtual_clock(test: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    """Run an async test to completion on a fresh :class:`VirtualClockLoop`.

    The test becomes a plain function, so it does not depend on how the
    pytest-asyncio version at hand lets a test pick its loop.
    """

    @functools.wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        loop = VirtualClockLoop()
        try:
            loop.run_until_complete(test(*args, **kwargs))
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    return run
